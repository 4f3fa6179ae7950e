"""Background services started by the app's lifespan, in order (each an async context manager factory)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from starlette.applications import Starlette

Service = Callable[[Starlette], AbstractAsyncContextManager[None]]


def _hub(app: Starlette) -> AbstractAsyncContextManager[None]:
    from conference.web.ws import hub_service

    return hub_service(app)


def _live_rooms(app: Starlette) -> AbstractAsyncContextManager[None]:
    from conference.realtime.live_rooms import live_rooms_service

    return live_rooms_service(app)


def _breakouts(app: Starlette) -> AbstractAsyncContextManager[None]:
    from conference.web.breakout_live import breakout_service

    return breakout_service(app)


def _networking(app: Starlette) -> AbstractAsyncContextManager[None]:
    from conference.web.networking_live import networking_service

    return networking_service(app)


SERVICES: list[Service] = [_hub, _live_rooms, _breakouts, _networking]
