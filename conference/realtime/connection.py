"""One websocket's outgoing side: events encoded once, then written straight to the transport on
uvicorn's websockets-sansio protocol, or through a bounded queue over plain ASGI anywhere else."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import socket
import struct
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from conference.db.models import User
from conference.realtime.config import RealtimeConfig
from conference.realtime.protocol import encode

logger = logging.getLogger(__name__)

PING_FRAME = b"\x89\x00"  # an empty websocket ping; servers never mask their frames
_ids = itertools.count(1)


def text_frame(payload: bytes) -> bytes:
    """A complete unmasked websocket text frame (FIN set, no extensions: deflate is off)."""
    n = len(payload)
    if n < 126:
        return bytes((0x81, n)) + payload
    if n < 65536:
        return struct.pack("!BBH", 0x81, 126, n) + payload
    return struct.pack("!BBQ", 0x81, 127, n) + payload


class Outgoing:
    """An event (or a batch of them) encoded to JSON once, with its websocket frame."""

    __slots__ = ("frame", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.frame = text_frame(text.encode())

    @classmethod
    def event(cls, event: dict[str, Any]) -> Outgoing:
        return cls(encode(event))

    @classmethod
    def batch(cls, items: list[Outgoing]) -> Outgoing:
        if len(items) == 1:
            return items[0]
        # A batch inside a batch is spliced in: the wire never nests arrays.
        return cls("[" + ",".join(i.text[1:-1] if i.text[0] == "[" else i.text for i in items) + "]")


def direct_protocol(send: Callable[..., Any]) -> Any | None:
    """uvicorn's protocol object behind an ASGI `send`, when it is one whose transport we know how to
    write whole frames to; None otherwise (the caller then uses plain ASGI)."""
    protocol = getattr(send, "__self__", None)
    try:
        from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    except ImportError:  # pragma: no cover  (uvicorn without websockets)
        return None
    if type(protocol) is not WebSocketsSansIOProtocol:
        return None
    if not all(hasattr(protocol, name) for name in DIRECT_ATTRIBUTES):
        return None
    extensions = getattr(protocol.conn, "extensions", None)
    if extensions:  # per-message deflate would need compressed frames
        return None
    return protocol


# What the direct path reads on uvicorn's protocol (tests/realtime/test_connection.py checks them).
DIRECT_ATTRIBUTES = ("transport", "conn", "close_sent", "disconnected")


def cap_kernel_buffer(transport: Any, size: int) -> None:
    """Caps the kernel's send buffer of this socket (Linux grows it to 4 MiB per connection otherwise):
    a peer that stops reading then reaches our own capped backlog, and is closed, within seconds."""
    sock = transport.get_extra_info("socket")
    if sock is None or not size:
        return
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)
    except OSError as exc:  # not a TCP socket (tests on odd transports): nothing to cap
        logger.debug("SO_SNDBUF not set: %s", exc)


class Connection:
    """A signed-in websocket: who it is, its channels, and how frames reach it."""

    __slots__ = (
        "_drain",
        "_protocol",
        "_queue",
        "_send",
        "_transport",
        "_wake",
        "channels",
        "closed",
        "config",
        "id",
        "login_id",
        "strikes",
        "task",
        "tokens",
        "tokens_at",
        "user",
        "user_id",
    )

    def __init__(self, user: User, login_id: int, send: Callable[..., Any], config: RealtimeConfig) -> None:
        self.id = next(_ids)
        self.user = user
        self.user_id = user.id
        self.login_id = login_id
        self.config = config
        self.channels: set[str] = set()
        self.closed = False
        self.tokens = config.frame_burst
        self.tokens_at = time.monotonic()
        self.strikes = 0
        self.task = asyncio.current_task()
        self._send = send
        self._protocol = direct_protocol(send)
        self._transport = self._protocol.transport if self._protocol is not None else None
        if self._transport is not None:
            cap_kernel_buffer(self._transport, config.socket_send_buffer_bytes)
        self._queue: deque[str] | None = None
        self._wake: asyncio.Event | None = None
        self._drain: asyncio.Task | None = None
        if self._protocol is None:
            self._queue = deque()
            self._wake = asyncio.Event()
            self._drain = asyncio.create_task(self._drain_queue(), name=f"ws-drain-{self.id}")

    @property
    def direct(self) -> bool:
        return self._protocol is not None

    def write(self, out: Outgoing) -> None:
        """Queues one frame for this connection without waiting; a peer that does not read is closed."""
        if self.closed:
            return
        transport = self._transport
        if transport is not None:
            if self._protocol.close_sent or transport.is_closing():
                return
            # A backlog (beyond the kernel's buffer) above the cap when another frame comes: the peer
            # does not keep up. One big frame on its own (a join's replay) is always let through.
            if transport.get_write_buffer_size() > self.config.max_buffer_bytes:
                self.close(1013, "not reading fast enough; reconnect and resume with since")
                return
            transport.write(out.frame)
            return
        assert self._queue is not None and self._wake is not None
        self._queue.append(out.text)
        self._wake.set()
        if len(self._queue) > self.config.max_queued_events:
            self.close(1013, "not reading fast enough; reconnect and resume with since")

    def send(self, event: dict[str, Any]) -> None:
        self.write(Outgoing.event(event))

    def ping(self) -> None:
        if self._transport is not None and not self.closed and not self._transport.is_closing():
            self._transport.write(PING_FRAME)

    def spend_frame(self) -> float:
        """Takes one token from this connection's frame bucket: 0 when allowed, else seconds to wait."""
        now = time.monotonic()
        config = self.config
        self.tokens = min(config.frame_burst, self.tokens + (now - self.tokens_at) * config.frame_rate)
        self.tokens_at = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.strikes = 0
            return 0.0
        self.strikes += 1
        return (1 - self.tokens) / config.frame_rate

    def close(self, code: int, reason: str = "") -> None:
        """Stops all writes at once and closes the socket (aborted if the peer never reads it)."""
        if self.closed:
            return
        self.closed = True
        task = asyncio.get_running_loop().create_task(self._close(code, reason))
        _background.add(task)
        task.add_done_callback(_background.discard)

    async def _close(self, code: int, reason: str) -> None:
        if self._drain is not None:
            self._drain.cancel()
        try:
            await asyncio.wait_for(
                self._send({"type": "websocket.close", "code": code, "reason": reason}),
                self.config.close_timeout_secs,
            )
        except TimeoutError:
            if self._transport is not None:
                self._transport.abort()
            elif self.task is not None:
                self.task.cancel()
        except Exception as exc:  # noqa: BLE001  (the peer is gone already: nothing left to close)
            logger.debug("close of connection %s: %s", self.id, exc)

    async def _drain_queue(self) -> None:
        assert self._queue is not None and self._wake is not None
        queue, wake = self._queue, self._wake
        with contextlib.suppress(Exception):
            while not self.closed:
                await wake.wait()
                wake.clear()
                while queue and not self.closed:
                    # Everything queued goes out as one frame: a batch is a JSON array, in order.
                    items = list(queue)
                    queue.clear()
                    text = items[0] if len(items) == 1 else "[" + ",".join(items) + "]"
                    await self._send({"type": "websocket.send", "text": text})

    def stop(self) -> None:
        """Called once the socket is gone: no more writes, no drain task."""
        self.closed = True
        if self._drain is not None:
            self._drain.cancel()


# Close tasks outlive the call that started them; keep them referenced until done.
_background: set[asyncio.Task] = set()
