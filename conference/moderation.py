"""Room moderation: mutes, slow mode, reported messages, and blocks between two people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.accounts import role_at_least
from conference.db.base import utcnow
from conference.db.dialects import insert_ignore, upsert
from conference.db.models import Block, ChannelSetting, Mute, Report, SlowModeMark, User
from conference.errors import Forbidden, Invalid, Muted, NotFound, RateLimited

MAX_MUTE_MINUTES = 7 * 24 * 60
MAX_SLOW_MODE_SECONDS = 3600
MAX_REASON_CHARS = 500


def is_moderator(user: User) -> bool:
    return role_at_least(user.role, "moderator")


def require_moderator(user: User, what: str) -> None:
    if not is_moderator(user):
        raise Forbidden(f"only moderators {what}")


def _whole_number(value: object, field: str, minimum: int, maximum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
        raise Invalid(
            f"{field} must be a whole number from {minimum} to {maximum}",
            {field: f"must be {minimum}–{maximum}"},
        )
    return value


# Mutes ---------------------------------------------------------------------------------------------


async def mute(
    db: AsyncSession, moderator: User, channel: str, user_id: object, minutes: object
) -> datetime | None:
    """Mute a person in a channel for `minutes` (0 lifts the mute). Returns the end of the mute."""
    require_moderator(moderator, "mute people")
    target_id = _whole_number(user_id, "user_id", 1, 2**63 - 1)
    length = _whole_number(minutes, "minutes", 0, MAX_MUTE_MINUTES)
    target = await db.get(User, target_id)
    if target is None:
        raise NotFound(f"no person {target_id}")
    if is_moderator(target):
        raise Forbidden("moderators cannot be muted")
    if length == 0:
        await db.execute(delete(Mute).where(Mute.channel == channel, Mute.user_id == target_id))
        return None
    until = utcnow() + timedelta(minutes=length)
    await upsert(
        db,
        Mute.__table__,
        ["channel", "user_id"],
        channel=channel,
        user_id=target_id,
        until=until,
        by_id=moderator.id,
    )
    return until


async def muted_until(db: AsyncSession, channel: str, user_id: int) -> datetime | None:
    """The end of this person's mute in the channel, or None when they may post."""
    until = await db.scalar(select(Mute.until).where(Mute.channel == channel, Mute.user_id == user_id))
    return until if until is not None and until > utcnow() else None


def muted_error(until: datetime) -> Muted:
    return Muted(f"a moderator muted you in this room until {until.isoformat(timespec='minutes')}")


async def check_not_muted(db: AsyncSession, user: User, channel: str) -> None:
    until = await muted_until(db, channel, user.id)
    if until is not None:
        raise muted_error(until)


@dataclass(frozen=True)
class SendRules:
    """What applies to one person posting in one channel now."""

    muted_until: datetime | None
    slow_mode_seconds: int


@dataclass(frozen=True)
class ChannelRules:
    """What applies to everyone posting in one channel: its slow mode and who is muted until when."""

    slow_mode_seconds: int
    muted: dict[int, datetime]

    def muted_until(self, user_id: int) -> datetime | None:
        until = self.muted.get(user_id)
        return until if until is not None and until > utcnow() else None


async def channel_rules(db: AsyncSession, channel: str) -> ChannelRules:
    """The channel's slow mode and its current mutes (a room has few), for a per-process cache."""
    muted = dict(
        (
            await db.execute(
                select(Mute.user_id, Mute.until).where(Mute.channel == channel, Mute.until > utcnow())
            )
        ).all()
    )
    return ChannelRules(await slow_mode(db, channel), muted)


async def send_rules(db: AsyncSession, channel: str, user_id: int) -> SendRules:
    """The person's mute and the channel's slow mode, in one round trip (checked on every send)."""
    mute_until = select(Mute.until).where(Mute.channel == channel, Mute.user_id == user_id).scalar_subquery()
    seconds = (
        select(ChannelSetting.slow_mode_seconds).where(ChannelSetting.channel == channel).scalar_subquery()
    )
    until, slow = (await db.execute(select(mute_until, seconds))).one()
    if until is not None and until.tzinfo is None:
        until = until.replace(tzinfo=UTC)  # a scalar subquery loses the column type on SQLite
    return SendRules(until if until is not None and until > utcnow() else None, slow or 0)


# Slow mode -----------------------------------------------------------------------------------------


async def set_slow_mode(db: AsyncSession, moderator: User, channel: str, seconds: object) -> int:
    """Allow one message per `seconds` per person in the channel (0 turns slow mode off)."""
    require_moderator(moderator, "set slow mode")
    value = _whole_number(seconds, "seconds", 0, MAX_SLOW_MODE_SECONDS)
    await upsert(db, ChannelSetting.__table__, ["channel"], channel=channel, slow_mode_seconds=value)
    if value == 0:
        await db.execute(delete(SlowModeMark).where(SlowModeMark.channel == channel))
    return value


async def slow_mode(db: AsyncSession, channel: str) -> int:
    seconds = await db.scalar(
        select(ChannelSetting.slow_mode_seconds).where(ChannelSetting.channel == channel)
    )
    return seconds or 0


async def admit_message(db: AsyncSession, user: User, channel: str) -> None:
    """Raise Muted or RateLimited (slow mode) unless this person may post a chat message now.

    Call it in the transaction that stores the message: the slow-mode mark it writes then rolls back
    with a message that was refused for another reason. Moderators are never slowed down.
    """
    await check_not_muted(db, user, channel)
    seconds = await slow_mode(db, channel)
    if not seconds or is_moderator(user):
        return
    now = utcnow()
    last = await db.scalar(
        select(SlowModeMark.last_at).where(SlowModeMark.channel == channel, SlowModeMark.user_id == user.id)
    )
    if last is not None:
        wait = (last + timedelta(seconds=seconds) - now).total_seconds()
        if wait > 0:
            raise RateLimited(f"slow mode: one message every {seconds} seconds", retry_after=wait)
    await upsert(
        db, SlowModeMark.__table__, ["channel", "user_id"], channel=channel, user_id=user.id, last_at=now
    )


# Reports -------------------------------------------------------------------------------------------


async def report(
    db: AsyncSession,
    reporter: User,
    channel: str,
    message_id: int,
    message_user_id: int | None,
    message_body: str,
    reason: object,
) -> Report:
    """Store a report of a chat message for the moderators; reporting it again keeps the first."""
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        raise Invalid("reason must be a string", {"reason": "must be a string"})
    reason = reason.strip()
    if len(reason) > MAX_REASON_CHARS:
        raise Invalid(
            f"the reason is over {MAX_REASON_CHARS} characters",
            {"reason": f"must be at most {MAX_REASON_CHARS} characters"},
        )
    if message_user_id == reporter.id:
        raise Invalid("you cannot report your own message", {"id": "is your own message"})
    await insert_ignore(
        db,
        Report.__table__,
        channel=channel,
        message_id=message_id,
        message_user_id=message_user_id,
        message_body=message_body,
        reporter_id=reporter.id,
        reason=reason,
        created_at=utcnow(),
    )
    stored = await db.scalar(
        select(Report).where(
            Report.channel == channel, Report.message_id == message_id, Report.reporter_id == reporter.id
        )
    )
    assert stored is not None  # inserted above or already there
    return stored


async def reports(db: AsyncSession, channel: str | None = None, *, open_only: bool = True) -> list[Report]:
    """Reports for the moderators, newest first."""
    query = select(Report).order_by(Report.id.desc())
    if channel is not None:
        query = query.where(Report.channel == channel)
    if open_only:
        query = query.where(Report.resolved_at.is_(None))
    return list(await db.scalars(query))


async def resolve_report(db: AsyncSession, moderator: User, report_id: int) -> Report:
    require_moderator(moderator, "resolve reports")
    row = await db.get(Report, report_id)
    if row is None:
        raise NotFound(f"no report {report_id}")
    if row.resolved_at is None:
        row.resolved_at = utcnow()
    return row


def report_dict(row: Report) -> dict:
    return {
        "id": row.id,
        "channel": row.channel,
        "message_id": row.message_id,
        "message_user_id": row.message_user_id,
        "message_body": row.message_body,
        "reporter_id": row.reporter_id,
        "reason": row.reason,
        "created_at": row.created_at.isoformat(),
        "resolved_at": row.resolved_at.isoformat() if row.resolved_at else None,
    }


# Blocks --------------------------------------------------------------------------------------------


async def is_blocked(db: AsyncSession, a: int, b: int) -> bool:
    """Whether either of the two people blocked the other (a block works both ways)."""
    found = await db.scalar(
        select(Block.blocker_id)
        .where(
            or_(
                (Block.blocker_id == a) & (Block.blocked_id == b),
                (Block.blocker_id == b) & (Block.blocked_id == a),
            )
        )
        .limit(1)
    )
    return found is not None


async def block(db: AsyncSession, blocker_id: int, blocked_id: int) -> bool:
    """`blocker_id` blocks `blocked_id`; True when the block is new."""
    if blocker_id == blocked_id:
        raise Invalid("you cannot block yourself", {"id": "is yourself"})
    if await db.get(User, blocked_id) is None:
        raise NotFound(f"no person {blocked_id}")
    return await insert_ignore(
        db, Block.__table__, blocker_id=blocker_id, blocked_id=blocked_id, created_at=utcnow()
    )


async def unblock(db: AsyncSession, blocker_id: int, blocked_id: int) -> bool:
    result = await db.execute(
        delete(Block).where(Block.blocker_id == blocker_id, Block.blocked_id == blocked_id)
    )
    return result.rowcount > 0
