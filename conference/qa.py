"""Q&A in a room: ask, vote once per person, and moderate (approve, hide, answer, pin)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from conference.accounts import role_at_least
from conference.db.base import utcnow
from conference.db.dialects import insert_ignore
from conference.db.models import Question, QuestionVote, Session, User
from conference.errors import Forbidden, Invalid, NotFound

MAX_BODY_CHARS = 2000
# Everyone in the room sees these; `pending` and `hidden` only their author and the moderators.
PUBLIC_STATUSES = frozenset({"visible", "approved", "answered", "pinned"})
MODERATION_STATUSES = ("approved", "hidden", "answered", "pinned")


@dataclass(frozen=True)
class QuestionView:
    id: int
    channel: str
    body: str
    user_id: int
    user_name: str
    votes: int
    status: str
    version: int
    created_at: datetime

    @property
    def public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    def event(self) -> dict[str, Any]:
        """The `question` event (SPEC: `{type, channel, id, body, user, votes, status}`)."""
        return {
            "type": "question",
            "channel": self.channel,
            "id": self.id,
            "body": self.body,
            "user": {"id": self.user_id, "name": self.user_name},
            "votes": self.votes,
            "status": self.status,
            "ts": self.created_at.isoformat(),
            "version": self.version,
        }

    def withdrawn_event(self) -> dict[str, Any]:
        """What people who may no longer see the question get: its id and status, not its text."""
        return {
            "type": "question",
            "channel": self.channel,
            "id": self.id,
            "body": None,
            "user": None,
            "votes": self.votes,
            "status": self.status,
            "ts": self.created_at.isoformat(),
            "version": self.version,
        }


def is_moderator(user: User) -> bool:
    return role_at_least(user.role, "moderator")


def can_see(user: User, question: QuestionView) -> bool:
    return question.public or question.user_id == user.id or is_moderator(user)


def clean_body(body: object) -> str:
    if not isinstance(body, str):
        raise Invalid("body must be a string", {"body": "must be a string"})
    body = body.strip()
    if not body:
        raise Invalid("the question is empty", {"body": "is required"})
    if len(body) > MAX_BODY_CHARS:
        raise Invalid(
            f"the question is over {MAX_BODY_CHARS} characters",
            {"body": f"must be at most {MAX_BODY_CHARS} characters"},
        )
    return body


async def session_is_moderated(db: AsyncSession, session_id: int) -> bool:
    """Whether a session holds new questions for approval (`qa_moderated`); False if there is none."""
    moderated = await db.scalar(select(Session.qa_moderated).where(Session.id == session_id))
    return bool(moderated)


async def ask(db: AsyncSession, user: User, channel: str, body: object, *, moderated: bool) -> QuestionView:
    """Store a new question: `pending` in a moderated room, else `visible`."""
    text = clean_body(body)
    now = utcnow()
    question = Question(
        channel=channel,
        user_id=user.id,
        body=text,
        status="pending" if moderated else "visible",
        votes=0,
        version=1,
        created_at=now,
        updated_at=now,
    )
    db.add(question)
    await db.flush()
    return _view(question, user.name)


async def get(db: AsyncSession, question_id: int) -> QuestionView:
    row = (
        await db.execute(
            select(Question, User.name)
            .join(User, User.id == Question.user_id)
            .where(Question.id == question_id)
            # Re-read the row even when this session loaded it before an UPDATE statement changed it.
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None:
        raise NotFound(f"no question {question_id}")
    return _view(row[0], row[1])


async def visible_to(db: AsyncSession, user: User, question_id: int) -> QuestionView:
    """The question if this person may see it; NotFound otherwise (its existence is not revealed)."""
    question = await get(db, question_id)
    if not can_see(user, question):
        raise NotFound(f"no question {question_id}")
    return question


async def vote(db: AsyncSession, user: User, question_id: int) -> tuple[QuestionView, bool]:
    """Add this person's vote; a repeated vote changes nothing. Returns the question and whether it
    changed."""
    question = await visible_to(db, user, question_id)
    if question.user_id == user.id:
        raise Forbidden("you cannot vote for your own question")
    if not question.public:
        raise Invalid("this question is not published yet", {"id": "is not published"})
    if not await insert_ignore(db, QuestionVote.__table__, question_id=question_id, user_id=user.id):
        return question, False
    await db.execute(
        update(Question)
        .where(Question.id == question_id)
        .values(votes=Question.votes + 1, version=Question.version + 1, updated_at=utcnow())
    )
    return await get(db, question_id), True


async def moderate(
    db: AsyncSession, user: User, question_id: int, status: object
) -> tuple[QuestionView, str]:
    """Set a question's status (moderators only). Returns the question and its previous status."""
    if not is_moderator(user):
        raise Forbidden("only moderators moderate questions")
    if status not in MODERATION_STATUSES:
        raise Invalid(
            "status must be one of " + ", ".join(MODERATION_STATUSES),
            {"status": "must be one of " + ", ".join(MODERATION_STATUSES)},
        )
    question = await get(db, question_id)
    if question.status != status:
        await db.execute(
            update(Question)
            .where(Question.id == question_id)
            .values(status=status, version=Question.version + 1, updated_at=utcnow())
        )
    return (await get(db, question_id)), question.status


def _in_channel(channel: str) -> Any:
    return (
        select(Question, User.name)
        .join(User, User.id == Question.user_id)
        .where(Question.channel == channel)
        .order_by(Question.id)
    )


async def for_viewer(db: AsyncSession, user: User, channel: str) -> list[QuestionView]:
    """The questions of a room this person may see, oldest first."""
    query = _in_channel(channel)
    if not is_moderator(user):
        query = query.where((Question.status.in_(PUBLIC_STATUSES)) | (Question.user_id == user.id))
    return [_view(question, name) for question, name in (await db.execute(query)).all()]


async def in_channel(db: AsyncSession, channel: str) -> list[QuestionView]:
    """Every question of a room, whoever may see it, oldest first."""
    return [_view(question, name) for question, name in (await db.execute(_in_channel(channel))).all()]


async def voted_ids(db: AsyncSession, user_id: int, channel: str) -> set[int]:
    """Ids of the questions of a room this person voted for."""
    rows = await db.scalars(
        select(QuestionVote.question_id)
        .join(Question, Question.id == QuestionVote.question_id)
        .where(QuestionVote.user_id == user_id, Question.channel == channel)
    )
    return set(rows)


def _view(question: Question, user_name: str) -> QuestionView:
    return QuestionView(
        id=question.id,
        channel=question.channel,
        body=question.body,
        user_id=question.user_id,
        user_name=user_name,
        votes=question.votes,
        status=question.status,
        version=question.version,
        created_at=question.created_at,
    )
