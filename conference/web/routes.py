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
    breakouts,
    roundtables,
    people,
    meetings,
    networking,
]


class CachedStaticFiles(StaticFiles):
    """Static files with a cache lifetime; the ETag lets browsers revalidate cheaply after it."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers.setdefault("cache-control", "public, max-age=3600")
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
