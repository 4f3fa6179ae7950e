"""Pages anyone may read: the landing page, the programme in the visitor's time zone, a session."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conference import agenda, programme
from conference.auth import current_viewer
from conference.db.base import utcnow
from conference.errors import NotFound
from conference.i18n import N_
from conference.web.http import path_id
from conference.web.pages.common import (
    TZ_COOKIE,
    TZ_COOKIE_MAX_AGE_SECS,
    chosen_timezone,
    conference_abbreviation,
    parse_now,
    render,
    theme_names,
    timezone_groups,
    valid_timezone,
)
from conference.web.pages.seating import session_seating

KIND_ORDER = ("plenary", "panel", "session", "roundtable", "breakout", "networking", "break")

# The six consortia named on the Global Action's page (seed/conference-page.txt).
PARTNERSHIPS = (
    {
        "name": "Legal Ecosystems for Social Economy (PL4SE)",
        "lead": N_("the Spanish Social Economy Employers’ Confederation (CEPES)"),
        "size": N_("26 organisations from 7 countries"),
    },
    {
        "name": "Social Impact Measurement for the SSE",
        "lead": N_("Le French Impact"),
        "size": N_("18 organisations from 9 countries"),
    },
    {
        "name": "Internationalisation of SSE organisations and the role of women in the SSE",
        "lead": N_("the Impact Hub network"),
        "size": N_("23 organisations from 11 countries"),
    },
    {
        "name": "Putting Stakeholders in the Center",
        "lead": N_("Social Value US"),
        "size": N_("26 partners from 13 countries"),
    },
    {
        "name": "Respond Rebuild Reinvent (RRR)",
        "lead": N_("UpSocial together with Ashoka"),
        "size": N_("16 consortium partners from 11 countries"),
    },
    {
        "name": "Social Solidarity Economy International Learning and Knowledge (SILK)",
        "lead": N_("the DIESIS network"),
        "size": N_("23 partners and two individual experts from 13 countries"),
    },
)


def session_statuses(sessions: list[dict[str, Any]], now: datetime) -> dict[int, str]:
    """`live` for what runs at `now`, `next` for what starts soonest after it (breaks are neither)."""
    statuses: dict[int, str] = {}
    upcoming: list[tuple[datetime, int]] = []
    for s in sessions:
        if s["kind"] == "break":
            continue
        start, end = datetime.fromisoformat(s["start"]), datetime.fromisoformat(s["end"])
        if start <= now < end:
            statuses[s["id"]] = "live"
        elif start > now:
            upcoming.append((start, s["id"]))
    if upcoming:
        soonest = min(start for start, _ in upcoming)
        statuses.update({sid: "next" for start, sid in upcoming if start == soonest})
    return statuses


def matches(session: dict[str, Any], kind: str, theme: str) -> bool:
    return (not kind or session["kind"] == kind) and (not theme or theme in session["themes"])


def selected_day(days: list[dict[str, Any]], wanted: str | None, statuses: dict[int, str]) -> str | None:
    """The day tab open first: the one asked for, else today's live or next session's, else the first."""
    dates = [day["date"] for day in days]
    if wanted in dates:
        return wanted
    for status in ("live", "next"):
        for day in days:
            if any(statuses.get(s["id"]) == status for s in day["sessions"]):
                return day["date"]
    return dates[0] if dates else None


def daily_hours_in(conference: dict[str, Any], tz: str) -> dict[str, str] | None:
    """The conference's daily hours on its first day, in `tz` (None when that is the conference's zone)."""
    if tz == conference["timezone"]:
        return None
    zone = ZoneInfo(conference["timezone"])
    day = conference["start_date"]
    start = datetime.fromisoformat(f"{day}T{conference['daily_start']}").replace(tzinfo=zone)
    end = datetime.fromisoformat(f"{day}T{conference['daily_end']}").replace(tzinfo=zone)
    local = ZoneInfo(tz)
    return {"start": f"{start.astimezone(local):%H:%M}", "end": f"{end.astimezone(local):%H:%M}"}


async def landing(request: Request) -> Response:
    viewer = await current_viewer(request)
    async with request.app.state.db.reader() as db:
        try:
            conference = await programme.get_conference(db)
        except NotFound:  # no programme loaded yet: the page still presents the event
            conference = None
    # Read from the cache after the session is closed: holding a connection while the cache takes
    # another would exhaust the pool under load.
    if conference is not None:
        tz = chosen_timezone(request, viewer, conference.timezone)
        view = await request.app.state.programme_cache.programme_view(ZoneInfo(tz))
    else:
        tz, view = "", {"conference": None, "days": []}
    return render(
        request,
        "landing.html",
        {
            "conference": view["conference"],
            "days": view["days"],
            "tz": tz,
            "daily_local": daily_hours_in(view["conference"], tz) if view["conference"] else None,
            "partnerships": PARTNERSHIPS,
        },
    )


async def programme_page(request: Request) -> Response:
    viewer = await current_viewer(request)
    async with request.app.state.db.reader() as db:
        try:
            conference = await programme.get_conference(db)
        except NotFound:
            return render(request, "programme/empty.html", {"nav": "programme"})
        tz = chosen_timezone(request, viewer, conference.timezone)
        bookmarked = await agenda.bookmarked_ids(db, viewer.id) if viewer else set()
    view = await request.app.state.programme_cache.programme_view(ZoneInfo(tz))
    now_override = parse_now(request.query_params.get("now"))
    sessions = [s for day in view["days"] for s in day["sessions"]]
    statuses = session_statuses(sessions, now_override or utcnow())
    themes = {t["slug"] for t in view["themes"]}
    kind = request.query_params.get("kind", "")
    kind = kind if kind in KIND_ORDER else ""
    theme = request.query_params.get("theme", "")
    theme = theme if theme in themes else ""
    response = render(
        request,
        "programme/index.html",
        {
            "nav": "programme",
            "conference": view["conference"],
            "conference_abbr": conference_abbreviation(view["conference"]),
            "themes": view["themes"],
            "theme_names": {t["slug"]: t["name"] for t in view["themes"]},
            "days": view["days"],
            "tz": tz,
            "timezone_groups": timezone_groups(),
            "kinds": [k for k in KIND_ORDER if any(s["kind"] == k for s in sessions)],
            "kind": kind,
            "theme": theme,
            "hidden_ids": {s["id"] for s in sessions if not matches(s, kind, theme)},
            "statuses": statuses,
            "selected_day": selected_day(view["days"], request.query_params.get("day"), statuses),
            "bookmarked": bookmarked,
            "now_override": now_override.isoformat() if now_override else "",
        },
    )
    asked = valid_timezone(request.query_params.get("tz"))
    if asked:  # a choice made without JavaScript (the form's Apply button) is remembered too
        # Written by hand: `set_cookie` would quote the "/" and the page's script reads it back as is.
        response.headers.append(
            "set-cookie", f"{TZ_COOKIE}={asked}; Max-Age={TZ_COOKIE_MAX_AGE_SECS}; Path=/; SameSite=lax"
        )
    return response


async def session_page(request: Request) -> Response:
    viewer = await current_viewer(request)
    async with request.app.state.db.reader() as db:
        conference = await programme.get_conference(db)
        tz = chosen_timezone(request, viewer, conference.timezone)
        session = await programme.session_view(db, path_id(request), ZoneInfo(tz))
        bookmarked = await agenda.bookmarked_ids(db, viewer.id) if viewer else set()
        conference_view = programme.conference_dict(conference)
        themes = await theme_names(db)
        now = parse_now(request.query_params.get("now")) or utcnow()
        seating = await session_seating(
            db, session, viewer.id if viewer else None, tz, conference.timezone, now
        )
    statuses = {s: v for s, v in session_statuses([session], now).items() if v == "live"}
    return render(
        request,
        "sessions/detail.html",
        {
            "conference": conference_view,
            "session": session,
            "tz": tz,
            "theme_names": themes,
            "statuses": statuses,
            "bookmarked": bookmarked,
            **seating,
        },
    )


routes = [
    Route("/", landing, name="landing"),
    Route("/programme", programme_page, name="programme_page"),
    Route("/sessions/{id:int}", session_page, name="session_page"),
]
