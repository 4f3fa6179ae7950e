"""Personal notifications kept for people who were offline: listing them and marking them read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from conference.db.base import utcnow
from conference.db.models import Notification


def notification_dict(row: Notification) -> dict[str, Any]:
    """The stored form of the `notification` push (docs/protocol.md), plus whether it was read."""
    return {
        "type": "notification",
        "id": row.id,
        "kind": row.kind,
        "ts": row.created_at.isoformat(),
        "read": row.read_at is not None,
        **row.data,
    }


async def list_for(db: AsyncSession, user_id: int, *, unread_only: bool = False, limit: int = 50) -> dict:
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    rows = await db.scalars(query.order_by(Notification.id.desc()).limit(limit))
    unread = await db.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
    return {"items": [notification_dict(r) for r in rows], "unread": unread or 0}


async def mark_read(db: AsyncSession, user_id: int, ids: list[int] | None = None) -> int:
    query = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if ids is not None:
        query = query.where(Notification.id.in_(ids))
    result = await db.execute(query.values(read_at=utcnow()))
    return result.rowcount or 0
