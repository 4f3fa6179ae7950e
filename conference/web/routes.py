"""Every route of the app, gathered from the modules that own them."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from conference.web import console, pages, ws
from conference.web.api import (
    accounts,
    admin,
    admin_programme,
    agenda,
    announcements,
    breakouts,
    health,
    live,
    meetings,
    networking,
    notifications,
    openapi,
    people,
    programme,
    rooms,
    roundtables,
    setup,
)
from conference.web.templating import STATIC_DIR

API_MODULES = [
    accounts,
    programme,
    agenda,
    setup,
    rooms,
    live,
    notifications,
    admin_programme,
    admin,
    announcements,
    openapi,
    breakouts,
    roundtables,
    people,
    meetings,
    networking,
]


IMMUTABLE = "public, max-age=31536000, immutable"


class CachedStaticFiles(StaticFiles):
    """Static files with a cache lifetime; the ETag lets browsers revalidate cheaply after it. Pages link
    them as `?v=<content hash>` (`static_url`), and such an address never changes content: a year."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            versioned = b"v=" in scope.get("query_string", b"")
            response.headers.setdefault("cache-control", IMMUTABLE if versioned else "public, max-age=3600")
        return response


def routes() -> list[BaseRoute]:
    api: list[BaseRoute] = []
    for module in API_MODULES:
        api.extend(module.routes)
    return [
        *health.routes,
        *ws.routes,
        Mount("/api/v1", routes=api),
        Mount("/static", app=CachedStaticFiles(directory=str(STATIC_DIR)), name="static"),
        *console.routes,
        *pages.routes,
    ]
