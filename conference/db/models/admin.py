"""Tables of the organisers' work: the agenda change history and announcements."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from conference.db.base import Base, utcnow


class AgendaChange(Base):
    """One edit of the programme, who made it and when, with JSON snapshots before and after.

    Ids are kept as plain integers (no foreign keys) so the record outlives what it describes: a deleted
    session, a removed speaker or a deactivated organiser.
    """

    __tablename__ = "agenda_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, default=None)
    user_name: Mapped[str] = mapped_column(String(120), default="")
    # "session", "speaker", "theme" or "stage"
    entity: Mapped[str] = mapped_column(String(16), default="session")
    entity_id: Mapped[int | None] = mapped_column(Integer, default=None)
    session_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    # "created", "updated" or "deleted"
    action: Mapped[str] = mapped_column(String(16))
    # "edit" (console or API) or "import" (a schedule file)
    source: Mapped[str] = mapped_column(String(16), default="edit")
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class Announcement(Base):
    """A message from the organisers to everyone online, or to one session's audience."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), default=None, index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
