"""Tables of breakout rooms: a round of rooms per breakout session, its rooms and who is in each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from conference.db.base import Base, utcnow


class BreakoutRound(Base):
    """One set of rooms a moderator created for a session: draft, then open, then closed (or discarded
    when replaced by another draft before opening).

    Closed rounds are kept so that their rooms' members can still read the rooms' chat.
    """

    __tablename__ = "breakout_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(String(8))  # random | themes | manual | self
    status: Mapped[str] = mapped_column(
        String(12), default="draft", index=True
    )  # draft | open | closed | discarded
    duration_minutes: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(default=None)
    ends_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    close_reason: Mapped[str | None] = mapped_column(String(16), default=None)  # moderator | time


class BreakoutRoom(Base):
    __tablename__ = "breakout_rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("breakout_rounds.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # the room's index on the wire, from 0
    name: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int | None] = mapped_column(Integer, default=None)


class BreakoutMember(Base):
    """A person's place in a round: one room per person per round."""

    __tablename__ = "breakout_members"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("breakout_rounds.id", ondelete="CASCADE"))
    room_id: Mapped[int] = mapped_column(ForeignKey("breakout_rooms.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # How they got there: manual (assigned by a moderator), auto (filled at open), late (arrived while
    # open), self (picked it), moved (moved by a moderator).
    how: Mapped[str] = mapped_column(String(8))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
