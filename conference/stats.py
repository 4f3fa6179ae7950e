"""Live figures for the organisers: registrations, who is online, activity, the busiest sessions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.db.base import Base
from conference.db.models import Bookmark, Meeting, Message, PollVote, Question, Session, User
from conference.validation import country_name

ACTIVITY_MODELS: dict[str, type[Base]] = {
    "messages": Message,
    "questions": Question,
    "poll_votes": PollVote,
    "meetings": Meeting,
}
MAX_DAYS = 120
MIN_DAYS = 7
HOURS = 48
TOP_SESSIONS = 10


async def activity_counts(db: AsyncSession) -> dict[str, int]:
    return {
        area: await db.scalar(select(func.count()).select_from(model)) or 0
        for area, model in ACTIVITY_MODELS.items()
    }


async def messages_by_channel(db: AsyncSession) -> dict[str, int]:
    rows = await db.execute(select(Message.channel, func.count()).group_by(Message.channel))
    return dict(rows.all())


def day_series(moments: list[datetime], tz: ZoneInfo, today: date) -> list[dict[str, Any]]:
    """Registrations per local day, from the first one (or a week ago) to today (at most MAX_DAYS)."""
    if not moments:
        return []
    counts = Counter(m.astimezone(tz).date() for m in moments)
    # At least a week, so that a first day of registrations reads as a start rather than a lone dot.
    first = max(min(min(counts), today - timedelta(days=MIN_DAYS - 1)), today - timedelta(days=MAX_DAYS - 1))
    last = max(today, max(counts))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [{"date": d.isoformat(), "count": counts.get(d, 0)} for d in days]


def hour_series(moments: list[datetime], tz: ZoneInfo, now: datetime) -> list[dict[str, Any]]:
    """Registrations per hour over the last HOURS hours, the current hour last."""
    current = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    start = current - timedelta(hours=HOURS - 1)
    counts = Counter(
        m.astimezone(UTC).replace(minute=0, second=0, microsecond=0) for m in moments if m >= start
    )
    return [
        {
            "hour": (start + timedelta(hours=n)).astimezone(tz).isoformat(),
            "count": counts.get(start + timedelta(hours=n), 0),
        }
        for n in range(HOURS)
    ]


async def registration_figures(db: AsyncSession, tz: ZoneInfo, now: datetime) -> dict[str, Any]:
    rows = (await db.execute(select(User.created_at, User.country, User.org_type, User.role))).all()
    moments = [r[0] for r in rows]
    countries = Counter(r[1] or "" for r in rows)
    org_types = Counter(r[2] or "other" for r in rows)
    roles = Counter(r[3] for r in rows)
    return {
        "total": len(rows),
        "by_day": day_series(moments, tz, now.astimezone(tz).date()),
        "by_hour": hour_series(moments, tz, now),
        "by_country": sorted(
            (
                {"country": code or None, "name": country_name(code) if code else "Not given", "count": n}
                for code, n in countries.items()
            ),
            key=lambda row: (-row["count"], row["name"]),
        ),
        "by_org_type": [
            {"org_type": kind, "count": n}
            for kind, n in sorted(org_types.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "by_role": dict(sorted(roles.items())),
    }


async def session_figures(
    db: AsyncSession, present: Mapping[int, int], messages: Mapping[str, int]
) -> list[dict[str, Any]]:
    """Each session with its people online now, bookmarks and chat messages."""
    bookmarks = dict(
        (await db.execute(select(Bookmark.session_id, func.count()).group_by(Bookmark.session_id))).all()
    )
    sessions = (
        await db.execute(select(Session.id, Session.title, Session.start).order_by(Session.start))
    ).all()
    return [
        {
            "session_id": sid,
            "title": title,
            "start": start.isoformat(),
            "online": present.get(sid, 0),
            "bookmarks": bookmarks.get(sid, 0),
            "messages": messages.get(f"session:{sid}", 0),
        }
        for sid, title, start in sessions
    ]


def busiest(sessions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sessions with anyone in them or interested, by people online, then bookmarks, then messages."""
    active = [s for s in sessions if s["online"] or s["bookmarks"] or s["messages"]]
    ranked = sorted(active, key=lambda s: (-s["online"], -s["bookmarks"], -s["messages"], s["session_id"]))
    return ranked[:TOP_SESSIONS]


async def collect(
    db: AsyncSession,
    *,
    tz: ZoneInfo,
    online_users: int,
    present: Mapping[int, int],
    now: datetime | None = None,
) -> dict[str, Any]:
    """`GET /admin/stats`. `present` maps session id to people connected to its room (from the hub)."""
    now = now or datetime.now(UTC)
    activity = await activity_counts(db)
    sessions = await session_figures(db, present, await messages_by_channel(db))
    return {
        "generated_at": now.isoformat(),
        "timezone": str(tz),
        "registrations": await registration_figures(db, tz, now),
        "online": {
            "now": online_users,
            "sessions": [
                {"session_id": s["session_id"], "title": s["title"], "count": s["online"]}
                for s in sorted(sessions, key=lambda s: -s["online"])
                if s["online"]
            ],
        },
        "activity": activity,
        "busiest_sessions": busiest(sessions),
    }
