"""The personal agenda: bookmarks, and what a person has planned (sessions and accepted meetings)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from conference import meetings, programme
from conference.db.models import Bookmark, Session
from conference.schedule.export import IcalEvent, ical_calendar, session_event


async def add_bookmark(db: AsyncSession, user_id: int, session_id: int) -> None:
    """Idempotent: bookmarking twice keeps one bookmark."""
    await programme.get_session(db, session_id)  # NotFound for an unknown session
    insert = pg_insert if db.bind.dialect.name == "postgresql" else sqlite_insert
    await db.execute(insert(Bookmark).values(user_id=user_id, session_id=session_id).on_conflict_do_nothing())


async def remove_bookmark(db: AsyncSession, user_id: int, session_id: int) -> None:
    await db.execute(delete(Bookmark).where(Bookmark.user_id == user_id, Bookmark.session_id == session_id))


async def bookmarked_ids(db: AsyncSession, user_id: int) -> set[int]:
    return set((await db.scalars(select(Bookmark.session_id).where(Bookmark.user_id == user_id))).all())


async def bookmarked_sessions(db: AsyncSession, user_id: int) -> list[tuple[Session, Bookmark]]:
    rows = await db.execute(
        select(Session, Bookmark)
        .join(Bookmark, Bookmark.session_id == Session.id)
        .where(Bookmark.user_id == user_id)
        .options(*programme.SESSION_LOADS)
        .order_by(Session.start, Session.id)
    )
    return [(row[0], row[1]) for row in rows.all()]


async def agenda_view(db: AsyncSession, user_id: int, tz: ZoneInfo) -> dict[str, Any]:
    """`GET /me/agenda`: the bookmarked sessions in `tz`, each flagged when it changed since, and the
    accepted meetings, in time order."""
    conference = await programme.get_conference(db)
    conference_tz = ZoneInfo(conference.timezone)
    items = []
    for session, bookmark in await bookmarked_sessions(db, user_id):
        view = programme.session_dict(session, tz, conference_tz, {})
        items.append(
            {
                "type": "session",
                "session": view,
                "start": view["start"],
                "end": view["end"],
                "title": session.title,
                "changed": bookmark.changed_at is not None,
            }
        )
    for meeting, group in await meetings.accepted_for_agenda(db, user_id):
        view = meetings.meeting_view(meeting, group, user_id, tz)
        items.append(
            {
                "type": "meeting",
                "meeting": view,
                "start": view["start"],
                "end": view["end"],
                "title": meeting_title(view),
                "changed": False,
            }
        )
    items.sort(key=lambda item: (item["start"], item["type"] != "session"))
    return {"timezone": str(tz), "items": items}


def meeting_title(view: dict[str, Any]) -> str:
    return "Meeting with " + ", ".join(person["name"] for person in view["with"])


async def agenda_ics(db: AsyncSession, user_id: int, base_url: str) -> bytes:
    events = [
        session_event(
            programme.session_item(session),
            session.stage.name,
            [link.speaker.name for link in session.speakers],
            f"{base_url}/sessions/{session.id}",
        )
        for session, _ in await bookmarked_sessions(db, user_id)
    ]
    for meeting, group in await meetings.accepted_for_agenda(db, user_id):
        view = meetings.meeting_view(meeting, group, user_id, ZoneInfo("UTC"))
        description = "\n".join(
            ", ".join(part for part in (p["name"], p["job_title"], p["organisation"]) if part)
            for p in view["with"]
        )
        if meeting.message:
            description += f"\n\n{meeting.message}"
        events.append(
            IcalEvent(
                uid=f"meeting-{meeting.id}@conference",
                summary=meeting_title(view),
                start=meeting.start,
                end=meeting.end,
                description=description,
                location="Online: the meeting's page",
                url=f"{base_url}/meetings/{meeting.id}",
                categories=("meeting",),
            )
        )
    return ical_calendar(events, "My agenda")


async def clear_changes(db: AsyncSession, user_id: int, session_ids: list[int] | None = None) -> int:
    """Marks changed bookmarks as seen (viewing My agenda, or dismissing a flag); returns how many."""
    query = update(Bookmark).where(Bookmark.user_id == user_id, Bookmark.changed_at.is_not(None))
    if session_ids is not None:
        query = query.where(Bookmark.session_id.in_(session_ids))
    result = await db.execute(query.values(changed_at=None))
    return result.rowcount or 0
