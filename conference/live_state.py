"""What a person joining a room is told about it: questions, polls, slow mode, their mute; and a
cheap fingerprint of that state to notice a change that raced with the join."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from conference import moderation, polls, qa
from conference.db.models import ChannelSetting, Poll, Question, User

Fingerprint = tuple[int, int, int, int, int]


@dataclass(frozen=True)
class RoomState:
    fingerprint: Fingerprint
    questions: list[dict[str, Any]]
    polls: list[dict[str, Any]]
    slow_mode: int
    muted_until: datetime | None

    def joined_keys(self) -> dict[str, Any]:
        """The keys added to `joined`: only those with something to say, so that a plain chat room's
        `joined` stays exactly as the core protocol has it."""
        keys: dict[str, Any] = {}
        if self.questions or self.polls:
            keys["questions"] = self.questions
            keys["polls"] = self.polls
        if self.slow_mode:
            keys["slow_mode"] = self.slow_mode
        if self.muted_until is not None:
            keys["muted_until"] = self.muted_until.isoformat()
        return keys


def _item(event: dict[str, Any], **extra: Any) -> dict[str, Any]:
    item = {k: v for k, v in event.items() if k != "type"}
    item.update(extra)
    return item


async def room_state(db: AsyncSession, user: User, channel: str) -> RoomState:
    # The fingerprint first: a change committed after it shows in a later fingerprint, even when
    # (on Postgres, where each statement sees the newest commits) the lists below include it.
    print_ = await fingerprint(db, channel)
    questions = await qa.for_viewer(db, user, channel)
    voted = await qa.voted_ids(db, user.id, channel) if questions else set()
    found = await polls.for_channel(db, channel)
    mine = await polls.choices_of(db, user.id, channel) if found else {}
    rules = await moderation.send_rules(db, channel, user.id)
    return RoomState(
        fingerprint=print_,
        questions=[_item(q.event(), voted=q.id in voted) for q in questions],
        polls=[_item(p.event(), my_vote=mine.get(p.id)) for p in found],
        slow_mode=rules.slow_mode_seconds,
        muted_until=rules.muted_until,
    )


async def fingerprint(db: AsyncSession, channel: str) -> Fingerprint:
    """Changes whenever a question or poll of the room is added or changed (every change bumps a
    version), or its slow mode changes. One round trip."""

    def scalar(statement: Any) -> Any:
        return statement.scalar_subquery()

    row = (
        await db.execute(
            select(
                scalar(select(func.count(Question.id)).where(Question.channel == channel)),
                scalar(
                    select(func.coalesce(func.sum(Question.version), 0)).where(Question.channel == channel)
                ),
                scalar(select(func.count(Poll.id)).where(Poll.channel == channel)),
                scalar(select(func.coalesce(func.sum(Poll.version), 0)).where(Poll.channel == channel)),
                scalar(select(ChannelSetting.slow_mode_seconds).where(ChannelSetting.channel == channel)),
            )
        )
    ).one()
    return tuple(int(value or 0) for value in row)  # type: ignore[return-value]
