"""Roundtable seats: one seat per person per roundtable session, never more people than seats."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from conference import accounts, programme, ranked_seating
from conference.db.models import RoundTable, Session, TableSeat, User
from conference.errors import Conflict, NotFound


@dataclass(frozen=True)
class SeatChange:
    session_id: int
    table_id: int | None  # where the person sits now (None after leaving)
    previous_table_id: int | None  # where they sat before, if anywhere

    @property
    def changed(self) -> bool:
        return self.table_id != self.previous_table_id


async def get_table(db: AsyncSession, table_id: int, *, lock: bool = False) -> RoundTable:
    query = select(RoundTable).where(RoundTable.id == table_id)
    if lock:
        # Postgres: joins of one table queue here, so the count below sees every earlier seat.
        # SQLite ignores FOR UPDATE; its writers are already serialised by BEGIN IMMEDIATE.
        query = query.with_for_update()
    table = await db.scalar(query)
    if table is None:
        raise NotFound(f"no table {table_id}")
    return table


async def taken(db: AsyncSession, table_id: int) -> int:
    return (
        await db.scalar(select(func.count()).select_from(TableSeat).where(TableSeat.table_id == table_id))
        or 0
    )


async def current_seat(db: AsyncSession, session_id: int, user_id: int) -> TableSeat | None:
    return await db.scalar(
        select(TableSeat).where(TableSeat.session_id == session_id, TableSeat.user_id == user_id)
    )


async def join(db: AsyncSession, table_id: int, user_id: int) -> SeatChange:
    """Seats the person at the table, moving them from another table of the same session; 409 (and no
    change) when the table is full, or when the session seats by ranked choice and has not been seated."""
    table = await get_table(db, table_id, lock=True)
    await ranked_seating.check_first_come(db, table.session_id)
    seat = await current_seat(db, table.session_id, user_id)
    if seat is not None and seat.table_id == table.id:
        return SeatChange(table.session_id, table.id, table.id)
    if await taken(db, table.id) >= table.seats:
        raise Conflict(
            f'"{table.topic}" is full: all {table.seats} seats are taken. Pick another table or try again '
            "when someone leaves."
        )
    previous = seat.table_id if seat is not None else None
    if seat is not None:
        await db.delete(seat)
        await db.flush()
    db.add(TableSeat(table_id=table.id, session_id=table.session_id, user_id=user_id))
    try:
        await db.flush()
    except IntegrityError:
        # The same person joined another table of this session at the same moment (Postgres): their
        # other request won; ask them to retry rather than seat them twice.
        raise Conflict("you are taking another seat at this moment; try again") from None
    # Seats taken are part of the programme's view: its caches must drop what they hold.
    await programme.touch(db)
    return SeatChange(table.session_id, table.id, previous)


async def leave(db: AsyncSession, table_id: int, user_id: int) -> SeatChange:
    table = await get_table(db, table_id)
    result = await db.execute(
        delete(TableSeat).where(TableSeat.table_id == table.id, TableSeat.user_id == user_id)
    )
    was_seated = result.rowcount > 0
    if was_seated:
        await programme.touch(db)
    return SeatChange(table.session_id, None, table.id if was_seated else None)


async def tables(db: AsyncSession, session_id: int) -> list[dict[str, Any]]:
    """The tables of a session with seats taken and left, in their order (404 for an unknown session)."""
    if await db.get(Session, session_id) is None:
        raise NotFound(f"no session {session_id}")
    rows = (
        await db.scalars(
            select(RoundTable).where(RoundTable.session_id == session_id).order_by(RoundTable.position)
        )
    ).all()
    counts = dict(
        (
            await db.execute(
                select(TableSeat.table_id, func.count())
                .where(TableSeat.session_id == session_id)
                .group_by(TableSeat.table_id)
            )
        ).all()
    )
    return [
        {
            "id": t.id,
            "topic": t.topic,
            "host": t.host,
            "host_user_id": t.host_user_id,
            "language": t.language,
            "seats": t.seats,
            "taken": counts.get(t.id, 0),
            "left": max(0, t.seats - counts.get(t.id, 0)),
        }
        for t in rows
    ]


async def seated_table(db: AsyncSession, session_id: int, user_id: int) -> int | None:
    seat = await current_seat(db, session_id, user_id)
    return seat.table_id if seat else None


async def is_table_member(db: AsyncSession, user: User, table_id: int) -> bool:
    """Who may join `table:{id}`: the people seated there, its host, moderators and organisers."""
    table = await db.get(RoundTable, table_id)
    if table is None:
        return False
    if accounts.role_at_least(user.role, "moderator") or table.host_user_id == user.id:
        return True
    seat = await db.scalar(
        select(TableSeat.id).where(TableSeat.table_id == table_id, TableSeat.user_id == user.id)
    )
    return seat is not None


async def is_table_host(db: AsyncSession, user: User, table_id: int) -> bool:
    """The table's host moderates its chat as a moderator would."""
    table = await db.get(RoundTable, table_id)
    return table is not None and table.host_user_id == user.id
