"""Notifications API: one's own notifications, and marking them read."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conference import notifications
from conference.auth import require_viewer
from conference.validation import Fields
from conference.web.http import query_int, read_json


async def list_notifications(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    unread_only = request.query_params.get("unread", "").lower() in ("1", "true", "yes")
    limit = query_int(request, "limit", 50, 1, 200)
    async with request.app.state.db.reader() as db:
        return JSONResponse(await notifications.list_for(db, viewer.id, unread_only=unread_only, limit=limit))


async def mark_read(request: Request) -> JSONResponse:
    """Marks `ids` read, or every notification when the body names none."""
    viewer = await require_viewer(request)
    fields = Fields(await read_json(request))
    ids = None
    if fields.has("ids"):
        raw = fields.data["ids"]
        if not isinstance(raw, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in raw):
            fields.fail("ids", "must be a list of notification ids")
        else:
            ids = raw
    fields.check()
    async with request.app.state.db.session() as db:
        marked = await notifications.mark_read(db, viewer.id, ids)
    return JSONResponse({"marked": marked})


routes = [
    Route("/me/notifications", list_notifications, methods=["GET"]),
    Route("/me/notifications/read", mark_read, methods=["POST"]),
]
