"""Chat history of a channel: GET /rooms/{channel}/messages (members only, oldest first)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conference import chat
from conference.auth import require_viewer
from conference.errors import Forbidden, Invalid, NotFound
from conference.realtime import channels
from conference.web.http import query_int

MAX_PAGE = 200


async def messages(request: Request) -> JSONResponse:
    """`after`: the first `limit` messages after it; else the latest `limit` (before `before`)."""
    viewer = await require_viewer(request)
    try:
        channel = channels.parse(request.path_params["channel"])
    except Invalid:
        raise NotFound(f"no room {request.path_params['channel']!r}") from None
    after = query_int(request, "after", -1, 0, 2**53) if request.query_params.get("after") else None
    before = query_int(request, "before", -1, 0, 2**53) if request.query_params.get("before") else None
    limit = query_int(request, "limit", 50, 1, MAX_PAGE)
    async with request.app.state.db.reader() as db:
        if not await channels.may_join(db, viewer.user, channel):
            raise Forbidden(f"you are not a member of {channel.name}")
        rows, _more = await chat.page(db, channel.name, after=after, before=before, limit=limit)
    return JSONResponse([row.event() for row in rows])


routes = [Route("/rooms/{channel}/messages", messages, methods=["GET"])]
