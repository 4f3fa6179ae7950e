"""Speed-networking rounds: pair the people present in a networking session's lobby for the most total
compatibility, never the same pair twice in the event, one trio when the number is odd."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from conference import people, programme
from conference.db.base import utcnow
from conference.db.models import Meeting, MeetingMember, NetworkingRound, Session, User
from conference.errors import Conflict, Invalid
from conference.matchmaking.pairing import pair_round
from conference.validation import Fields

MIN_SECONDS, MAX_SECONDS = 60, 1800
PAIRED_ROLES = ("attendee", "speaker")  # moderators and organisers run the room; they are not paired
NO_REASON = "Someone new to meet"


@dataclass(frozen=True)
class RoundRequest:
    session_id: int
    duration_seconds: int

    @classmethod
    def parse(cls, data: Any) -> RoundRequest:
        fields = Fields(data)
        session_id = fields.integer("session_id", required=True, minimum=1)
        seconds = fields.integer("duration_seconds", required=True, minimum=MIN_SECONDS, maximum=MAX_SECONDS)
        fields.check()
        assert session_id is not None and seconds is not None
        return cls(session_id, seconds)


@dataclass
class Group:
    meeting: Meeting
    member_ids: list[int]


@dataclass
class RoundOutcome:
    round: NetworkingRound
    groups: list[Group]
    unpaired: list[int]
    users: dict[int, User]
    ended: list[tuple[NetworkingRound, list[Group]]]  # rounds this call found over and closed first


async def networking_session(db: AsyncSession, session_id: int) -> Session:
    session = await programme.get_session(db, session_id)
    if session.kind != "networking":
        raise Invalid(
            f'"{session.title}" is not a networking session', {"session_id": "is not a networking session"}
        )
    return session


async def current_round(db: AsyncSession, session_id: int) -> NetworkingRound | None:
    """The session's latest round (running or not), if any."""
    return await db.scalar(
        select(NetworkingRound)
        .where(NetworkingRound.session_id == session_id)
        .order_by(NetworkingRound.number.desc())
        .limit(1)
    )


async def groups_of(db: AsyncSession, round_ids: Collection[int]) -> dict[int, list[Group]]:
    if not round_ids:
        return {}
    rows = await db.execute(
        select(Meeting, MeetingMember.user_id)
        .join(MeetingMember, MeetingMember.meeting_id == Meeting.id)
        .where(Meeting.round_id.in_(list(round_ids)))
        .order_by(Meeting.id, MeetingMember.user_id)
    )
    by_meeting: dict[int, Group] = {}
    for meeting, user_id in rows.all():
        by_meeting.setdefault(meeting.id, Group(meeting, [])).member_ids.append(user_id)
    out: dict[int, list[Group]] = {}
    for group in by_meeting.values():
        out.setdefault(group.meeting.round_id or 0, []).append(group)
    return out


async def end_due(
    db: AsyncSession, now: datetime, session_id: int | None = None
) -> list[tuple[NetworkingRound, list[Group]]]:
    """Closes rounds whose time is up (of one session, or all); returns them with their groups."""
    query = select(NetworkingRound).where(NetworkingRound.ended_at.is_(None), NetworkingRound.ends_at <= now)
    if session_id is not None:
        query = query.where(NetworkingRound.session_id == session_id)
    due = list((await db.scalars(query.with_for_update())).all())
    for row in due:
        row.ended_at = now
    await db.flush()
    groups = await groups_of(db, [r.id for r in due])
    return [(row, groups.get(row.id, [])) for row in due]


async def next_deadline(db: AsyncSession) -> datetime | None:
    return await db.scalar(
        select(func.min(NetworkingRound.ends_at)).where(NetworkingRound.ended_at.is_(None))
    )


async def start_round(
    db: AsyncSession,
    moderator: User,
    wanted: RoundRequest,
    present: Collection[int],
    scores: Callable[[list[int]], np.ndarray],
    reasons: Callable[[int, int], list[str]],
) -> RoundOutcome:
    """Pairs everyone present (moderators excluded) into pairs and at most one trio, each a meeting of
    kind "speed" lasting the round. 409 while the session's last round is still running."""
    session = await networking_session(db, wanted.session_id)
    # Two moderators starting a round at once: the second waits here, then sees the first's round.
    await db.execute(select(Session.id).where(Session.id == session.id).with_for_update())
    now = utcnow()
    ended = await end_due(db, now, session.id)
    last = await current_round(db, session.id)
    if last is not None and last.ended_at is None:
        raise Conflict(
            f"round {last.number} is still running until {last.ends_at.isoformat()}; start the next one "
            "after it ends",
            {"session_id": "a round is running"},
        )
    users = {
        u.id: u
        for u in (
            await db.scalars(
                select(User).where(
                    User.id.in_(list(present)), User.active.is_(True), User.role.in_(PAIRED_ROLES)
                )
            )
        ).all()
    }
    ids = sorted(users)
    met = await met_groups(db, ids)
    outcome = pair_round(ids, scores, met, last.unpaired if last is not None else ())
    row = NetworkingRound(
        session_id=session.id,
        number=(last.number if last is not None else 0) + 1,
        started_by=moderator.id,
        started_at=now,
        ends_at=now + timedelta(seconds=wanted.duration_seconds),
    )
    trio = [m for group in outcome.pairs if len(group) > 2 for m in group]
    row.unpaired = sorted([*outcome.unpaired, *trio])
    db.add(row)
    await db.flush()
    groups = []
    for members in outcome.pairs:
        first, second = members[0], members[1]
        meeting = Meeting(
            kind="speed",
            status="accepted",
            round_id=row.id,
            start=row.started_at,
            end=row.ends_at,
            reason=(reasons(first, second) or [NO_REASON])[0][:300],
        )
        db.add(meeting)
        await db.flush()
        db.add_all([MeetingMember(meeting_id=meeting.id, user_id=m) for m in members])
        groups.append(Group(meeting, list(members)))
    await db.flush()
    return RoundOutcome(row, groups, list(outcome.unpaired), users, ended)


async def met_groups(db: AsyncSession, ids: list[int]) -> list[frozenset[int]]:
    """Pairs among `ids` that may not be formed: met before (speed rounds of the whole event or an
    accepted meeting), hidden, blocked or declined either way."""
    wanted = set(ids)
    return [pair for pair in await people.exclusion_pairs(db) if pair <= wanted]


def person_reason(reasons: Callable[[int, int], list[str]], user_id: int, partners: list[int]) -> str:
    """Why this person meets these partners, from their own point of view."""
    lines = []
    for partner in partners:
        found = reasons(user_id, partner)
        if found:
            lines.append(found[0])
    return "; ".join(dict.fromkeys(lines)) or NO_REASON


async def lobby_state(db: AsyncSession, session_id: int, user_id: int) -> dict[str, Any]:
    """What a lobby page needs: the session, its latest round, and the viewer's group in it."""
    session = await networking_session(db, session_id)
    last = await current_round(db, session_id)
    now = utcnow()
    body: dict[str, Any] = {
        "session": {
            "id": session.id,
            "title": session.title,
            "start": session.start.isoformat(),
            "end": session.end.isoformat(),
        },
        "round": None,
        "mine": None,
        "now": now.isoformat(),
    }
    if last is None:
        return body
    running = last.ended_at is None and last.ends_at > now
    body["round"] = {
        "id": last.id,
        "number": last.number,
        "started_at": last.started_at.isoformat(),
        "ends_at": last.ends_at.isoformat(),
        "running": running,
    }
    groups = (await groups_of(db, [last.id])).get(last.id, [])
    mine = next((g for g in groups if user_id in g.member_ids), None)
    if mine is not None:
        body["mine"] = {
            "meeting_id": mine.meeting.id,
            "partner_ids": [m for m in mine.member_ids if m != user_id],
        }
    return body
