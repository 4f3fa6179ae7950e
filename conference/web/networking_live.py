"""Networking, live: the recommender service, the meeting channel rule, the pushes (meetings, rounds,
connections, seating) and the timer that ends speed-networking rounds and seats ranked roundtables."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from starlette.applications import Starlette

from conference import meetings, people, speed_networking
from conference.db.base import utcnow
from conference.db.models import Meeting, NetworkingRound, User
from conference.realtime import channels
from conference.realtime.channels import meeting_channel, networking_channel
from conference.recommendations import Recommender
from conference.video import video_url_for
from conference.web.timer import POLL_SECS, DeadlineTimer

logger = logging.getLogger(__name__)

STOP_SECS = 10.0


def zone(user: User) -> ZoneInfo:
    try:
        return ZoneInfo(user.timezone or "Europe/Paris")
    except (ValueError, KeyError):
        return ZoneInfo("Europe/Paris")


def meeting_body(
    app: Starlette, meeting: Meeting, group: list[User], viewer: User, tz: ZoneInfo
) -> dict[str, Any]:
    """A meeting as `viewer` sees it, with their own video address once the meeting is on."""
    body = meetings.meeting_view(meeting, group, viewer.id, tz)
    body["video_url"] = (
        video_url_for(app.state, "meeting", meeting.id, viewer.name) if meeting.status == "accepted" else None
    )
    body["page"] = f"/meetings/{meeting.id}"
    return body


async def push_meeting(app: Starlette, verb: str, meeting: Meeting, group: list[User]) -> None:
    """`meeting.{verb}` to both people, each with times in their own zone."""
    for person in group:
        await app.state.hub.notify_user(
            person.id,
            {"type": f"meeting.{verb}", "meeting": meeting_body(app, meeting, group, person, zone(person))},
        )


async def push_connection(app: Starlette, state: str, actor: User, other_id: int) -> None:
    """`connection.requested` (they asked) or `connection.made` (both asked) to the other person."""
    kind = "connection.made" if state == "connected" else "connection.requested"
    event: dict[str, Any] = {"type": kind, "user": people.brief(actor)}
    if state == "connected":
        event["contact"] = actor.contact
    await app.state.hub.notify_user(other_id, event)


async def push_round(app: Starlette, outcome: speed_networking.RoundOutcome) -> None:
    """`networking.paired` to each person paired, `networking.sat_out` to those left over, and
    `networking.round` to the lobby."""
    recommender: Recommender = app.state.recommender
    row = outcome.round
    now = utcnow().isoformat()
    for group in outcome.groups:
        for user_id in group.member_ids:
            person = outcome.users[user_id]
            partners = [m for m in group.member_ids if m != user_id]
            await app.state.hub.notify_user(
                user_id,
                {
                    "type": "networking.paired",
                    "session_id": row.session_id,
                    "round_id": row.id,
                    "round": row.number,
                    "meeting_id": group.meeting.id,
                    "partner": [people.public_profile(outcome.users[p]) for p in partners],
                    "reason": speed_networking.person_reason(recommender.reasons, user_id, partners),
                    "channel": meeting_channel(group.meeting.id),
                    "video_url": video_url_for(app.state, "meeting", group.meeting.id, person.name),
                    "ends_at": row.ends_at.isoformat(),
                    "now": now,
                },
            )
    for user_id in outcome.unpaired:
        await app.state.hub.notify_user(
            user_id,
            {
                "type": "networking.sat_out",
                "session_id": row.session_id,
                "round_id": row.id,
                "round": row.number,
                "ends_at": row.ends_at.isoformat(),
                "now": now,
                "reason": (
                    "everyone you could meet this round has met you already; you are first in line next round"
                ),
            },
        )
    await publish_lobby(app, row, len(outcome.groups))


async def publish_lobby(app: Starlette, row: NetworkingRound, groups: int | None = None) -> None:
    running = row.ended_at is None
    await app.state.hub.publish(
        networking_channel(row.session_id),
        {
            "type": "networking.round",
            "channel": networking_channel(row.session_id),
            "session_id": row.session_id,
            "round_id": row.id,
            "round": row.number,
            "running": running,
            "ends_at": row.ends_at.isoformat(),
            "groups": groups,
            "now": utcnow().isoformat(),
        },
    )


async def push_ended(app: Starlette, row: NetworkingRound, groups: list[speed_networking.Group]) -> None:
    """`networking.ended` to everyone of the round (back to the lobby, with whom to connect)."""
    ids = {m for g in groups for m in g.member_ids}
    async with app.state.db.reader() as db:
        users = await people_by_id(db, ids)
    for group in groups:
        for user_id in group.member_ids:
            partners = [users[m] for m in group.member_ids if m != user_id and m in users]
            await app.state.hub.notify_user(
                user_id,
                {
                    "type": "networking.ended",
                    "session_id": row.session_id,
                    "round_id": row.id,
                    "round": row.number,
                    "meeting_id": group.meeting.id,
                    "channel": meeting_channel(group.meeting.id),
                    "partner": [people.public_profile(p) for p in partners],
                },
            )
    await publish_lobby(app, row)


async def people_by_id(db: Any, ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in (await db.scalars(select(User).where(User.id.in_(ids)))).all()}


async def end_rounds(
    app: Starlette, ended: list[tuple[NetworkingRound, list[speed_networking.Group]]]
) -> None:
    for row, groups in ended:
        logger.info("speed-networking round %s of session %s ended", row.number, row.session_id)
        await push_ended(app, row, groups)
    if ended:
        await app.state.recommender.refresh()  # partners met: never recommended to each other again


class NetworkingTimer(DeadlineTimer):
    """Ends speed-networking rounds when their time is up and seats ranked roundtables at their
    deadline, whether or not anyone is connected. Both live in the database, so after a restart the
    timer finds them on its first look."""

    name = "networking"

    async def look(self) -> float:
        db = self.app.state.db
        now = utcnow()
        async with db.reader() as reader:
            deadlines = [
                d
                for d in (
                    await speed_networking.next_deadline(reader),
                    await seating_deadline(reader),
                )
                if d is not None
            ]
        if any(d <= now for d in deadlines):
            async with db.session() as writer:
                ended = await speed_networking.end_due(writer, now)
            await end_rounds(self.app, ended)
            await run_due_seatings(self.app, now)
            return 0
        if not deadlines:
            return POLL_SECS
        return min(POLL_SECS, (min(deadlines) - now).total_seconds() + 0.01)


async def seating_deadline(db: Any) -> Any:
    from conference import ranked_seating

    return await ranked_seating.next_deadline(db)


async def run_due_seatings(app: Starlette, now: Any) -> None:
    from conference import ranked_seating
    from conference.web.api.networking import announce_seating

    async with app.state.db.reader() as db:
        due = await ranked_seating.due_sessions(db, now)
    for session_id in due:
        try:
            async with app.state.db.session() as db:
                result = await ranked_seating.run(db, session_id, None)
        except Exception:  # one session's trouble must not keep the others unseated
            logger.exception("seating roundtable session %s failed", session_id)
            continue
        await announce_seating(app, result)


@asynccontextmanager
async def networking_service(app: Starlette) -> AsyncIterator[None]:
    """The lifespan part of networking (after the hub's service, which it uses)."""
    channels.register_membership("meeting", meetings.is_member)
    recommender = Recommender(app.state.db)
    await recommender.load()
    app.state.db.on_commit_of("programme", recommender.mark_stale)
    app.state.recommender = recommender
    app.state.profile_hooks.append(recommender.refresh_person)
    timer = NetworkingTimer(app)
    app.state.networking_timer = timer
    tasks = [
        asyncio.create_task(timer.run(), name="networking-timer"),
        asyncio.create_task(recommender.run_refresher(), name="matchmaking-refresh"),
    ]
    try:
        yield
    finally:
        timer.stop()
        tasks[1].cancel()
        with suppress(asyncio.CancelledError):
            await tasks[1]
        try:
            await asyncio.wait_for(tasks[0], STOP_SECS)
        except TimeoutError:
            logger.warning("the networking timer did not stop within %s s", STOP_SECS)
