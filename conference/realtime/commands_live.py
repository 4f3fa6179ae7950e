"""The live room around the chat: `react`, and the `room.state` a joiner gets right after `joined`
(questions, polls, slow mode and their own mute)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conference import moderation, polls, qa
from conference.errors import RateLimited
from conference.realtime.channels import Channel
from conference.realtime.commands import Context, after, command
from conference.realtime.commands import Join as JoinFrame
from conference.realtime.commands_qa import require_room
from conference.realtime.live_rooms import live_rooms
from conference.realtime.protocol import Frame


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


@after("join")
async def send_room_state(ctx: Context, frame: JoinFrame) -> None:
    """Runs once the joiner is a member, so every change from now on reaches them as an event; the
    state read here may be older than such an event, which is why items carry a `version`."""
    channel = frame.channel
    if channel.kind == "dm" or channel.name not in ctx.conn.channels:
        return
    async with ctx.db.reader() as db:
        questions = await qa.for_viewer(db, ctx.user, channel.name)
        voted = await qa.voted_ids(db, ctx.user.id, channel.name)
        found = await polls.for_channel(db, channel.name)
        mine = await polls.choices_of(db, ctx.user.id, channel.name)
        rules = await moderation.send_rules(db, channel.name, ctx.user.id)
    state: dict[str, Any] = {
        "type": "room.state",
        "channel": channel.name,
        "questions": [_item(q.event(), voted=q.id in voted) for q in questions],
        "polls": [_item(p.event(), my_vote=mine.get(p.id)) for p in found],
        "slow_mode": rules.slow_mode_seconds,
        "muted_until": rules.muted_until.isoformat() if rules.muted_until else None,
    }
    ctx.conn.send(state)  # not a reply: `joined` already answered the ref


def _item(event: dict[str, Any], **extra: Any) -> dict[str, Any]:
    item = {k: v for k, v in event.items() if k != "type"}
    item.update(extra)
    return item
