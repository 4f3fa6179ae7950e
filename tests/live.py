"""A real uvicorn serving the app on a free loopback port, and websocket clients that speak /ws.

Fixtures in tests/conftest.py: `live_server` (SQLite, default settings) and `start_live_server`
(an async context manager factory for other settings or a RealtimeConfig). In a test:

    async def test_something(live_server):
        ada = await live_server.account(name="Ada")
        async with live_server.ws(ada) as ws:
            await ws.send({"type": "join", "channel": "session:1"})
            joined = await ws.expect("joined")
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect

from conference.app import create_app
from conference.auth import COOKIE_NAME
from conference.realtime.config import RealtimeConfig
from conference.settings import Settings
from tests.support import Account, make_account

TIMEOUT_SECS = 5.0


class WsClient:
    """A websocket client that reads events one at a time (batches are JSON arrays, flattened)."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.buffer: deque[dict[str, Any]] = deque()
        self.frames: list[str] = []  # every raw text frame, to tell batches from single events

    async def send(self, frame: dict[str, Any] | str) -> None:
        await self.connection.send(frame if isinstance(frame, str) else json.dumps(frame))

    async def next(self, wait: float = TIMEOUT_SECS) -> dict[str, Any]:
        while not self.buffer:
            raw = await asyncio.wait_for(self.connection.recv(), wait)
            assert isinstance(raw, str), f"binary frame from the server: {raw!r}"
            self.frames.append(raw)
            data = json.loads(raw)
            if isinstance(data, list):
                assert data, "an empty batch"
                self.buffer.extend(data)
            else:
                self.buffer.append(data)
        return self.buffer.popleft()

    async def expect(
        self, kind: str | Callable[[dict[str, Any]], bool], wait: float = TIMEOUT_SECS
    ) -> dict[str, Any]:
        """The next event of that type (or matching the predicate), skipping others (presence...)."""
        match = (lambda e: e.get("type") == kind) if isinstance(kind, str) else kind
        async with asyncio.timeout(wait):
            while True:
                event = await self.next(wait)
                if match(event):
                    return event

    async def request(self, frame: dict[str, Any], kind: str, wait: float = TIMEOUT_SECS) -> dict[str, Any]:
        await self.send(frame)
        return await self.expect(kind, wait)

    async def join(self, channel: str, since: int | None = None) -> dict[str, Any]:
        frame: dict[str, Any] = {"type": "join", "channel": channel}
        if since is not None:
            frame["since"] = since
        event = await self.request(frame, "joined")
        assert event["channel"] == channel
        return event

    async def chat(self, channel: str, body: str, client_id: str) -> dict[str, Any]:
        """Sends a chat message and returns its ack."""
        return await self.request(
            {"type": "chat.send", "channel": channel, "body": body, "client_id": client_id}, "ack"
        )

    async def closed(self, wait: float = TIMEOUT_SECS) -> tuple[int | None, str | None]:
        """Reads until the server closes; returns (code, reason)."""
        async with asyncio.timeout(wait):
            await self.connection.wait_closed()
        received = self.connection.protocol.close_rcvd
        return (received.code, received.reason) if received is not None else (None, None)


class LiveServer:
    def __init__(self, app: Starlette, port: int) -> None:
        self.app = app
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}/ws"
        self.http = httpx.AsyncClient(base_url=self.url, timeout=TIMEOUT_SECS)

    @property
    def hub(self) -> Any:
        return self.app.state.hub

    async def account(self, role: str = "attendee", name: str | None = None, **profile: Any) -> Account:
        return await make_account(self.http, self.app, role=role, name=name, **profile)

    @asynccontextmanager
    async def ws(
        self,
        account: Account | None = None,
        *,
        cookie: bool = False,
        origin: str | None = None,
        headers: dict[str, str] | None = None,
        **options: Any,
    ) -> AsyncIterator[WsClient]:
        """A websocket as `account` (bearer by default, or the session cookie with `origin`)."""
        extra = dict(headers or {})
        if account is not None and not cookie:
            extra["Authorization"] = f"Bearer {account.token}"
        if account is not None and cookie:
            login = account.token  # the cookie names the same login as the bearer token
            login_id = self.app.state.signer.login_from_bearer(login)
            extra["Cookie"] = f"{COOKIE_NAME}={self.app.state.signer.cookie_value(login_id)}"
        async with connect_ws(self.ws_url, headers=extra, origin=origin, **options) as client:
            yield client


@asynccontextmanager
async def connect_ws(
    url: str, token: str | None = None, headers: dict[str, str] | None = None, **options: Any
) -> AsyncIterator[WsClient]:
    """A WsClient on any /ws address (with a bearer token, or the given headers)."""
    extra = dict(headers or {})
    if token is not None:
        extra["Authorization"] = f"Bearer {token}"
    options.setdefault("compression", None)
    options.setdefault("proxy", None)
    options.setdefault("open_timeout", TIMEOUT_SECS)
    options.setdefault("max_size", 2**22)
    async with connect(url, additional_headers=extra, **options) as connection:
        yield WsClient(connection)


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@asynccontextmanager
async def live_server(settings: Settings, config: RealtimeConfig | None = None) -> AsyncIterator[LiveServer]:
    """The app on uvicorn (same options as `conference serve`) in this event loop, on a free port."""
    app = create_app(settings)
    if config is not None:
        app.state.realtime_config = config
    sock = free_socket()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            ws_max_size=64 * 1024,
            ws_per_message_deflate=False,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(15):
            while not server.started:
                if task.done():
                    task.result()
                    raise RuntimeError("uvicorn stopped before it started")
                await asyncio.sleep(0.01)
        live = LiveServer(app, sock.getsockname()[1])
        try:
            yield live
        finally:
            await live.http.aclose()
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)
        sock.close()


async def eventually(check: Callable[[], Any], wait: float = TIMEOUT_SECS) -> None:
    """Waits until `await check()` is true (state outside this process: nothing to await on)."""
    async with asyncio.timeout(wait):
        while not await check():  # noqa: ASYNC110  (polling Redis or another process)
            await asyncio.sleep(0.01)


def small_receive_socket(port: int) -> socket.socket:
    """A connected client socket with a 4 KiB receive buffer: what it does not read backs up fast."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    return sock
