"""Networking pages: the directory with recommendations, a person's page with meeting slots, my
meetings, a meeting's room, and a networking session's speed-networking lobby."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conference import accounts, meetings, people, speed_networking
from conference.errors import AppError, NotFound
from conference.i18n import Labels, language_label
from conference.realtime.channels import networking_channel
from conference.web.http import path_id
from conference.web.networking_live import meeting_body
from conference.web.pages.account import INTENT_LABELS, ORG_TYPE_LABELS, country_options, language_options
from conference.web.pages.common import chosen_timezone, render, signed_in_or_redirect, theme_names
from conference.web.templating import templates

RECOMMENDED_ON_PAGE = 6


def as_zone(value: str, zone: str) -> str:
    """An ISO time as "HH:MM ABBR" in another zone (a meeting in the other person's time)."""
    moment = datetime.fromisoformat(value).astimezone(ZoneInfo(zone))
    name = moment.tzname() or zone
    return f"{moment:%H:%M} {'UTC' + name if name[:1] in '+-' else name}"


templates.env.filters.update(
    extract=lambda key, mapping: mapping.get(key, key),
    language_label=language_label,
    as_zone=as_zone,
)


def _labels(themes: dict[str, str]) -> dict[str, Any]:
    # Labels read each entry in the page's language.
    return {
        "org_labels": Labels(ORG_TYPE_LABELS),
        "intent_labels": Labels(INTENT_LABELS),
        "theme_labels": themes,
    }


async def people_page(request: Request) -> Response:
    viewer = await signed_in_or_redirect(request)
    if isinstance(viewer, Response):
        return viewer
    async with request.app.state.db.reader() as db:
        themes = await theme_names(db)
        try:
            query = people.DirectoryQuery.parse(request.query_params, list(themes))
            problem = None
        except AppError as exc:
            query, problem = people.DirectoryQuery(), exc.message
        found = await people.directory(db, viewer.id, query)
    filtering = any(
        getattr(query, name) for name in ("q", "country", "theme", "org_type", "language", "offers", "seeks")
    )
    recommended = (
        [] if filtering else await request.app.state.recommender.recommend(viewer.id, RECOMMENDED_ON_PAGE)
    )
    pages = max(1, -(-found["total"] // query.per_page))
    params = {k: v for k, v in request.query_params.items() if k != "page" and v}
    return render(
        request,
        "people/index.html",
        {
            "nav": "people",
            "query": query,
            "problem": problem,
            "found": found,
            "pages": pages,
            "params": params,
            "recommended": recommended,
            "countries": country_options(),
            "languages": language_options([]),
            "themes": themes,
            **_labels(themes),
        },
    )


async def person_page(request: Request) -> Response:
    viewer = await signed_in_or_redirect(request)
    if isinstance(viewer, Response):
        return viewer
    tz = ZoneInfo(chosen_timezone(request, viewer, viewer.user.timezone or "Europe/Paris"))
    async with request.app.state.db.reader() as db:
        profile = await people.person_view(db, viewer.id, path_id(request))
        other = await people.visible_person(db, viewer.id, path_id(request))
        themes = await theme_names(db)
        slots = None
        if not profile["blocked"]:
            try:
                slots = await meetings.slots(db, viewer.user, other, tz)
            except AppError:
                slots = None  # no programme loaded: no conference hours to offer
    days: dict[str, list[dict[str, Any]]] = {}
    for slot in (slots or {}).get("slots", []):
        days.setdefault(slot["conference_start"][:10], []).append(slot)
    return render(
        request,
        "people/detail.html",
        {"nav": "people", "person": profile, "slots": slots, "days": days, **_labels(themes)},
    )


async def meetings_page(request: Request) -> Response:
    viewer = await signed_in_or_redirect(request)
    if isinstance(viewer, Response):
        return viewer
    tz = ZoneInfo(chosen_timezone(request, viewer, viewer.user.timezone or "Europe/Paris"))
    async with request.app.state.db.reader() as db:
        found = await meetings.my_meetings(db, viewer.id, tz)
    items = [meeting_body(request.app, m, group, viewer.user, tz) for m, group in found]
    return render(
        request,
        "meetings/index.html",
        {
            "nav": "meetings",
            "tz": tz.key,
            "incoming": [m for m in items if m["status"] == "pending" and m["role"] == "invitee"],
            "outgoing": [m for m in items if m["status"] == "pending" and m["role"] == "requester"],
            "accepted": [m for m in items if m["status"] == "accepted"],
            "past": [m for m in items if m["status"] not in ("pending", "accepted")],
        },
    )


async def meeting_page(request: Request) -> Response:
    viewer = await signed_in_or_redirect(request)
    if isinstance(viewer, Response):
        return viewer
    tz = ZoneInfo(chosen_timezone(request, viewer, viewer.user.timezone or "Europe/Paris"))
    async with request.app.state.db.reader() as db:
        meeting = await meetings.get_meeting(db, path_id(request))
        group = await meetings.members(db, meeting.id)
    if viewer.id not in {u.id for u in group}:
        raise NotFound("no such meeting")
    body = meeting_body(request.app, meeting, group, viewer.user, tz)
    zones = {p["id"]: p["timezone"] for p in body["with"]}
    return render(
        request, "meetings/detail.html", {"nav": "meetings", "meeting": body, "tz": tz.key, "zones": zones}
    )


async def lobby_page(request: Request) -> Response:
    viewer = await signed_in_or_redirect(request)
    if isinstance(viewer, Response):
        return viewer
    async with request.app.state.db.reader() as db:
        state = await speed_networking.lobby_state(db, path_id(request), viewer.id)
    return render(
        request,
        "networking/lobby.html",
        {
            "nav": "programme",
            "state": state,
            "channel": networking_channel(path_id(request)),
            "moderator": accounts.role_at_least(viewer.role, "moderator"),
            "min_seconds": speed_networking.MIN_SECONDS,
            "max_seconds": speed_networking.MAX_SECONDS,
        },
    )


routes = [
    Route("/people", people_page, name="people_page"),
    Route("/people/{id:int}", person_page, name="person_page"),
    Route("/meetings", meetings_page, name="meetings_page"),
    Route("/meetings/{id:int}", meeting_page, name="meeting_page"),
    Route("/networking/{id:int}", lobby_page, name="lobby_page"),
]
