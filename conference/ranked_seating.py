"""Roundtables seated by preference: organisers switch a roundtable session to "ranked", attendees rank
their top three tables, and at the deadline everyone who ranked is seated for the best total."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from conference import people, programme
from conference.db.base import utcnow
from conference.db.models import (
    Notification,
    RoundTable,
    SeatingRun,
    Session,
    TablePreference,
    TableSeat,
    User,
)
from conference.errors import Conflict, Invalid
from conference.matchmaking.seating import Table, seat
from conference.recommendations import match_profile
from conference.validation import Fields

MODES = ("first_come", "ranked")
MAX_CHOICES = 3


@dataclass(frozen=True)
class ModeChange:
    mode: str
    ranking_deadline: datetime | None

    @classmethod
    def parse(cls, data: Any) -> ModeChange:
        fields = Fields(data)
        mode = fields.choice("mode", MODES, required=True)
        deadline = fields.datetime("ranking_deadline")
        fields.check()
        return cls(mode, deadline)


@dataclass
class SeatingResult:
    session_id: int
    title: str
    assignment: dict[int, int]  # user id -> table id
    unseated: list[int]
    tables: dict[int, RoundTable]
    choices: dict[int, list[int]] = field(default_factory=dict)

    def rank_of(self, user_id: int) -> int | None:
        """1 for someone seated at their first choice, … None when seated elsewhere or not at all."""
        table = self.assignment.get(user_id)
        ranked = self.choices.get(user_id, [])
        return ranked.index(table) + 1 if table in ranked else None


async def roundtable_session(db: AsyncSession, session_id: int, *, lock: bool = False) -> Session:
    session = await programme.get_session(db, session_id)
    if session.kind != "roundtable":
        raise Invalid(f'"{session.title}" is not a roundtable session', {"session_id": "is not a roundtable"})
    if lock:
        # Postgres: a run and a mode change (or two runs) of one session queue here.
        await db.execute(select(Session.id).where(Session.id == session_id).with_for_update())
    return session


async def last_run(db: AsyncSession, session_id: int) -> SeatingRun | None:
    return await db.get(SeatingRun, session_id)


async def set_mode(db: AsyncSession, session_id: int, change: ModeChange) -> Session:
    """Organisers: seat first come, or by ranking (with an optional deadline for the automatic run)."""
    session = await roundtable_session(db, session_id, lock=True)
    if await last_run(db, session_id) is not None:
        raise Conflict("this roundtable session has been seated already; its seating mode is final")
    session.seating_mode = change.mode
    session.ranking_deadline = change.ranking_deadline if change.mode == "ranked" else None
    session.version += 1
    await db.flush()
    await programme.touch(db)
    return session


async def check_first_come(db: AsyncSession, session_id: int) -> None:
    """Taking a seat directly waits until a ranked session has been seated."""
    session = await db.get(Session, session_id)
    if session is not None and session.seating_mode == "ranked" and await last_run(db, session_id) is None:
        raise Conflict(
            "this roundtable seats people by preference: rank your tables "
            f"(PUT /api/v1/sessions/{session_id}/preferences); free seats open after the seating"
        )


async def set_preferences(db: AsyncSession, user: User, session_id: int, data: Any) -> list[int]:
    session = await roundtable_session(db, session_id)
    fields = Fields(data)
    raw = fields.data.get("tables")
    table_ids = await _table_ids(db, session_id)
    if not isinstance(raw, list) or not all(isinstance(t, int) and not isinstance(t, bool) for t in raw):
        fields.fail("tables", "must be a list of table ids, best first")
    elif not 1 <= len(raw) <= MAX_CHOICES:
        fields.fail("tables", f"rank from 1 to {MAX_CHOICES} tables")
    elif len(set(raw)) != len(raw):
        fields.fail("tables", "name each table once")
    elif unknown := [t for t in raw if t not in table_ids]:
        fields.fail("tables", "not tables of this session: " + ", ".join(map(str, unknown)))
    fields.check()
    if session.seating_mode != "ranked":
        raise Conflict("this roundtable seats first come: take a seat at a table instead")
    if await last_run(db, session_id) is not None:
        raise Conflict("the seating has been done; take one of the free seats instead")
    if session.ranking_deadline is not None and session.ranking_deadline <= utcnow():
        raise Conflict("ranking closed at the deadline; the seating runs now")
    row = await db.get(TablePreference, (session_id, user.id))
    if row is None:
        row = TablePreference(session_id=session_id, user_id=user.id)
        db.add(row)
    row.tables = list(raw)
    row.updated_at = utcnow()
    await db.flush()
    return list(raw)


async def _table_ids(db: AsyncSession, session_id: int) -> list[int]:
    rows = await db.scalars(select(RoundTable.id).where(RoundTable.session_id == session_id))
    return list(rows.all())


async def preferences_view(db: AsyncSession, user_id: int | None, session_id: int) -> dict[str, Any]:
    """One person's ranking and seat (`user_id` None: a signed-out visitor, who has neither)."""
    session = await roundtable_session(db, session_id)
    run = await last_run(db, session_id)
    row = await db.get(TablePreference, (session_id, user_id)) if user_id is not None else None
    seat_row = (
        await db.scalar(
            select(TableSeat.table_id).where(TableSeat.session_id == session_id, TableSeat.user_id == user_id)
        )
        if user_id is not None
        else None
    )
    return {
        "session_id": session_id,
        "seating_mode": session.seating_mode,
        "ranking_deadline": session.ranking_deadline.isoformat() if session.ranking_deadline else None,
        "tables": list(row.tables) if row else [],
        "seated_at": run.ran_at.isoformat() if run else None,
        "my_table_id": seat_row,
        # Ranked, but the run found no seat for them (whatever seat they may have taken since).
        "unseated": run is not None and user_id is not None and user_id in run.unseated,
    }


async def run(db: AsyncSession, session_id: int, by: int | None) -> SeatingResult:
    """Seats everyone who ranked (409 when it was done already). Seats others took before the session
    became ranked stay where they are and count against their tables."""
    session = await roundtable_session(db, session_id, lock=True)
    if session.seating_mode != "ranked":
        raise Conflict("this roundtable seats first come; switch it to ranked first")
    if await last_run(db, session_id) is not None:
        raise Conflict("this roundtable session has been seated already")
    choices = {
        row.user_id: list(row.tables)
        for row in (await db.scalars(select(TablePreference).where(TablePreference.session_id == session_id)))
    }
    users = (
        await db.scalars(
            select(User).where(User.id.in_(list(choices)), User.active.is_(True)).order_by(User.id)
        )
    ).all()
    choices = {u.id: choices[u.id] for u in users}
    await db.execute(
        delete(TableSeat).where(TableSeat.session_id == session_id, TableSeat.user_id.in_(list(choices)))
    )
    held = dict(
        (
            await db.execute(
                select(TableSeat.table_id, func.count())
                .where(TableSeat.session_id == session_id)
                .group_by(TableSeat.table_id)
            )
        ).all()
    )
    rows = {t.id: t for t in session.tables}
    tables = [
        Table(id=t.id, topic=t.topic, seats=max(0, t.seats - held.get(t.id, 0)), languages={t.language})
        for t in session.tables
    ]
    seating = seat([match_profile(u) for u in users], tables, choices)
    db.add_all(
        [
            TableSeat(table_id=table, session_id=session_id, user_id=user)
            for user, table in seating.assignment.items()
        ]
    )
    result = SeatingResult(
        session_id, session.title, dict(seating.assignment), sorted(seating.unseated), rows, choices
    )
    db.add(
        SeatingRun(
            session_id=session_id,
            ran_at=utcnow(),
            ran_by=by,
            unseated=result.unseated,
            total_rank=seating.utility,
        )
    )
    for user_id in choices:
        table = seating.assignment.get(user_id)
        db.add(
            Notification(
                user_id=user_id,
                kind="seating.assigned" if table is not None else "seating.unseated",
                data={
                    "session_id": session_id,
                    "table_id": table,
                    "topic": rows[table].topic if table else None,
                },
            )
        )
    await db.flush()
    await programme.touch(db)
    return result


async def seating_view(db: AsyncSession, session_id: int) -> dict[str, Any]:
    """`GET /sessions/{id}/seating` (organisers): who sits where, who could not be seated."""
    session = await roundtable_session(db, session_id)
    run_row = await last_run(db, session_id)
    choices = {
        row.user_id: list(row.tables)
        for row in (await db.scalars(select(TablePreference).where(TablePreference.session_id == session_id)))
    }
    seats = (
        await db.execute(
            select(TableSeat.table_id, TableSeat.user_id).where(TableSeat.session_id == session_id)
        )
    ).all()
    ids = set(choices) | {u for _, u in seats} | set(run_row.unseated if run_row else [])
    users = (
        {u.id: u for u in (await db.scalars(select(User).where(User.id.in_(list(ids))))).all()} if ids else {}
    )
    seated: dict[int, list[dict[str, Any]]] = {}
    for table_id, user_id in seats:
        if user_id in users:
            rank = choices.get(user_id, [])
            seated.setdefault(table_id, []).append(
                {
                    **people.brief(users[user_id]),
                    "rank": rank.index(table_id) + 1 if table_id in rank else None,
                }
            )
    return {
        "session_id": session_id,
        "seating_mode": session.seating_mode,
        "ranking_deadline": session.ranking_deadline.isoformat() if session.ranking_deadline else None,
        "ran_at": run_row.ran_at.isoformat() if run_row else None,
        "preferences": len(choices),
        "tables": [
            {
                "id": t.id,
                "topic": t.topic,
                "seats": t.seats,
                "language": t.language,
                "seated": seated.get(t.id, []),
            }
            for t in session.tables
        ],
        "unseated": [people.brief(users[u]) for u in (run_row.unseated if run_row else []) if u in users],
    }


async def next_deadline(db: AsyncSession) -> datetime | None:
    return await db.scalar(
        select(func.min(Session.ranking_deadline)).where(
            Session.seating_mode == "ranked",
            Session.ranking_deadline.is_not(None),
            Session.id.not_in(select(SeatingRun.session_id)),
        )
    )


async def due_sessions(db: AsyncSession, now: datetime) -> list[int]:
    rows = await db.scalars(
        select(Session.id).where(
            Session.seating_mode == "ranked",
            Session.ranking_deadline <= now,
            Session.id.not_in(select(SeatingRun.session_id)),
        )
    )
    return list(rows.all())
