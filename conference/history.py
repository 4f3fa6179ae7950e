"""Reading the agenda change history: who changed what, when, with the before and after snapshots."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.db.models import AgendaChange


def change_dict(change: AgendaChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "at": change.created_at.isoformat(),
        "user": {"id": change.user_id, "name": change.user_name},
        "entity": change.entity,
        "entity_id": change.entity_id,
        "session_id": change.session_id,
        "action": change.action,
        "source": change.source,
        "summary": change.summary,
        "before": change.before,
        "after": change.after,
    }


async def list_changes(
    db: AsyncSession,
    *,
    session_id: int | None = None,
    entity: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> dict[str, Any]:
    """Newest first, one page at a time."""
    query = select(AgendaChange)
    if session_id is not None:
        query = query.where(AgendaChange.session_id == session_id)
    if entity is not None:
        query = query.where(AgendaChange.entity == entity)
    total = await db.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await db.scalars(
        query.order_by(AgendaChange.id.desc()).limit(per_page).offset((page - 1) * per_page)
    )
    return {
        "items": [change_dict(c) for c in rows],
        "total": total,
        "page": page,
        "pages": max(1, -(-total // per_page)),
    }
