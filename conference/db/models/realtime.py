"""Tables of the live rooms: chat messages and the per-channel message counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from conference.db.base import Base, utcnow


class ChannelCounter(Base):
    """The last message id handed out in a channel.

    Sends bump it with `UPDATE ... SET last_id = last_id + n RETURNING` inside the transaction that
    inserts the messages: the row lock makes a channel's transactions commit in id order, so a
    reader that sees id n has also seen every id below it.
    """

    __tablename__ = "channel_counters"

    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)


class Message(Base):
    """One chat message; `id` counts within its channel (1, 2, 3, ...)."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("channel", "user_id", "client_id"),)

    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    # Chosen by the sending client so a resend after a lost ack is recognised (idempotent send).
    client_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
    deleted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
