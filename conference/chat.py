"""The chat message store: idempotent batched sends, history pages, deletion. No HTTP, no commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from conference.db.base import utcnow
from conference.db.models import ChannelCounter, Message, User
from conference.errors import Forbidden, Invalid, NotFound

MAX_BODY_CHARS = 2000
MAX_CLIENT_ID_CHARS = 64


def clean_body(body: str) -> str:
    """Trimmed of surrounding white space, 1 to 2,000 characters; stored and delivered exactly so."""
    body = body.strip()
    if not body:
        raise Invalid("body is empty", {"body": "must not be empty"})
    if len(body) > MAX_BODY_CHARS:
        raise Invalid(
            f"body is over {MAX_BODY_CHARS} characters", {"body": f"must be at most {MAX_BODY_CHARS}"}
        )
    return body


def clean_client_id(client_id: str) -> str:
    if not client_id or len(client_id) > MAX_CLIENT_ID_CHARS:
        raise Invalid(
            f"client_id must be 1–{MAX_CLIENT_ID_CHARS} characters",
            {"client_id": f"must be 1–{MAX_CLIENT_ID_CHARS} characters"},
        )
    return client_id


@dataclass(frozen=True, slots=True)
class Draft:
    """A message to store; `body` and `client_id` already cleaned."""

    channel: str
    user_id: int
    body: str
    client_id: str


@dataclass(frozen=True, slots=True)
class Stored:
    """A stored message as the wire shows it; `duplicate` when the client_id was seen before."""

    channel: str
    id: int
    user_id: int
    user_name: str
    body: str
    client_id: str
    created_at: datetime
    duplicate: bool = False

    def event(self) -> dict[str, Any]:
        return {
            "type": "chat.message",
            "channel": self.channel,
            "id": self.id,
            "user": {"id": self.user_id, "name": self.user_name},
            "body": self.body,
            "ts": self.created_at.isoformat(),
            "client_id": self.client_id,
        }


_messages = Message.__table__
_counters = ChannelCounter.__table__
# Built once: the writer runs these for every batch, and Core statements on tables skip the ORM's
# bulk-persistence and synchronisation work.
_EXISTING = select(
    _messages.c.channel, _messages.c.id, _messages.c.user_id, _messages.c.body, _messages.c.client_id,
    _messages.c.created_at,
).where(
    _messages.c.channel.in_(bindparam("channels", expanding=True)),
    _messages.c.user_id.in_(bindparam("users", expanding=True)),
    _messages.c.client_id.in_(bindparam("client_ids", expanding=True)),
)  # fmt: skip
_RESERVE = (
    update(_counters)
    .where(_counters.c.channel == bindparam("counter_channel"))
    .values(last_id=_counters.c.last_id + bindparam("count"))
    .returning(_counters.c.last_id)
)


def _insert(db: Connection) -> Any:
    if db.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _existing(
    db: Connection, drafts: Sequence[Draft], names: dict[int, str]
) -> dict[tuple[str, int, str], Stored]:
    if not drafts:
        return {}
    rows = db.execute(
        _EXISTING,
        {
            "channels": sorted({d.channel for d in drafts}),
            "users": sorted({d.user_id for d in drafts}),
            "client_ids": sorted({d.client_id for d in drafts}),
        },
    )
    return {
        (r.channel, r.user_id, r.client_id): Stored(
            r.channel, r.id, r.user_id, names.get(r.user_id, ""), r.body, r.client_id, r.created_at, True
        )
        for r in rows
    }


def reserve_ids(db: Connection, channel: str, count: int) -> int:
    """Takes `count` ids in `channel` and returns the last; holds the channel's row lock until commit."""
    last = db.execute(_RESERVE, {"counter_channel": channel, "count": count}).scalar()
    if last is None:
        insert = _insert(db)
        db.execute(insert(_counters).values(channel=channel, last_id=0).on_conflict_do_nothing())
        last = db.execute(_RESERVE, {"counter_channel": channel, "count": count}).scalar()
    return int(last)


def store_sync(db: Connection, drafts: Sequence[Draft], names: dict[int, str]) -> list[Stored]:
    """Stores a batch of drafts (any channels) in the caller's transaction, one result per draft.

    A draft whose (channel, user, client_id) is already stored, or repeated within the batch, is not
    stored again: its result is the first message, marked `duplicate`. Channels are locked in name
    order so that two processes committing batches never deadlock. Written against a synchronous
    Connection so that the writer can run a whole batch in one hop to SQLite's thread.
    """
    now = utcnow()
    found = _existing(db, drafts, names)
    results: list[Stored | None] = [None] * len(drafts)
    fresh: dict[str, list[int]] = defaultdict(list)
    first_of: dict[tuple[str, int, str], int] = {}
    for index, draft in enumerate(drafts):
        key = (draft.channel, draft.user_id, draft.client_id)
        if key in found:
            results[index] = found[key]
        elif key in first_of:
            continue  # filled in below from the first draft with this key
        else:
            first_of[key] = index
            fresh[draft.channel].append(index)
    rows: list[dict[str, Any]] = []
    for channel in sorted(fresh):
        indexes = fresh[channel]
        last = reserve_ids(db, channel, len(indexes))
        for offset, index in enumerate(indexes):
            draft = drafts[index]
            message_id = last - len(indexes) + 1 + offset
            rows.append(
                {
                    "channel": channel,
                    "id": message_id,
                    "user_id": draft.user_id,
                    "body": draft.body,
                    "client_id": draft.client_id,
                    "created_at": now,
                }
            )
            results[index] = Stored(
                channel, message_id, draft.user_id, names.get(draft.user_id, ""), draft.body,
                draft.client_id, now,
            )  # fmt: skip
    if rows:
        insert = _insert(db)
        # Another process may store the same resend concurrently (a client that reconnected
        # elsewhere): skip it instead of failing the whole batch, and answer with the stored one.
        statement = insert(_messages).on_conflict_do_nothing().returning(_messages.c.channel, _messages.c.id)
        inserted = {(r.channel, r.id) for r in db.execute(statement, rows)}
        lost = [i for i, r in enumerate(results) if r is not None and not r.duplicate
                and (r.channel, r.id) not in inserted]  # fmt: skip
        if lost:
            again = _existing(db, [drafts[i] for i in lost], names)
            for index in lost:
                draft = drafts[index]
                results[index] = again[(draft.channel, draft.user_id, draft.client_id)]
    for index, draft in enumerate(drafts):
        if results[index] is None:
            first = results[first_of[(draft.channel, draft.user_id, draft.client_id)]]
            assert first is not None
            results[index] = replace(first, duplicate=True)
    return [r for r in results if r is not None]


async def store(db: AsyncSession, drafts: Sequence[Draft], names: dict[int, str]) -> list[Stored]:
    """`store_sync` in the caller's async transaction."""
    return await db.run_sync(lambda session: store_sync(session.connection(), drafts, names))


def _stored(message: Message, names: dict[int, str], duplicate: bool = False) -> Stored:
    return Stored(
        message.channel, message.id, message.user_id, names.get(message.user_id, ""), message.body,
        message.client_id, message.created_at, duplicate,
    )  # fmt: skip


def _visible(channel: str) -> Any:
    return (
        select(Message, User.name)
        .join(User, User.id == Message.user_id)
        .where(Message.channel == channel, Message.deleted_at.is_(None))
    )


def _rows(result: Iterable[Any]) -> list[Stored]:
    return [_stored(message, {message.user_id: name}) for message, name in result]


async def page(
    db: AsyncSession,
    channel: str,
    *,
    after: int | None = None,
    before: int | None = None,
    limit: int = 50,
) -> tuple[list[Stored], bool]:
    """Visible messages oldest first, and whether more lie beyond the page.

    With `after`: the first `limit` messages after it (more = newer ones remain). Otherwise the
    latest `limit` before `before` (or overall), and more = older ones remain.
    """
    statement = _visible(channel)
    if before is not None:
        statement = statement.where(Message.id < before)
    if after is not None:
        statement = statement.where(Message.id > after).order_by(Message.id).limit(limit + 1)
        rows = _rows(await db.execute(statement))
        return rows[:limit], len(rows) > limit
    statement = statement.order_by(Message.id.desc()).limit(limit + 1)
    rows = _rows(await db.execute(statement))
    return list(reversed(rows[:limit])), len(rows) > limit


async def between(db: AsyncSession, channel: str, after: int, upto: int) -> list[Stored]:
    """Every visible message with after < id <= upto, oldest first (fills delivery gaps)."""
    statement = _visible(channel).where(Message.id > after, Message.id <= upto).order_by(Message.id)
    return _rows(await db.execute(statement))


async def last_ids(db: AsyncSession, channels: Iterable[str]) -> dict[str, int]:
    """The last id handed out in each channel (0 for a channel without messages)."""
    names = list(channels)
    found = {
        channel: last
        for channel, last in await db.execute(
            select(ChannelCounter.channel, ChannelCounter.last_id).where(ChannelCounter.channel.in_(names))
        )
    }
    return {name: found.get(name, 0) for name in names}


async def delete(db: AsyncSession, channel: str, message_id: int, user: User, moderator: bool) -> Message:
    """Marks a message deleted (its author or a moderator). Deleting it again changes nothing."""
    message = await db.get(Message, (channel, message_id))
    if message is None:
        raise NotFound(f"no message {message_id} in {channel}")
    if message.user_id != user.id and not moderator:
        raise Forbidden("only its author or a moderator may delete a message")
    if message.deleted_at is None:
        message.deleted_at = utcnow()
        message.deleted_by = user.id
        await db.flush()
    return message


async def recent(
    db: AsyncSession, channel: str, *, after: int, upto: int, limit: int
) -> tuple[list[Stored], bool]:
    """The latest `limit` visible messages with after < id <= upto, oldest first, and whether older
    ones in that range were left out."""
    statement = (
        _visible(channel)
        .where(Message.id > after, Message.id <= upto)
        .order_by(Message.id.desc())
        .limit(limit + 1)
    )
    rows = _rows(await db.execute(statement))
    return list(reversed(rows[:limit])), len(rows) > limit
