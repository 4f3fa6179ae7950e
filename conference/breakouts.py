"""Breakout rooms: a moderator creates a round of rooms, opens it (filling the rooms with the people
present), moves people, extends and closes it; latecomers join the smallest room."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from conference import accounts
from conference.breakout_plan import BreakoutPlan
from conference.db.models import BreakoutMember, BreakoutRoom, BreakoutRound, Session, User
from conference.errors import Conflict, Forbidden, Invalid, NotFound
from conference.grouping import assign_random, assign_themes, fill_smallest

ACTIVE = ("draft", "open")


# ---------------------------------------------------------------- state


@dataclass
class RoundState:
    """A round with its rooms and members, as the domain functions return it to their callers."""

    round: BreakoutRound
    rooms: list[BreakoutRoom]
    members: dict[int, list[int]]  # room id -> user ids, in the order they joined

    def room_of(self, user_id: int) -> BreakoutRoom | None:
        for room in self.rooms:
            if user_id in self.members[room.id]:
                return room
        return None

    @property
    def everyone(self) -> list[tuple[int, BreakoutRoom]]:
        return [(user_id, room) for room in self.rooms for user_id in self.members[room.id]]


async def _lock_session(db: AsyncSession, session_id: int) -> None:
    """Serialises breakout changes of one session (FOR UPDATE on Postgres; SQLite writers queue)."""
    found = await db.scalar(select(Session.id).where(Session.id == session_id).with_for_update())
    if found is None:
        raise NotFound(f"no session {session_id}")


async def _state(db: AsyncSession, round_: BreakoutRound) -> RoundState:
    rooms = list(
        (
            await db.scalars(
                select(BreakoutRoom).where(BreakoutRoom.round_id == round_.id).order_by(BreakoutRoom.position)
            )
        ).all()
    )
    members: dict[int, list[int]] = {room.id: [] for room in rooms}
    rows = await db.execute(
        select(BreakoutMember.room_id, BreakoutMember.user_id)
        .where(BreakoutMember.round_id == round_.id)
        .order_by(BreakoutMember.assigned_at, BreakoutMember.id)
    )
    for room_id, user_id in rows.all():
        members[room_id].append(user_id)
    return RoundState(round_, rooms, members)


async def _round(db: AsyncSession, session_id: int, statuses: tuple[str, ...]) -> BreakoutRound | None:
    return await db.scalar(
        select(BreakoutRound)
        .where(BreakoutRound.session_id == session_id, BreakoutRound.status.in_(statuses))
        .order_by(BreakoutRound.id.desc())
        .limit(1)
    )


async def latest_state(db: AsyncSession, session_id: int) -> RoundState | None:
    """The active round of a session, or else its last closed one."""
    round_ = await _round(db, session_id, ACTIVE) or await _round(db, session_id, ("closed",))
    return await _state(db, round_) if round_ else None


async def open_state(db: AsyncSession, session_id: int) -> RoundState | None:
    round_ = await _round(db, session_id, ("open",))
    return await _state(db, round_) if round_ else None


async def staff_among(db: AsyncSession, user_ids: set[int]) -> set[int]:
    """Those of `user_ids` who run rooms rather than sit in them (moderators, organisers)."""
    if not user_ids:
        return set()
    rows = await db.execute(select(User.id, User.role, User.active).where(User.id.in_(user_ids)))
    return {
        uid for uid, role, active in rows.all() if not active or accounts.role_at_least(role, "moderator")
    }


# ---------------------------------------------------------------- moderator actions


async def create_rooms(db: AsyncSession, session_id: int, plan: BreakoutPlan, created_by: int) -> RoundState:
    """A new draft round (it replaces a draft not yet opened); 409 while rooms are open."""
    await _lock_session(db, session_id)
    active = await _round(db, session_id, ACTIVE)
    if active is not None and active.status == "open":
        raise Conflict("breakout rooms are open in this session; close them before creating new ones")
    wanted = {uid for ids in plan.assignments.values() for uid in ids}
    if wanted:
        known = set((await db.scalars(select(User.id).where(User.id.in_(wanted)))).all())
        unknown = sorted(wanted - known)
        if unknown:
            listed = ", ".join(map(str, unknown))
            raise Invalid(f"no such user(s): {listed}", {"assignments": f"unknown user id(s): {listed}"})
    if active is not None:
        # Kept, not deleted: ids are never reused (SQLite would), so a room name always means one room.
        active.status = "discarded"
        await db.execute(delete(BreakoutMember).where(BreakoutMember.round_id == active.id))
        await db.flush()
    round_ = BreakoutRound(
        session_id=session_id, mode=plan.mode, duration_minutes=plan.duration_minutes, created_by=created_by
    )
    db.add(round_)
    await db.flush()
    rooms = [
        BreakoutRoom(round_id=round_.id, position=n, name=name, capacity=plan.capacity)
        for n, name in enumerate(plan.names)
    ]
    db.add_all(rooms)
    await db.flush()
    for index, user_ids in plan.assignments.items():
        for user_id in user_ids:
            db.add(BreakoutMember(round_id=round_.id, room_id=rooms[index].id, user_id=user_id, how="manual"))
    await db.flush()
    return await _state(db, round_)


async def open_rooms(
    db: AsyncSession, session_id: int, present: set[int], now: datetime, rng: random.Random | None = None
) -> RoundState:
    """Opens the draft round: fills its rooms from the people `present` (moderators excluded) by its
    mode, and starts the clock. 422, with nothing changed, when there are fewer people than rooms."""
    await _lock_session(db, session_id)
    round_ = await _round(db, session_id, ACTIVE)
    if round_ is None:
        raise Conflict("there are no breakout rooms to open; create them first")
    if round_.status == "open":
        raise Conflict("the breakout rooms are already open")
    state = await _state(db, round_)
    rng = rng or random.Random()
    people = present - await staff_among(db, present)
    groups = [list(state.members[room.id]) for room in state.rooms]
    newcomers = sorted(people - {uid for g in groups for uid in g})
    rng.shuffle(newcomers)
    capacities = [room.capacity for room in state.rooms]
    if round_.mode == "random":
        groups = assign_random(newcomers, len(groups), rng)
    elif round_.mode == "themes":
        rows = await db.execute(select(User.id, User.themes).where(User.id.in_(newcomers)))
        groups = assign_themes(dict(rows.all()), len(groups), rng)
    if round_.mode != "self":
        if round_.mode == "manual":
            left_over = fill_smallest(groups, newcomers, capacities)
        else:
            left_over = [p for g, c in zip(groups, capacities, strict=True) if c is not None for p in g[c:]]
        total = sum(len(g) for g in groups)
        if left_over:
            raise Invalid(
                f"{total} people are here but the rooms hold only {total - len(left_over)}; "
                "add rooms or raise their capacity",
                {"capacity": "too small for everyone present"},
            )
        if total < len(groups):
            raise Invalid(
                f"{total} people are here for {len(groups)} rooms: "
                "create fewer rooms or wait for more people",
                {"rooms": f"more rooms than people ({total})"},
            )
    for room, group in zip(state.rooms, groups, strict=True):
        for user_id in group:
            if user_id not in state.members[room.id]:
                db.add(BreakoutMember(round_id=round_.id, room_id=room.id, user_id=user_id, how="auto"))
    round_.status, round_.opened_at = "open", now
    round_.ends_at = now + timedelta(minutes=round_.duration_minutes)
    await db.flush()
    return await _state(db, round_)


async def place_latecomer(db: AsyncSession, session_id: int, user: User, now: datetime) -> RoundState | None:
    """Someone joined the session while rooms are open: the open round once they have a room (their
    earlier one, or the smallest with a free place), None if there is nothing to place them in."""
    if accounts.role_at_least(user.role, "moderator"):
        return None
    await _lock_session(db, session_id)
    round_ = await _round(db, session_id, ("open",))
    if round_ is None or (round_.ends_at is not None and round_.ends_at <= now):
        return None
    state = await _state(db, round_)
    if state.room_of(user.id) is not None:
        return state
    if round_.mode == "self":
        return None  # they pick a room themselves
    free = [r for r in state.rooms if r.capacity is None or len(state.members[r.id]) < r.capacity]
    if not free:
        return None
    smallest = min(free, key=lambda r: (len(state.members[r.id]), r.position))
    db.add(BreakoutMember(round_id=round_.id, room_id=smallest.id, user_id=user.id, how="late"))
    await db.flush()
    return await _state(db, round_)


async def move_person(
    db: AsyncSession,
    session_id: int,
    user_id: int,
    *,
    room_id: int | None = None,
    room_index: int | None = None,
) -> tuple[RoundState, BreakoutRoom | None]:
    """Puts a person in another room of the active round; returns the new state and their old room."""
    await _lock_session(db, session_id)
    round_ = await _round(db, session_id, ACTIVE)
    if round_ is None:
        raise Conflict("there are no breakout rooms in this session to move people between")
    state = await _state(db, round_)
    target = next(
        (r for r in state.rooms if r.id == room_id or (room_id is None and r.position == room_index)), None
    )
    if target is None:
        wanted = f"room {room_id}" if room_id is not None else f"room index {room_index}"
        raise Invalid(f"{wanted} is not one of this session's breakout rooms", {"room": "unknown room"})
    if await db.scalar(select(User.id).where(User.id == user_id)) is None:
        raise NotFound(f"no user {user_id}")
    previous = state.room_of(user_id)
    if previous is not None and previous.id == target.id:
        return state, previous
    _check_capacity(state, target)
    how = "manual" if round_.status == "draft" else "moved"
    await _seat(db, round_, target, user_id, how)
    return await _state(db, round_), previous


async def join_room(db: AsyncSession, room_id: int, user: User) -> tuple[RoundState, BreakoutRoom | None]:
    """An attendee picks a room of a self-service round (409 when it is full)."""
    room = await db.get(BreakoutRoom, room_id)
    if room is None:
        raise NotFound(f"no breakout room {room_id}")
    round_ = await db.get(BreakoutRound, room.round_id)
    assert round_ is not None
    await _lock_session(db, round_.session_id)
    await db.refresh(round_)
    if round_.mode != "self":
        raise Forbidden("a moderator assigns the rooms of this round; you cannot pick one")
    if round_.status not in ACTIVE:
        raise Conflict("these breakout rooms are closed")
    state = await _state(db, round_)
    previous = state.room_of(user.id)
    if previous is not None and previous.id == room.id:
        return state, previous
    _check_capacity(state, room)
    await _seat(db, round_, room, user.id, "self")
    return await _state(db, round_), previous


def _check_capacity(state: RoundState, room: BreakoutRoom) -> None:
    if room.capacity is not None and len(state.members[room.id]) >= room.capacity:
        raise Conflict(f'"{room.name}" is full ({room.capacity} of {room.capacity} places taken)')


async def _seat(db: AsyncSession, round_: BreakoutRound, room: BreakoutRoom, user_id: int, how: str) -> None:
    await db.execute(
        delete(BreakoutMember).where(BreakoutMember.round_id == round_.id, BreakoutMember.user_id == user_id)
    )
    db.add(BreakoutMember(round_id=round_.id, room_id=room.id, user_id=user_id, how=how))
    await db.flush()


async def running_state(db: AsyncSession, session_id: int, *, lock: bool = True) -> RoundState:
    """The open round; 404 for an unknown session, 409 when no rooms are open."""
    if lock:
        await _lock_session(db, session_id)
    elif await db.get(Session, session_id) is None:
        raise NotFound(f"no session {session_id}")
    round_ = await _round(db, session_id, ("open",))
    if round_ is None:
        raise Conflict("no breakout rooms are open in this session")
    return await _state(db, round_)


async def extend(db: AsyncSession, session_id: int, minutes: int, now: datetime) -> RoundState:
    """Moves the end of the open round `minutes` later (from now, if it has just passed)."""
    state = await running_state(db, session_id)
    ends_at = state.round.ends_at or now
    state.round.ends_at = max(ends_at, now) + timedelta(minutes=minutes)
    await db.flush()
    return state


async def set_ends_at(db: AsyncSession, session_id: int, ends_at: datetime) -> RoundState:
    """Moves the end of the open round to `ends_at` (tests and operators; the timer does the rest)."""
    state = await running_state(db, session_id)
    state.round.ends_at = ends_at
    await db.flush()
    return state


async def close(db: AsyncSession, session_id: int, now: datetime, reason: str = "moderator") -> RoundState:
    """Closes the open round; members keep reading their room's chat."""
    state = await running_state(db, session_id)
    state.round.status, state.round.closed_at, state.round.close_reason = "closed", now, reason
    await db.flush()
    return state


async def close_due(db: AsyncSession, now: datetime) -> list[RoundState]:
    """Closes every open round whose time is up. The conditional update lets several processes run this
    at once: each round is closed (and announced) by exactly one of them."""
    due = (
        await db.scalars(
            select(BreakoutRound.id).where(BreakoutRound.status == "open", BreakoutRound.ends_at <= now)
        )
    ).all()
    closed = []
    for round_id in due:
        result = await db.execute(
            update(BreakoutRound)
            .where(BreakoutRound.id == round_id, BreakoutRound.status == "open", BreakoutRound.ends_at <= now)
            .values(status="closed", closed_at=now, close_reason="time")
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            round_ = await db.get(BreakoutRound, round_id, populate_existing=True)
            assert round_ is not None
            closed.append(await _state(db, round_))
    return closed


async def next_deadline(db: AsyncSession) -> datetime | None:
    return await db.scalar(select(func.min(BreakoutRound.ends_at)).where(BreakoutRound.status == "open"))


# ---------------------------------------------------------------- reading


async def is_room_member(db: AsyncSession, user: User, room_id: int) -> bool:
    """Who may join `breakout:{room_id}`: its members (also after the close), moderators, organisers."""
    if accounts.role_at_least(user.role, "moderator"):
        return await db.get(BreakoutRoom, room_id) is not None
    found = await db.scalar(
        select(BreakoutMember.id).where(BreakoutMember.room_id == room_id, BreakoutMember.user_id == user.id)
    )
    return found is not None
