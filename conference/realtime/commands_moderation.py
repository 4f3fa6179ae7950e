"""Room moderation over /ws: mutes, slow mode, reports; the checks on every chat send (mute, slow
mode, blocks between the two people of a direct-message channel); who may enter a DM channel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conference import chat, moderation
from conference.db.models import Message, User
from conference.errors import Forbidden, NotFound
from conference.realtime.channels import Channel
from conference.realtime.commands import Context, after, command, guard
from conference.realtime.commands_chat import ChatSend
from conference.realtime.commands_qa import require_room
from conference.realtime.live_rooms import live_rooms
from conference.realtime.protocol import Frame


@dataclass(frozen=True, slots=True, kw_only=True)
class Mute(Frame):
    channel: Channel
    user_id: int
    minutes: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SlowMode(Frame):
    channel: Channel
    seconds: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Report(Frame):
    channel: Channel
    id: int
    reason: str | None = None


# --- direct messages ---------------------------------------------------------------------------------


async def dm_allowed(db: AsyncSession, user: User, partner_id: int) -> bool:
    """A DM channel is open to its two people while the other one exists and neither blocked the
    other (the core already checked that `user` is one of the two)."""
    partner = await db.get(User, partner_id)
    if partner is None or not partner.active:
        return False
    return not await moderation.is_blocked(db, user.id, partner_id)


@after("chat.send")
async def tell_dm_partner(ctx: Context, frame: ChatSend) -> None:
    """The other person hears of a new direct message even when the conversation is not open."""
    if frame.channel.kind != "dm":
        return
    partner = frame.channel.dm_partner(ctx.user.id)
    await ctx.hub.notify_user(
        partner,
        {
            "type": "dm.notice",
            "channel": frame.channel.name,
            "user": {"id": ctx.user.id, "name": ctx.user.name},
        },
    )


# --- checks before a chat message is stored ----------------------------------------------------------


@guard("chat.send")
async def admit_chat(ctx: Context, frame: ChatSend) -> None:
    """Mute, slow mode and blocks. Bad bodies are refused first so they never use up a slow-mode slot,
    and a resend of a stored message (same client_id) passes so that it is acknowledged again. The
    mute and slow mode come from a per-process cache (a change on another process applies within
    RULES_TTL_SECS); the slow-mode slot itself is taken in the database."""
    chat.clean_body(frame.body)
    chat.clean_client_id(frame.client_id)
    channel = frame.channel
    if channel.kind == "dm":
        async with ctx.db.reader() as db:
            if await moderation.is_blocked(db, channel.id, channel.other_id):
                raise Forbidden("you cannot write to this person")
        return
    rules = await live_rooms(ctx.hub).rules.get(channel.name)
    until = rules.muted_until(ctx.user.id)
    if until is not None:
        raise moderation.muted_error(until)
    if not rules.slow_mode_seconds or ctx.is_at_least("moderator"):
        return
    async with ctx.db.session() as db:
        resend = await db.scalar(
            select(Message.id).where(
                Message.channel == channel.name,
                Message.user_id == ctx.user.id,
                Message.client_id == frame.client_id,
            )
        )
        if resend is None:
            await moderation.admit_message(db, ctx.user, channel.name)


# --- moderator commands ------------------------------------------------------------------------------


@command("moderation.mute")
async def mute(ctx: Context, frame: Mute) -> dict[str, Any]:
    ctx.require_role("moderator")
    require_room(frame.channel, "mutes")
    async with ctx.db.session() as db:
        until = await moderation.mute(db, ctx.user, frame.channel.name, frame.user_id, frame.minutes)
    live_rooms(ctx.hub).rules.forget(frame.channel.name)
    event = {
        "type": "moderation.muted",
        "channel": frame.channel.name,
        "user_id": frame.user_id,
        "until": until.isoformat() if until else None,
    }
    await ctx.hub.notify_user(frame.user_id, event)
    return event


@command("moderation.slow_mode")
async def slow_mode(ctx: Context, frame: SlowMode) -> None:
    ctx.require_role("moderator")
    require_room(frame.channel, "slow mode")
    async with ctx.db.session() as db:
        seconds = await moderation.set_slow_mode(db, ctx.user, frame.channel.name, frame.seconds)
    live_rooms(ctx.hub).rules.forget(frame.channel.name)
    await ctx.publish(
        frame.channel.name,
        {"type": "moderation.slow_mode", "channel": frame.channel.name, "seconds": seconds},
    )


@command("chat.report", cost=1)
async def report(ctx: Context, frame: Report) -> dict[str, Any]:
    await ctx.require_member(frame.channel)
    async with ctx.db.session() as db:
        message = await db.get(Message, (frame.channel.name, frame.id))
        if message is None or message.deleted_at is not None:
            raise NotFound(f"no message {frame.id} in {frame.channel.name}")
        row = await moderation.report(
            db, ctx.user, frame.channel.name, frame.id, message.user_id, message.body, frame.reason
        )
        stored = moderation.report_dict(row)
    # Moderators in the room see it at once; the others only learn that their report arrived.
    await ctx.hub.publish(
        frame.channel.name,
        {"type": "moderation.report", **stored, "reporter": {"id": ctx.user.id, "name": ctx.user.name}},
        min_role="moderator",
    )
    return {"type": "chat.reported", "channel": frame.channel.name, "id": frame.id}
