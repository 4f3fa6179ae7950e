"""Personal agenda API: bookmarks, the agenda as JSON and as an .ics file."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from conference import agenda
from conference.auth import require_viewer
from conference.validation import Fields, require_timezone
from conference.web.http import path_id, read_json


async def add_bookmark(request: Request) -> Response:
    viewer = await require_viewer(request)
    async with request.app.state.db.session() as db:
        await agenda.add_bookmark(db, viewer.id, path_id(request, "session_id"))
    return JSONResponse({"session_id": path_id(request, "session_id"), "bookmarked": True})


async def remove_bookmark(request: Request) -> Response:
    viewer = await require_viewer(request)
    async with request.app.state.db.session() as db:
        await agenda.remove_bookmark(db, viewer.id, path_id(request, "session_id"))
    return JSONResponse({"session_id": path_id(request, "session_id"), "bookmarked": False})


async def get_agenda(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    name = request.query_params.get("tz")
    tz = require_timezone(name) if name else ZoneInfo(viewer.user.timezone or "Europe/Paris")
    async with request.app.state.db.reader() as db:
        return JSONResponse(await agenda.agenda_view(db, viewer.id, tz))


async def mark_agenda_seen(request: Request) -> JSONResponse:
    """Clears the "changed" flags: all of them, or those of `session_ids`."""
    viewer = await require_viewer(request)
    fields = Fields(await read_json(request))
    session_ids = None
    if fields.has("session_ids"):
        raw = fields.data["session_ids"]
        if not isinstance(raw, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in raw):
            fields.fail("session_ids", "must be a list of session ids")
        else:
            session_ids = raw
    fields.check()
    async with request.app.state.db.session() as db:
        cleared = await agenda.clear_changes(db, viewer.id, session_ids)
    return JSONResponse({"cleared": cleared})


async def get_agenda_ics(request: Request) -> Response:
    viewer = await require_viewer(request)
    async with request.app.state.db.reader() as db:
        body = await agenda.agenda_ics(db, viewer.id, str(request.base_url).rstrip("/"))
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="my-agenda.ics"'},
    )


routes = [
    Route("/me/bookmarks/{session_id:int}", add_bookmark, methods=["PUT"]),
    Route("/me/bookmarks/{session_id:int}", remove_bookmark, methods=["DELETE"]),
    Route("/me/agenda", get_agenda, methods=["GET"]),
    Route("/me/agenda.ics", get_agenda_ics, methods=["GET"]),
    Route("/me/agenda/seen", mark_agenda_seen, methods=["POST"]),
]
