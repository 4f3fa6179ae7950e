"""What people see of breakout rounds: the API's view (members for moderators only) and the summary
pushed to a session's main room."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conference import accounts
from conference.breakouts import RoundState, latest_state, staff_among
from conference.db.models import BreakoutRound, Session, User
from conference.errors import NotFound


async def names(db: AsyncSession, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict((await db.execute(select(User.id, User.name).where(User.id.in_(user_ids)))).all())


async def attendees(db: AsyncSession, user_ids: set[int]) -> dict[int, str]:
    """Names of those of `user_ids` who would be placed in rooms (not moderators or organisers)."""
    staff = await staff_among(db, user_ids)
    return await names(db, user_ids - staff)


def round_dict(round_: BreakoutRound) -> dict[str, Any]:
    return {
        "id": round_.id,
        "mode": round_.mode,
        "status": round_.status,
        "duration_minutes": round_.duration_minutes,
        "opened_at": _iso(round_.opened_at),
        "ends_at": _iso(round_.ends_at),
        "closed_at": _iso(round_.closed_at),
        "close_reason": round_.close_reason,
    }


async def view(db: AsyncSession, session_id: int, viewer: User, now: datetime) -> dict[str, Any]:
    """`GET /sessions/{id}/breakouts`: moderators see who is in each room; others see the sizes and
    their own room."""
    if await db.get(Session, session_id) is None:
        raise NotFound(f"no session {session_id}")
    state = await latest_state(db, session_id)
    staff = accounts.role_at_least(viewer.role, "moderator")
    body: dict[str, Any] = {"session_id": session_id, "now": _iso(now), "round": None, "rooms": []}
    if state is None:
        body["my_room_id"] = None
        return body
    everyone = {uid for ids in state.members.values() for uid in ids}
    people = await names(db, everyone) if staff else {}
    mine = state.room_of(viewer.id)
    body["round"] = round_dict(state.round)
    body["my_room_id"] = mine.id if mine else None
    for room in state.rooms:
        item: dict[str, Any] = {
            "id": room.id,
            "index": room.position,
            "name": room.name,
            "capacity": room.capacity,
            "count": len(state.members[room.id]),
        }
        if staff:
            item["members"] = [{"id": uid, "name": people.get(uid, "")} for uid in state.members[room.id]]
        body["rooms"].append(item)
    return body


def summary(state: RoundState) -> dict[str, Any]:
    """What everyone in the session may see of a round (pushed as `breakouts.updated`)."""
    return {
        "round": round_dict(state.round),
        "rooms": [
            {
                "id": room.id,
                "index": room.position,
                "name": room.name,
                "capacity": room.capacity,
                "count": len(state.members[room.id]),
            }
            for room in state.rooms
        ],
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
