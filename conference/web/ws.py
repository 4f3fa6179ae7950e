"""The websocket endpoint /ws: authenticate the handshake, register with the hub, run commands."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from conference.auth import current_viewer
from conference.realtime.brokers import broker_from_url
from conference.realtime.commands import dispatch, load_commands
from conference.realtime.config import RealtimeConfig
from conference.realtime.hub import Hub
from conference.realtime.protocol import MAX_FRAME_BYTES

logger = logging.getLogger(__name__)

RAW_SEND_KEY = "conference.raw_send"


class KeepRawSend:
    """Keeps the server's own websocket `send` in the scope, before other middleware wraps it, so the
    hub can write pre-encoded frames to uvicorn's transport (conference.realtime.connection)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            scope[RAW_SEND_KEY] = send
        await self.app(scope, receive, send)


def allowed_origin(websocket: WebSocket) -> bool:
    origin = websocket.headers.get("origin", "").rstrip("/")
    allowed = websocket.app.state.settings.allowed_origins
    if allowed:
        return origin in allowed
    # Default: the server's own origin, as the browser saw it (Host header; scheme after proxies).
    scheme = "https" if websocket.url.scheme == "wss" else "http"
    return bool(origin) and origin == f"{scheme}://{websocket.headers.get('host', '')}"


async def ws_endpoint(websocket: WebSocket) -> None:
    viewer = await current_viewer(websocket)
    if viewer is None or (viewer.via == "cookie" and not allowed_origin(websocket)):
        # Accept-then-close lets browsers see the code (a refused handshake is just "1006").
        await websocket.accept()
        reason = "sign in first" if viewer is None else "origin not allowed"
        await websocket.close(4401, reason)
        return
    await websocket.accept()
    hub: Hub = websocket.app.state.hub
    raw_send = websocket.scope.get(RAW_SEND_KEY, websocket.send)
    receive = websocket.receive
    async with hub.connect(viewer.user, viewer.login_id, raw_send) as conn:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            if conn.closed:
                continue  # closing (flood, slow reader, sign-out): read until the peer is gone
            text = message.get("text")
            if text is None:
                conn.send({"type": "error", "code": "invalid", "message": "frames are JSON text"})
                continue
            if len(text) > MAX_FRAME_BYTES and len(text.encode()) > MAX_FRAME_BYTES:
                # uvicorn enforces this already (ws_max_size); other servers may not.
                conn.close(1009, "frames are limited to 64 KiB")
                return
            try:
                await dispatch(hub, conn, text)
            except Exception:
                logger.exception("websocket command failed")
                conn.close(1011, "internal error")
                return


routes = [WebSocketRoute("/ws", ws_endpoint)]


@asynccontextmanager
async def hub_service(app: Starlette) -> AsyncIterator[None]:
    """Starts the hub (and its broker) for the app's lifetime: `app.state.hub`."""
    settings = app.state.settings
    config = getattr(app.state, "realtime_config", None) or RealtimeConfig()
    load_commands()
    broker = broker_from_url(settings.broker_url, settings.redis_prefix)
    async with Hub(app.state.db, broker, config) as hub:
        app.state.hub = hub
        try:
            yield
        finally:
            del app.state.hub
