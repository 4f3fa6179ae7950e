"""The live room around the chat: `react`, and what a joiner learns about the room in `joined`
(questions, polls, slow mode, their own mute)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from conference import live_state, moderation, polls, qa
from conference.errors import RateLimited
from conference.realtime.channels import Channel
from conference.realtime.commands import Context, after, command
from conference.realtime.commands import Join as JoinFrame
from conference.realtime.commands_qa import require_room
from conference.realtime.connection import Connection
from conference.realtime.hub import Hub
from conference.realtime.live_rooms import live_rooms
from conference.realtime.protocol import Frame

# Fingerprints of joins in progress, by (connection id, channel): checked once the joiner is a member.
_joining: dict[tuple[int, str], tuple[float, live_state.Fingerprint]] = {}
_JOINING_KEEP_SECS = 60.0


@dataclass(frozen=True, slots=True, kw_only=True)
class React(Frame):
    channel: Channel
    emoji: str


@command("react")
async def react(ctx: Context, frame: React) -> dict[str, Any]:
    require_room(frame.channel, "reactions")
    await ctx.require_member(frame.channel)
    state = live_rooms(ctx.hub)
    wait = state.react_limits.take(ctx.user.id)
    if wait:
        raise RateLimited("that is a lot of applause; wait a moment", wait)
    state.reactions.add(frame.channel.name, frame.emoji)  # Invalid for emoji outside the set
    # The reacting person sees the counts at once; the room gets them with the next push.
    return state.reactions_event(frame.channel.name, state.reactions.counts(frame.channel.name))


def join_extra(hub: Hub) -> Any:
    """The hub's `join_extras` hook: the room's state, added to `joined`."""

    async def extra(conn: Connection, channel: Channel) -> dict[str, Any] | None:
        if channel.kind == "dm":
            return None
        async with hub.db.reader() as db:
            state = await live_state.room_state(db, conn.user, channel.name)
        now = time.monotonic()
        if len(_joining) > 1000:
            for key in [k for k, (at, _) in _joining.items() if now - at > _JOINING_KEEP_SECS]:
                del _joining[key]
        _joining[(conn.id, channel.name)] = (now, state.fingerprint)
        return state.joined_keys()

    return extra


@after("join")
async def catch_up_after_join(ctx: Context, frame: JoinFrame) -> None:
    """The state in `joined` was read before the joiner became a member: a change that landed in
    between reached the others but not them. Compare fingerprints and send what changed (rare)."""
    channel = frame.channel
    found = _joining.pop((ctx.conn.id, channel.name), None)
    if found is None or channel.name not in ctx.conn.channels:
        return
    async with ctx.db.reader() as db:
        if await live_state.fingerprint(db, channel.name) == found[1]:
            return
        questions = await qa.in_channel(db, channel.name)
        found_polls = await polls.for_channel(db, channel.name)
        seconds = await moderation.slow_mode(db, channel.name)
    # Ordinary events: clients keep the newest version of each item.
    for question in questions:
        if qa.can_see(ctx.user, question):
            ctx.conn.send(question.event())
        elif question.status == "hidden":
            ctx.conn.send(question.withdrawn_event())  # it may have been public when `joined` was read
    for poll in found_polls:
        ctx.conn.send(poll.event())
    ctx.conn.send({"type": "moderation.slow_mode", "channel": channel.name, "seconds": seconds})
