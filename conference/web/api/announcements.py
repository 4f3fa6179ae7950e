"""Announcements API: organisers post, everyone reads; posting pushes to everyone online or one room."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conference import announcements
from conference.auth import require_viewer
from conference.realtime.channels import session_channel
from conference.web.http import query_int, read_json


async def create_announcement(request: Request) -> JSONResponse:
    viewer = await require_viewer(request, "organiser")
    item = announcements.AnnouncementIn.parse(await read_json(request))
    async with request.app.state.db.session() as db:
        body = await announcements.create(db, viewer.id, item)
    event = {"type": "announcement", **body}
    hub = request.app.state.hub
    if item.session_id is None:
        await hub.broadcast(event)
    else:
        await hub.publish(session_channel(item.session_id), event)
    return JSONResponse(body, status_code=201)


async def list_announcements(request: Request) -> JSONResponse:
    """Public, like the programme: the banner shows on every page, signed in or not."""
    raw_session = request.query_params.get("session_id")
    session_id = query_int(request, "session_id", 0, 1, 2**31 - 1) if raw_session else None
    raw_before = request.query_params.get("before")
    before_id = query_int(request, "before", 0, 1, 2**31 - 1) if raw_before else None
    limit = query_int(request, "limit", 50, 1, 200)
    async with request.app.state.db.reader() as db:
        items = await announcements.list_recent(db, session_id=session_id, limit=limit, before_id=before_id)
    return JSONResponse({"items": items})


routes = [
    Route("/announcements", create_announcement, methods=["POST"]),
    Route("/announcements", list_announcements, methods=["GET"]),
]
