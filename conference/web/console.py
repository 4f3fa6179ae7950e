"""The moderator's breakout console page: /sessions/{id}/console (built by static/js/console.js)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from conference import programme
from conference.auth import current_viewer
from conference.errors import Forbidden
from conference.web.http import path_id
from conference.web.templating import templates


async def console_page(request: Request) -> Response:
    viewer = await current_viewer(request)
    if viewer is None:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    if not viewer.at_least("moderator"):
        raise Forbidden("the breakout console is for moderators")
    async with request.app.state.db.reader() as db:
        session = await programme.session_view(db, path_id(request))
    return templates.TemplateResponse(request, "sessions/console.html", {"session": session})


routes = [Route("/sessions/{id:int}/console", console_page, name="console_page")]
