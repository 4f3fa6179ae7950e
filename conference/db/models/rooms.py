"""Tables of the live rooms: questions and votes, polls and votes, mutes, slow mode, reports, blocks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from conference.db.base import Base, utcnow

CHANNEL_LENGTH = 64


class Question(Base):
    """A Q&A question asked in a room. `votes` mirrors the count of `question_votes` rows."""

    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_channel_id", "channel", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(CHANNEL_LENGTH))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    # visible | pending | approved | hidden | answered | pinned (see conference/qa.py)
    status: Mapped[str] = mapped_column(String(16))
    votes: Mapped[int] = mapped_column(Integer, default=0)
    # Bumped by every change, so that clients keep the newest of two events that crossed.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuestionVote(Base):
    __tablename__ = "question_votes"

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Poll(Base):
    __tablename__ = "polls"
    __table_args__ = (Index("ix_polls_channel_id", "channel", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(CHANNEL_LENGTH))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    question: Mapped[str] = mapped_column(String(300))
    options: Mapped[list[str]] = mapped_column(JSON)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped by every vote and by closing (clients keep the newest of two events that crossed).
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)


class PollVote(Base):
    """One person's current choice in a poll (changed in place while the poll is open)."""

    __tablename__ = "poll_votes"

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    option: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Mute(Base):
    """A person may not post in a channel until `until`."""

    __tablename__ = "mutes"

    channel: Mapped[str] = mapped_column(String(CHANNEL_LENGTH), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    until: Mapped[datetime]
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)


class ChannelSetting(Base):
    """Per-channel moderation settings (a row only once a moderator changed something)."""

    __tablename__ = "channel_settings"

    channel: Mapped[str] = mapped_column(String(CHANNEL_LENGTH), primary_key=True)
    slow_mode_seconds: Mapped[int] = mapped_column(Integer, default=0)


class SlowModeMark(Base):
    """When a person last posted in a slow-mode channel (only kept while slow mode is on)."""

    __tablename__ = "slow_mode_marks"

    channel: Mapped[str] = mapped_column(String(CHANNEL_LENGTH), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    last_at: Mapped[datetime]


class Report(Base):
    """A chat message reported to the moderators, with a copy of the message as it was."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("channel", "message_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(CHANNEL_LENGTH), index=True)
    message_id: Mapped[int] = mapped_column(Integer)
    message_user_id: Mapped[int | None] = mapped_column(Integer, default=None)
    message_body: Mapped[str] = mapped_column(Text, default="")
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)


class Block(Base):
    """`blocker_id` blocked `blocked_id`: no DMs, meetings or recommendations either way."""

    __tablename__ = "blocks"

    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    blocked_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
