"""Announcements from the organisers: stored, listed, and shaped as the `announcement` push."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conference import programme
from conference.db.models import Announcement, Session
from conference.validation import Fields

MAX_BODY_CHARS = 2000


@dataclass(frozen=True)
class AnnouncementIn:
    body: str
    session_id: int | None

    @classmethod
    def parse(cls, data: Any) -> AnnouncementIn:
        fields = Fields(data)
        body = fields.text("body", required=True, max_length=MAX_BODY_CHARS)
        session_id = fields.integer("session_id", minimum=1)
        fields.check()
        return cls(body=body, session_id=session_id)


def announcement_dict(row: Announcement, session_title: str | None = None) -> dict[str, Any]:
    """Also the `announcement` event's fields (docs/protocol.md)."""
    body: dict[str, Any] = {"id": row.id, "body": row.body, "ts": row.created_at.isoformat()}
    if row.session_id is not None:
        body["session_id"] = row.session_id
        body["session_title"] = session_title
    return body


async def create(db: AsyncSession, user_id: int, item: AnnouncementIn) -> dict[str, Any]:
    title = None
    if item.session_id is not None:
        title = (await programme.get_session(db, item.session_id)).title  # 404 for an unknown session
    row = Announcement(body=item.body, session_id=item.session_id, user_id=user_id)
    db.add(row)
    await db.flush()
    return announcement_dict(row, title)


async def list_recent(
    db: AsyncSession, *, session_id: int | None = None, limit: int = 50, before_id: int | None = None
) -> list[dict[str, Any]]:
    """Newest first; with `session_id`, that session's announcements and the ones to everyone."""
    query = select(Announcement, Session.title).outerjoin(Session, Session.id == Announcement.session_id)
    if session_id is not None:
        query = query.where((Announcement.session_id == session_id) | Announcement.session_id.is_(None))
    if before_id is not None:
        query = query.where(Announcement.id < before_id)
    rows = await db.execute(query.order_by(Announcement.id.desc()).limit(limit))
    return [announcement_dict(row, title) for row, title in rows.all()]
