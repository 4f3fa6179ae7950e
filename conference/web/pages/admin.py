"""Organiser pages (dashboard, programme console, people) and the public announcements and print pages."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conference import accounts, announcements, dashboard, programme
from conference.auth import Viewer, current_viewer
from conference.errors import Forbidden, NotFound
from conference.i18n import N_
from conference.schedule.model import SESSION_KINDS
from conference.web.api.admin import current_stats
from conference.web.pages.common import (
    chosen_timezone,
    conference_abbreviation,
    render,
    signed_in_or_redirect,
    theme_names,
)

ADMIN_NAV = (
    ("admin_dashboard", N_("Dashboard")),
    ("admin_programme", N_("Programme")),
    ("admin_users", N_("People")),
    ("announcements_page", N_("Announcements")),
)
STAT_CARDS = (
    ("registrations.total", "Registered"),
    ("online.now", "Online now"),
    ("activity.messages", "Chat messages"),
    ("activity.questions", "Questions"),
    ("activity.poll_votes", "Poll votes"),
    ("activity.meetings", "Meetings"),
)


async def organiser_or_redirect(request: Request) -> Viewer | Response:
    """Organisers get the page; visitors are sent to sign in; everyone else gets 403."""
    viewer = await signed_in_or_redirect(request)
    if isinstance(viewer, Response):
        return viewer
    if not viewer.at_least("organiser"):
        raise Forbidden("This page is for the conference organisers.")
    return viewer


async def conference_or_none(request: Request) -> dict[str, Any] | None:
    async with request.app.state.db.reader() as db:
        try:
            return programme.conference_dict(await programme.get_conference(db))
        except NotFound:
            return None


def lookup(data: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        data = data[part]
    return data


async def dashboard_page(request: Request) -> Response:
    viewer = await organiser_or_redirect(request)
    if isinstance(viewer, Response):
        return viewer
    figures = await current_stats(request)
    # The charts are built by conference.charts, which escapes every text it writes.
    charts = [
        {
            "slug": slug,
            "title": spec.title,
            "svg": Markup(dashboard.chart_svg(slug, figures)),
            "wide": spec.kind == "line",
        }
        for slug, spec in dashboard.CHARTS.items()
    ]
    return render(
        request,
        "admin/dashboard.html",
        {
            "nav": "admin",
            "admin_nav": ADMIN_NAV,
            "admin_current": "admin_dashboard",
            "conference": await conference_or_none(request),
            "stats": figures,
            "cards": [(path, label, lookup(figures, path)) for path, label in STAT_CARDS],
            "charts": charts,
        },
    )


async def programme_console(request: Request) -> Response:
    viewer = await organiser_or_redirect(request)
    if isinstance(viewer, Response):
        return viewer
    return render(
        request,
        "admin/programme.html",
        {
            "nav": "admin",
            "admin_nav": ADMIN_NAV,
            "admin_current": "admin_programme",
            "conference": await conference_or_none(request),
            "kinds": SESSION_KINDS,
        },
    )


async def users_page(request: Request) -> Response:
    viewer = await organiser_or_redirect(request)
    if isinstance(viewer, Response):
        return viewer
    return render(
        request,
        "admin/users.html",
        {
            "nav": "admin",
            "admin_nav": ADMIN_NAV,
            "admin_current": "admin_users",
            "conference": await conference_or_none(request),
            "roles": accounts.ROLES,
            "me": viewer.id,
        },
    )


async def announcements_page(request: Request) -> Response:
    """Everyone reads the announcements here; organisers also write them."""
    viewer = await current_viewer(request)
    organiser = viewer is not None and viewer.at_least("organiser")
    async with request.app.state.db.reader() as db:
        items = await announcements.list_recent(db, limit=100)
        sessions = [(s.id, s.title, s.start) for s in await programme.all_sessions(db)] if organiser else []
    conference = await conference_or_none(request)
    return render(
        request,
        "admin/announcements.html",
        {
            "nav": "announcements",
            "admin_nav": ADMIN_NAV if organiser else (),
            "admin_current": "announcements_page",
            "conference": conference,
            # Each announcement's time in the reader's zone, like every other time on the site.
            "tz": chosen_timezone(request, viewer, conference["timezone"] if conference else "UTC"),
            "items": items,
            "organiser": organiser,
            "sessions": sessions,
        },
    )


async def print_page(request: Request) -> Response:
    """The whole programme on paper: one table per day, in the chosen time zone."""
    viewer = await current_viewer(request)
    async with request.app.state.db.reader() as db:
        conference = await programme.get_conference(db)
        tz = chosen_timezone(request, viewer, conference.timezone)
        view = await programme.programme_view(db, ZoneInfo(tz))
        themes = await theme_names(db)
    return render(
        request,
        "admin/print.html",
        {
            "conference": view["conference"],
            "conference_abbr": conference_abbreviation(view["conference"]),
            "days": view["days"],
            "tz": tz,
            "theme_names": themes,
        },
    )


routes = [
    Route("/admin", dashboard_page, name="admin_dashboard"),
    Route("/admin/programme", programme_console, name="admin_programme"),
    Route("/admin/users", users_page, name="admin_users"),
    Route("/announcements", announcements_page, name="announcements_page"),
    Route("/programme/print", print_page, name="programme_print"),
]
