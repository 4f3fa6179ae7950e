"""Polls in a room: created and closed by moderators; one vote per person, changeable while open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from conference.accounts import role_at_least
from conference.db.base import utcnow
from conference.db.dialects import upsert
from conference.db.models import Poll, PollVote, User
from conference.errors import Conflict, Forbidden, Invalid, NotFound

MAX_QUESTION_CHARS = 300
MAX_OPTION_CHARS = 200
MIN_OPTIONS = 2
MAX_OPTIONS = 10


@dataclass(frozen=True)
class PollView:
    id: int
    channel: str
    question: str
    options: tuple[str, ...]
    counts: tuple[int, ...]
    closed: bool
    version: int

    def event(self) -> dict[str, Any]:
        """The `poll` event: `counts[i]` is the number of votes for `options[i]`."""
        return {
            "type": "poll",
            "channel": self.channel,
            "id": self.id,
            "question": self.question,
            "options": list(self.options),
            "counts": list(self.counts),
            "closed": self.closed,
            "version": self.version,
        }


def _require_moderator(user: User, what: str) -> None:
    if not role_at_least(user.role, "moderator"):
        raise Forbidden(f"only moderators {what}")


def clean_poll(question: object, options: object) -> tuple[str, list[str]]:
    """Trimmed question and options, or Invalid naming every problem."""
    problems: dict[str, str] = {}
    text = question.strip() if isinstance(question, str) else ""
    if not isinstance(question, str):
        problems["question"] = "must be a string"
    elif not text:
        problems["question"] = "is required"
    elif len(text) > MAX_QUESTION_CHARS:
        problems["question"] = f"must be at most {MAX_QUESTION_CHARS} characters"
    choices: list[str] = []
    if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
        problems["options"] = "must be a list of strings"
    else:
        choices = [o.strip() for o in options]
        if not MIN_OPTIONS <= len(choices) <= MAX_OPTIONS:
            problems["options"] = f"must have {MIN_OPTIONS}–{MAX_OPTIONS} options"
        elif not all(choices):
            problems["options"] = "an option is empty"
        elif any(len(o) > MAX_OPTION_CHARS for o in choices):
            problems["options"] = f"each option must be at most {MAX_OPTION_CHARS} characters"
        elif len({o.casefold() for o in choices}) != len(choices):
            problems["options"] = "options must differ"
    if problems:
        raise Invalid("invalid poll (" + "; ".join(f"{k}: {v}" for k, v in problems.items()) + ")", problems)
    return text, choices


async def create(db: AsyncSession, user: User, channel: str, question: object, options: object) -> PollView:
    _require_moderator(user, "create polls")
    text, choices = clean_poll(question, options)
    poll = Poll(channel=channel, user_id=user.id, question=text, options=choices, closed=False, version=1)
    db.add(poll)
    await db.flush()
    return PollView(poll.id, channel, text, tuple(choices), (0,) * len(choices), False, 1)


async def get(db: AsyncSession, poll_id: int) -> Poll:
    poll = await db.get(Poll, poll_id)
    if poll is None:
        raise NotFound(f"no poll {poll_id}")
    return poll


async def vote(db: AsyncSession, user: User, poll: Poll, option: object) -> PollView:
    """Record or change this person's choice (`option` indexes `options` from 0)."""
    if not isinstance(option, int) or isinstance(option, bool) or not 0 <= option < len(poll.options):
        raise Invalid(
            f"option must be a whole number from 0 to {len(poll.options) - 1}",
            {"option": f"must be 0–{len(poll.options) - 1}"},
        )
    # One statement checks that the poll is open and bumps its version: the row lock it takes orders
    # this vote against a concurrent close (and against other votes, so versions follow commits).
    opened = await db.execute(
        update(Poll).where(Poll.id == poll.id, Poll.closed.is_(False)).values(version=Poll.version + 1)
    )
    if opened.rowcount != 1:
        raise Conflict("the poll is closed")
    await upsert(
        db,
        PollVote.__table__,
        ["poll_id", "user_id"],
        poll_id=poll.id,
        user_id=user.id,
        option=option,
        updated_at=utcnow(),
    )
    await db.refresh(poll)
    return await view(db, poll)


async def close(db: AsyncSession, user: User, poll: Poll) -> tuple[PollView, bool]:
    """Close a poll (moderators only); closing a closed poll changes nothing. Returns (poll, changed)."""
    _require_moderator(user, "close polls")
    result = await db.execute(
        update(Poll)
        .where(Poll.id == poll.id, Poll.closed.is_(False))
        .values(closed=True, closed_at=utcnow(), version=Poll.version + 1)
    )
    await db.refresh(poll)
    return await view(db, poll), result.rowcount == 1


async def counts(db: AsyncSession, poll_id: int, size: int) -> tuple[int, ...]:
    tally = [0] * size
    rows = await db.execute(
        select(PollVote.option, func.count()).where(PollVote.poll_id == poll_id).group_by(PollVote.option)
    )
    for option, count in rows.all():
        if 0 <= option < size:
            tally[option] = count
    return tuple(tally)


async def view(db: AsyncSession, poll: Poll) -> PollView:
    return PollView(
        id=poll.id,
        channel=poll.channel,
        question=poll.question,
        options=tuple(poll.options),
        counts=await counts(db, poll.id, len(poll.options)),
        closed=poll.closed,
        version=poll.version,
    )


async def for_channel(db: AsyncSession, channel: str) -> list[PollView]:
    """Every poll of a room with its counts, oldest first."""
    polls = list(await db.scalars(select(Poll).where(Poll.channel == channel).order_by(Poll.id)))
    if not polls:
        return []
    tallies: dict[int, list[int]] = {poll.id: [0] * len(poll.options) for poll in polls}
    rows = await db.execute(
        select(PollVote.poll_id, PollVote.option, func.count())
        .where(PollVote.poll_id.in_(tallies))
        .group_by(PollVote.poll_id, PollVote.option)
    )
    for poll_id, option, count in rows.all():
        if 0 <= option < len(tallies[poll_id]):
            tallies[poll_id][option] = count
    return [
        PollView(p.id, p.channel, p.question, tuple(p.options), tuple(tallies[p.id]), p.closed, p.version)
        for p in polls
    ]


async def choices_of(db: AsyncSession, user_id: int, channel: str) -> dict[int, int]:
    """This person's current option per poll of a room."""
    rows = await db.execute(
        select(PollVote.poll_id, PollVote.option)
        .join(Poll, Poll.id == PollVote.poll_id)
        .where(PollVote.user_id == user_id, Poll.channel == channel)
    )
    return dict(rows.all())
