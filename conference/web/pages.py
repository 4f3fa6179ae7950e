"""HTML pages."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conference.auth import current_viewer
from conference.web.templating import templates


async def landing(request: Request) -> Response:
    await current_viewer(request)
    return templates.TemplateResponse(request, "landing.html", {})


routes = [Route("/", landing, name="landing")]
