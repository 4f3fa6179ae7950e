"""Channel names (the only place they are spelled) and who may join each kind of channel."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from conference.accounts import role_at_least
from conference.db.base import Database
from conference.db.models import User
from conference.errors import Invalid

MAX_ID = 2**31 - 1
KINDS = ("session", "breakout", "table", "meeting", "networking", "dm")
# Kinds whose rooms a moderator runs (SPEC: moderators run breakouts and roundtables), so
# moderators and organisers may always enter them.
MODERATED_KINDS = frozenset({"breakout", "table"})
# Canonical spelling only (no leading zeros, no signs): one room has exactly one name.
_NAME = re.compile(r"^(session|breakout|table|meeting|networking):([1-9][0-9]{0,9})$")
_DM = re.compile(r"^dm:([1-9][0-9]{0,9}):([1-9][0-9]{0,9})$")

MembershipRule = Callable[[AsyncSession, User, int], Awaitable[bool]]
_rules: dict[str, MembershipRule] = {}
_moderation_rules: dict[str, MembershipRule] = {}


def session_channel(session_id: int) -> str:
    return f"session:{session_id}"


def breakout_channel(room_id: int) -> str:
    return f"breakout:{room_id}"


def table_channel(table_id: int) -> str:
    return f"table:{table_id}"


def meeting_channel(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def networking_channel(session_id: int) -> str:
    return f"networking:{session_id}"


def dm_channel(a: int, b: int) -> str:
    if a == b:
        raise ValueError("a direct-message channel needs two different people")
    low, high = sorted((a, b))
    return f"dm:{low}:{high}"


@dataclass(frozen=True, slots=True)
class Channel:
    name: str
    kind: str
    id: int  # the room's id; for `dm` the lower user id
    other_id: int = 0  # for `dm`: the higher user id

    def dm_partner(self, user_id: int) -> int:
        return self.other_id if user_id == self.id else self.id


def parse(name: object) -> Channel:
    """The channel a name denotes; Invalid for anything else (unknown kind, bad ids, a > b in dm)."""
    if not isinstance(name, str) or len(name) > 64:
        raise Invalid("channel must be a channel name such as session:4", {"channel": "is not a channel"})
    found = _NAME.match(name)
    if found:
        room_id = int(found.group(2))
        if room_id <= MAX_ID:
            return Channel(name, found.group(1), room_id)
    found = _DM.match(name)
    if found:
        low, high = int(found.group(1)), int(found.group(2))
        if low < high <= MAX_ID:
            return Channel(name, "dm", low, high)
    raise Invalid(
        f"{name!r} is not a channel (session:ID, breakout:ID, table:ID, meeting:ID, networking:ID, dm:A:B)",
        {"channel": "is not a channel"},
    )


def register_membership(kind: str, rule: MembershipRule) -> None:
    """Lets an area decide who may join its channels: `async rule(db, user, id) -> bool`.

    `id` is the room id in the channel name; for `dm` it is the other person's id, and the rule is
    asked only after the framework checked that the user is one of the two (a dm rule can only
    narrow, e.g. blocks). Registering again replaces the rule (tests rely on that).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown channel kind {kind!r}")
    _rules[kind] = rule


def register_moderation(kind: str, rule: MembershipRule) -> None:
    """Lets an area name who else moderates its channels besides moderators and organisers:
    `async rule(db, user, id) -> bool` (a roundtable table's host moderates its table)."""
    if kind not in KINDS:
        raise ValueError(f"unknown channel kind {kind!r}")
    _moderation_rules[kind] = rule


async def may_moderate(db: AsyncSession, user: User, channel: Channel) -> bool:
    """Whether `user` moderates `channel` (deletes others' messages there)."""
    if role_at_least(user.role, "moderator"):
        return True
    rule = _moderation_rules.get(channel.kind)
    return user.active and rule is not None and await rule(db, user, channel.id)


def unregister_membership(kind: str) -> None:
    _rules.pop(kind, None)


def decided_without_db(user: User, channel: Channel) -> bool | None:
    """The answer of `may_join` when the name and the role settle it; None when a rule must be asked."""
    if not user.active:
        return False
    rule = _rules.get(channel.kind)
    if channel.kind == "dm":
        if user.id not in (channel.id, channel.other_id):
            return False
        return True if rule is None else None
    if channel.kind in MODERATED_KINDS and role_at_least(user.role, "moderator"):
        return True
    if rule is not None:
        return None
    # Built-in defaults: the main rooms and the networking lobby are open to everyone signed in;
    # breakouts, tables and meetings stay closed until their area registers who belongs.
    return channel.kind in ("session", "networking")


async def may_join(db: AsyncSession, user: User, channel: Channel) -> bool:
    """Whether `user` may join (read and write) `channel` now."""
    decided = decided_without_db(user, channel)
    if decided is not None:
        return decided
    rule = _rules[channel.kind]
    other = channel.dm_partner(user.id) if channel.kind == "dm" else channel.id
    return await rule(db, user, other)


async def check_membership(database: Database, user: User, channel: Channel) -> bool:
    """`may_join`, opening a read transaction only when a registered rule needs one."""
    decided = decided_without_db(user, channel)
    if decided is not None:
        return decided
    async with database.reader() as db:
        return await may_join(db, user, channel)
