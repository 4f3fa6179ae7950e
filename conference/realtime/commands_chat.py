"""Chat commands: `chat.send` (stored, acknowledged, then delivered) and `chat.delete`."""

from __future__ import annotations

from dataclasses import dataclass

from conference import chat
from conference.realtime import channels
from conference.realtime.channels import Channel
from conference.realtime.commands import Context, command
from conference.realtime.protocol import Frame


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatSend(Frame):
    channel: Channel
    body: str
    client_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatDelete(Frame):
    channel: Channel
    id: int


@command("chat.send", cost=1)
async def send_chat(ctx: Context, frame: ChatSend) -> None:
    await ctx.require_member(frame.channel)
    body = chat.clean_body(frame.body)
    client_id = chat.clean_client_id(frame.client_id)
    # The writer acknowledges (with the ref) before the message reaches anyone, the sender included.
    await ctx.hub.post_chat(ctx.conn, frame.channel.name, body, client_id, ctx.ref)


@command("chat.delete")
async def delete_chat(ctx: Context, frame: ChatDelete) -> None:
    await ctx.require_member(frame.channel)
    async with ctx.db.session() as db:
        moderator = await channels.may_moderate(db, ctx.user, frame.channel)
        await chat.delete(db, frame.channel.name, frame.id, ctx.user, moderator)
    await ctx.publish(
        frame.channel.name, {"type": "chat.deleted", "channel": frame.channel.name, "id": frame.id}
    )
