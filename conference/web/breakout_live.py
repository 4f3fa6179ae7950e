"""Breakout rooms, live: the pushes to people and rooms, the latecomer hook and the closing timer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from starlette.applications import Starlette

from conference import breakout_views, breakouts, roundtables
from conference.db.base import utcnow
from conference.db.models import User
from conference.realtime import channels
from conference.realtime.channels import Channel, breakout_channel, session_channel
from conference.video import video_url_for
from conference.web.timer import POLL_SECS, DeadlineTimer

logger = logging.getLogger(__name__)

# How long the app's shutdown waits for the timer's current look.
STOP_SECS = 10.0


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def assigned_event(
    app: Starlette, state: breakouts.RoundState, room_id: int, name: str, now: datetime
) -> dict[str, Any]:
    return {
        "type": "breakout.assigned",
        "session_id": state.round.session_id,
        "round_id": state.round.id,
        "room_id": room_id,
        "room_name": next(r.name for r in state.rooms if r.id == room_id),
        "channel": breakout_channel(room_id),
        "video_url": video_url_for(app.state, "breakout", room_id, name),
        "ends_at": _iso(state.round.ends_at),
        "now": now.isoformat(),
    }


async def push_assigned(
    app: Starlette, state: breakouts.RoundState, only: Iterable[int] | None = None
) -> None:
    """`breakout.assigned` to each member (or only to `only`), each with their own video address."""
    wanted = None if only is None else set(only)
    targets = [(uid, room) for uid, room in state.everyone if wanted is None or uid in wanted]
    async with app.state.db.reader() as db:
        names = await breakout_views.names(db, {uid for uid, _ in targets})
    now = utcnow()
    for user_id, room in targets:
        await app.state.hub.notify_user(
            user_id, assigned_event(app, state, room.id, names.get(user_id, ""), now)
        )


async def push_closed(app: Starlette, state: breakouts.RoundState) -> None:
    for user_id, room in state.everyone:
        await app.state.hub.notify_user(
            user_id,
            {
                "type": "breakout.closed",
                "session_id": state.round.session_id,
                "round_id": state.round.id,
                "room_id": room.id,
                "channel": breakout_channel(room.id),
                "reason": state.round.close_reason,
            },
        )


async def publish_summary(app: Starlette, state: breakouts.RoundState) -> None:
    """`breakouts.updated` to the session's room: the round and its room sizes (never who is where)."""
    event = {
        "type": "breakouts.updated",
        "channel": session_channel(state.round.session_id),
        "session_id": state.round.session_id,
        "now": utcnow().isoformat(),
        **breakout_views.summary(state),
    }
    await app.state.hub.publish(session_channel(state.round.session_id), event)


async def publish_broadcast(app: Starlette, state: breakouts.RoundState, sender: User, body: str) -> None:
    for room in state.rooms:
        await app.state.hub.publish(
            breakout_channel(room.id),
            {
                "type": "breakout.broadcast",
                "channel": breakout_channel(room.id),
                "session_id": state.round.session_id,
                "round_id": state.round.id,
                "room_id": room.id,
                "user": {"id": sender.id, "name": sender.name},
                "body": body,
                "ts": utcnow().isoformat(),
            },
        )


async def announce_closed(app: Starlette, state: breakouts.RoundState) -> None:
    await push_closed(app, state)
    await publish_summary(app, state)


async def on_session_join(app: Starlette, user: User, session_id: int) -> None:
    """Someone joined `session:{id}`: while rooms are open, put them in one (or back in theirs)."""
    async with app.state.db.reader() as db:
        if await breakouts.open_state(db, session_id) is None:
            return  # the common case costs one read
    async with app.state.db.session() as db:
        before = await breakouts.open_state(db, session_id)
        state = await breakouts.place_latecomer(db, session_id, user, utcnow())
    if state is None:
        return
    await push_assigned(app, state, only=[user.id])
    if before is None or before.room_of(user.id) is None:
        await publish_summary(app, state)


class BreakoutTimer(DeadlineTimer):
    """Closes rounds whose time is up, whether or not a moderator is connected.

    Open rounds live in the database, so after a restart the timer finds them on its first look.
    """

    name = "breakout"

    async def look(self) -> float:
        """Closes what is due and returns how long to wait for the next deadline."""
        db = self.app.state.db
        async with db.reader() as reader:
            deadline = await breakouts.next_deadline(reader)
        now = utcnow()
        if deadline is not None and deadline <= now:
            async with db.session() as writer:
                closed = await breakouts.close_due(writer, now)
            for state in closed:
                logger.info(
                    "breakout round %s of session %s closed: time is up",
                    state.round.id,
                    state.round.session_id,
                )
                await announce_closed(self.app, state)
            return 0
        if deadline is None:
            return POLL_SECS
        return min(POLL_SECS, (deadline - now).total_seconds() + 0.01)


def register_channel_rules() -> None:
    channels.register_membership("breakout", breakouts.is_room_member)
    channels.register_membership("table", roundtables.is_table_member)
    channels.register_moderation("table", roundtables.is_table_host)


@asynccontextmanager
async def breakout_service(app: Starlette) -> AsyncIterator[None]:
    """The lifespan part of breakouts and roundtables: channel rules, the join hook and the timer
    (after the hub's service, which it uses)."""
    register_channel_rules()

    async def session_joined(user: User, channel: Channel) -> None:
        await on_session_join(app, user, channel.id)

    app.state.hub.on_join("session", session_joined)
    timer = BreakoutTimer(app)
    app.state.breakout_timer = timer
    task = asyncio.create_task(timer.run(), name="breakout-timer")
    try:
        yield
    finally:
        timer.stop()
        try:
            await asyncio.wait_for(task, STOP_SECS)
        except TimeoutError:
            logger.warning("the breakout timer did not stop within %s s", STOP_SECS)
