"""Poll commands: `poll.create` (moderators), `poll.vote`, `poll.close` -> `poll` events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conference import polls
from conference.realtime import channels
from conference.realtime.channels import Channel
from conference.realtime.commands import Context, command
from conference.realtime.commands_qa import require_room
from conference.realtime.live_rooms import live_rooms
from conference.realtime.protocol import Frame


@dataclass(frozen=True, slots=True, kw_only=True)
class Create(Frame):
    channel: Channel
    question: str
    options: list[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Vote(Frame):
    poll_id: int
    option: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Close(Frame):
    poll_id: int


async def _poll_for_member(ctx: Context, poll_id: int) -> Any:
    async with ctx.db.reader() as db:
        poll = await polls.get(db, poll_id)
    await ctx.require_member(channels.parse(poll.channel))
    return poll


@command("poll.create", cost=1)
async def create(ctx: Context, frame: Create) -> None:
    ctx.require_role("moderator")
    require_room(frame.channel, "polls")
    await ctx.require_member(frame.channel)
    async with ctx.db.session() as db:
        poll = await polls.create(db, ctx.user, frame.channel.name, frame.question, frame.options)
    await ctx.publish(poll.channel, poll.event())


@command("poll.vote")
async def vote(ctx: Context, frame: Vote) -> dict[str, Any]:
    poll = await _poll_for_member(ctx, frame.poll_id)
    async with ctx.db.session() as db:
        poll = await polls.get(db, frame.poll_id)
        view = await polls.vote(db, ctx.user, poll, frame.option)
    hub = ctx.hub

    async def now() -> None:
        await hub.publish(view.channel, view.event())

    async def later() -> None:
        async with hub.db.reader() as db:
            fresh = await polls.view(db, await polls.get(db, frame.poll_id))
        await hub.publish(fresh.channel, fresh.event())

    live_rooms(hub).updates.touch(("poll", view.id), now, later)
    return {**view.event(), "my_vote": frame.option}


@command("poll.close")
async def close(ctx: Context, frame: Close) -> None:
    ctx.require_role("moderator")
    await _poll_for_member(ctx, frame.poll_id)
    async with ctx.db.session() as db:
        view, _changed = await polls.close(db, ctx.user, await polls.get(db, frame.poll_id))
    # Sent even when it was closed already: the requester needs its answer, and the others lose
    # nothing by hearing the final counts again.
    await ctx.publish(view.channel, view.event())
