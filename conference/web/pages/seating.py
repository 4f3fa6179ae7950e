"""Roundtable seating on pages: the ranking part of a session page, and the organisers' seating page
(/sessions/{id}/seating: the mode, the deadline, "Seat everyone now", who sits where)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conference import programme, ranked_seating
from conference.errors import NotFound
from conference.web.http import path_id
from conference.web.pages.admin import ADMIN_NAV, organiser_or_redirect
from conference.web.pages.common import render

# What the ranking part of a session page shows, in its viewer's situation.
OPEN, CLOSED, SEATED, UNSEATED, DONE = "open", "closed", "seated", "unseated", "done"


def ranking_state(seating: dict[str, Any] | None, now: datetime) -> str | None:
    """None for first-come seating; `open` while ranking is possible, `closed` once its deadline has passed
    (the seating runs at once), then `seated` (the viewer has a table), `unseated` (they ranked and got no
    seat) or `done` (the seating ran; free seats are first come)."""
    if seating is None or seating["seating_mode"] != "ranked":
        return None
    if seating["seated_at"] is None:
        deadline = seating["ranking_deadline"]
        return CLOSED if deadline is not None and datetime.fromisoformat(deadline) <= now else OPEN
    if seating["my_table_id"] is not None:
        return SEATED
    return UNSEATED if seating["unseated"] else DONE


def instant(value: str | None, tz: str, conference_tz: str) -> dict[str, str] | None:
    """An ISO instant as the page shows it: in the viewer's zone and in the conference's."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return {
        "local": moment.astimezone(ZoneInfo(tz)).isoformat(),
        "conference": moment.astimezone(ZoneInfo(conference_tz)).isoformat(),
    }


async def session_seating(
    db: AsyncSession, session: dict[str, Any], user_id: int | None, tz: str, conference_tz: str, now: datetime
) -> dict[str, Any]:
    """The session page's context for a roundtable: the viewer's ranking, its state and the deadline."""
    if session["kind"] != "roundtable":
        return {"seating": None, "ranking": None, "ranking_deadline": None, "table_topics": {}}
    seating = await ranked_seating.preferences_view(db, user_id, session["id"])
    return {
        "seating": seating,
        "table_topics": {t["id"]: t["topic"] for t in session["tables"]},
        "ranking": ranking_state(seating, now),
        "ranking_deadline": instant(seating["ranking_deadline"], tz, conference_tz),
    }


def deadline_input(value: str | None, conference_tz: str) -> str:
    """The deadline as a `datetime-local` value in conference time ("2021-09-15T13:30")."""
    if value is None:
        return ""
    return datetime.fromisoformat(value).astimezone(ZoneInfo(conference_tz)).strftime("%Y-%m-%dT%H:%M")


async def seating_page(request: Request) -> Response:
    viewer = await organiser_or_redirect(request)
    if isinstance(viewer, Response):
        return viewer
    async with request.app.state.db.reader() as db:
        conference = programme.conference_dict(await programme.get_conference(db))
        session = await programme.session_view(db, path_id(request))
        if session["kind"] != "roundtable":
            raise NotFound(f'"{session["title"]}" is not a roundtable session: it has no seating')
        view = await ranked_seating.seating_view(db, session["id"])
    zone = conference["timezone"]
    hosts = {t["id"]: t["host"] for t in session["tables"]}
    for table in view["tables"]:
        table["host"] = hosts.get(table["id"])
    return render(
        request,
        "admin/seating.html",
        {
            "nav": "admin",
            "admin_nav": ADMIN_NAV,
            "admin_current": "admin_programme",
            "conference": conference,
            "session": session,
            "view": view,
            "tz": zone,
            "deadline_value": deadline_input(view["ranking_deadline"], zone),
            "ran_at": instant(view["ran_at"], zone, zone),
        },
    )


routes = [Route("/sessions/{id:int}/seating", seating_page, name="seating_page")]
