"""The application factory: settings in, a Starlette app out; the lifespan opens the database and hub."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from conference.db.base import Database
from conference.errors import AppError, RateLimited
from conference.programme_cache import ProgrammeCache
from conference.ratelimit import TokenBucket
from conference.security import Signer
from conference.settings import Settings

logger = logging.getLogger(__name__)


class Limits:
    """The rate limits of one process (each bucket is keyed by account or address)."""

    def __init__(self, settings: Settings) -> None:
        per_minute = 1 / 60
        self.login_failures_by_email = TokenBucket(settings.login_failures_allowed, per_minute)
        self.login_failures_by_address = TokenBucket(settings.login_failures_allowed * 4, 4 * per_minute)
        self.registrations_by_address = TokenBucket(
            settings.registrations_per_minute, settings.registrations_per_minute * per_minute
        )
        self.writes_by_user = TokenBucket(60, 1.0)


def create_app(settings: Settings | None = None, *, freeze_gc: bool = False) -> Starlette:
    """The app. `freeze_gc` (the server's own process, not tests): once started, everything built so far
    (modules, the programme, the matchmaking index) is moved out of the garbage collector's sight, so
    that full collections walk only what came later and stall the event loop for less."""
    settings = settings or Settings.from_env()
    from conference.web.locale import LocaleMiddleware
    from conference.web.routes import routes  # the web layer sits on top; nothing imports it back
    from conference.web.ws import KeepRawSend

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            app.state.db = Database(settings.database_url)
            stack.push_async_callback(app.state.db.close)
            app.state.programme_cache = ProgrammeCache(app.state.db)
            for start in app.state.services:
                await stack.enter_async_context(start(app))
            if freeze_gc:
                gc.collect()
                gc.freeze()
            yield

    app = Starlette(
        routes=routes(),
        lifespan=lifespan,
        exception_handlers={AppError: app_error, HTTPException: http_error, Exception: unexpected_error},
    )
    app.state.settings = settings
    app.state.signer = Signer(settings.secret_key)
    app.state.limits = Limits(settings)
    # `async hook(user_id)` after a profile is created or edited (the matchmaking index listens).
    app.state.profile_hooks = []
    # Background services (realtime hub, timers) register here as `async context manager factories`.
    app.state.services = list(service_factories())
    app.add_middleware(LocaleMiddleware)
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)
    app.add_middleware(SecurityHeaders, settings=settings)
    # Outermost: keeps the server's raw websocket `send` for the hub's direct frame writes.
    app.add_middleware(KeepRawSend)
    return app


def served_app() -> Starlette:
    """What `conference serve` runs (uvicorn's factory)."""
    return create_app(freeze_gc=True)


def service_factories() -> list:
    from conference.web.services import SERVICES

    return SERVICES


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def error_response(
    request: Request, status: int, code: str, message: str, body: dict | None = None
) -> Response:
    if wants_json(request):
        return JSONResponse(
            body or {"error": {"code": code, "message": message, "fields": {}}}, status_code=status
        )
    from conference.web.templating import render_error

    return render_error(request, status, message)


async def app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    response = error_response(request, exc.status, exc.code, exc.message, exc.to_json())
    if isinstance(exc, RateLimited):
        response.headers["Retry-After"] = str(max(1, round(exc.retry_after)))
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed"}
    message = "no such page" if exc.status_code == 404 else str(exc.detail)
    return error_response(request, exc.status_code, codes.get(exc.status_code, "http_error"), message)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    logger.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, "internal", "something went wrong on our side; please try again")


class SecurityHeaders:
    """Adds the security headers every response carries (no inline script, no framing of our pages)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        video = settings.video_base_url
        self.headers = [
            (
                b"content-security-policy",
                (
                    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    "connect-src 'self' ws: wss:; media-src 'self' https: blob:; "
                    f"frame-src 'self' {video} https:; frame-ancestors 'none'; base-uri 'self'; "
                    "form-action 'self'; object-src 'none'"
                ).encode(),
            ),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(self), microphone=(self), geolocation=()"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = {k.lower() for k, _ in message.get("headers", [])}
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [
                    (k, v) for k, v in self.headers if k not in existing
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
