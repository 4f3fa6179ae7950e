"""Organiser API for people and figures: user search and changes, the registrations export, live stats."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from conference import dashboard, stats, user_admin
from conference.auth import require_viewer
from conference.db.models import Conference, Session
from conference.realtime.channels import session_channel
from conference.web.http import path_id, query_int, read_json


async def search_users(request: Request) -> JSONResponse:
    await require_viewer(request, "organiser")
    q = request.query_params.get("q", "").strip()[:200]
    role = request.query_params.get("role") or None
    page = query_int(request, "page", 1, 1, 100_000)
    per_page = query_int(request, "per_page", 25, 1, 100)
    async with request.app.state.db.reader() as db:
        return JSONResponse(await user_admin.search(db, q=q, role=role, page=page, per_page=per_page))


async def change_user(request: Request) -> JSONResponse:
    """A role change or (de)activation applies at once: roles are read per request, and the hub drops or
    re-checks the person's live connections."""
    viewer = await require_viewer(request, "organiser")
    change = user_admin.UserChange.parse(await read_json(request))
    user_id = path_id(request)
    async with request.app.state.db.session() as db:
        user = await user_admin.change_user(db, viewer.id, user_id, change)
    hub = request.app.state.hub
    if change.active is False:
        await hub.disconnect_user(user_id)
    elif change.role is not None:
        await hub.revalidate_user(user_id)
    return JSONResponse(user_admin.admin_user_dict(user))


async def registrations_csv(request: Request) -> Response:
    await require_viewer(request, "organiser")
    async with request.app.state.db.reader() as db:
        text = await user_admin.registrations_csv(db)
    return csv_response(text, "registrations.csv")


def csv_response(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


async def current_stats(request: Request) -> dict[str, Any]:
    """Figures from the database plus presence from the hub."""
    hub = request.app.state.hub
    async with request.app.state.db.reader() as db:
        timezone = await db.scalar(select(Conference.timezone).limit(1)) or "UTC"
        session_ids = list((await db.scalars(select(Session.id))).all())
        present: dict[int, int] = {}
        # People connected to this process, plus everyone in a session room on any process (the hub
        # shares presence per channel across processes, not a global list of connections).
        online = set(hub.users)
        for session_id in session_ids:
            people = await hub.present_users(session_channel(session_id))
            online |= people
            if people:
                present[session_id] = len(people)
        return await stats.collect(db, tz=ZoneInfo(timezone), online_users=len(online), present=present)


async def get_stats(request: Request) -> JSONResponse:
    await require_viewer(request, "organiser")
    return JSONResponse(await current_stats(request))


async def chart_csv(request: Request) -> Response:
    await require_viewer(request, "organiser")
    slug = request.path_params["chart"]
    dashboard.spec(slug)  # 404 before doing any work
    return csv_response(dashboard.chart_csv(slug, await current_stats(request)), f"{slug}.csv")


async def chart_svg(request: Request) -> Response:
    await require_viewer(request, "organiser")
    slug = request.path_params["chart"]
    dashboard.spec(slug)
    svg = dashboard.chart_svg(slug, await current_stats(request))
    return Response(svg, media_type="image/svg+xml", headers={"cache-control": "no-store"})


routes = [
    Route("/admin/users", search_users, methods=["GET"]),
    Route("/users/{id:int}", change_user, methods=["PATCH"]),
    Route("/admin/registrations.csv", registrations_csv, methods=["GET"]),
    Route("/admin/stats", get_stats, methods=["GET"]),
    Route("/admin/stats/{chart:str}.csv", chart_csv, methods=["GET"]),
    Route("/admin/stats/{chart:str}.svg", chart_svg, methods=["GET"]),
]
