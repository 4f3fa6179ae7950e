"""Q&A commands: `question.ask`, `question.vote`, `question.moderate` -> `question` events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conference import moderation, qa
from conference.errors import Invalid, NotFound
from conference.realtime import channels
from conference.realtime.channels import Channel
from conference.realtime.commands import Context, command
from conference.realtime.hub import Hub
from conference.realtime.live_rooms import live_rooms
from conference.realtime.protocol import Frame


@dataclass(frozen=True, slots=True, kw_only=True)
class Ask(Frame):
    channel: Channel
    body: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Vote(Frame):
    id: int
    channel: Channel | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Moderate(Frame):
    id: int
    status: str
    channel: Channel | None = None


def require_room(channel: Channel, what: str) -> None:
    """Q&A, polls and room moderation belong to rooms, not to conversations between two people."""
    if channel.kind == "dm":
        raise Invalid(f"{what} are not available in direct messages", {"channel": "is a direct message"})


async def publish_question(hub: Hub, question: qa.QuestionView, *, ctx: Context | None = None) -> None:
    """Sends a question to those who may see it: everyone when it is public, else its author and the
    moderators. With `ctx`, the requester's copy carries the frame's `ref`."""
    audience: dict[str, Any] = (
        {} if question.public else {"min_role": "moderator", "users": {question.user_id}}
    )
    if ctx is not None:
        await ctx.publish(question.channel, question.event(), **audience)
    else:
        await hub.publish(question.channel, question.event(), **audience)


async def _question_in(ctx: Context, question_id: int, channel: Channel | None) -> qa.QuestionView:
    async with ctx.db.reader() as db:
        question = await qa.visible_to(db, ctx.user, question_id)
    if channel is not None and channel.name != question.channel:
        raise NotFound(f"no question {question_id} in {channel.name}")
    await ctx.require_member(channels.parse(question.channel))
    return question


@command("question.ask", cost=1)
async def ask(ctx: Context, frame: Ask) -> None:
    require_room(frame.channel, "questions")
    await ctx.require_member(frame.channel)
    async with ctx.db.session() as db:
        await moderation.check_not_muted(db, ctx.user, frame.channel.name)
        moderated = frame.channel.kind == "session" and await qa.session_is_moderated(db, frame.channel.id)
        question = await qa.ask(db, ctx.user, frame.channel.name, frame.body, moderated=moderated)
    await publish_question(ctx.hub, question, ctx=ctx)


@command("question.vote")
async def vote(ctx: Context, frame: Vote) -> dict[str, Any]:
    await _question_in(ctx, frame.id, frame.channel)
    async with ctx.db.session() as db:
        question, changed = await qa.vote(db, ctx.user, frame.id)
    if changed:

        async def later() -> None:
            async with ctx.hub.db.reader() as db:
                fresh = await qa.get(db, frame.id)
            await publish_question(ctx.hub, fresh)

        async def now() -> None:
            await publish_question(ctx.hub, question)

        live_rooms(ctx.hub).updates.touch(("question", frame.id), now, later)
    # The voter's answer: the question as it is now, and that they voted (a repeat changes nothing).
    return {**question.event(), "voted": True}


@command("question.moderate")
async def moderate(ctx: Context, frame: Moderate) -> None:
    ctx.require_role("moderator")
    await _question_in(ctx, frame.id, frame.channel)
    async with ctx.db.session() as db:
        question, previous = await qa.moderate(db, ctx.user, frame.id, frame.status)
    await publish_question(ctx.hub, question, ctx=ctx)
    if previous in qa.PUBLIC_STATUSES and not question.public:
        # Everyone else saw it: tell them it is gone, without its text.
        await ctx.hub.publish(question.channel, question.withdrawn_event())
