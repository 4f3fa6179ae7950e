"""The websocket command registry, the context a command runs in, and the core commands.

Areas add commands in their own module named `conference/realtime/commands_<area>.py` (found and
imported by `load_commands`), or any module listed in `EXTRA_MODULES`:

    @dataclass(frozen=True, slots=True, kw_only=True)
    class Ask(Frame):
        channel: Channel
        body: str

    @command("question.ask", cost=1)
    async def ask(ctx: Context, frame: Ask) -> dict | None:
        await ctx.require_member(frame.channel)
        ...
        await ctx.publish(frame.channel.name, {"type": "question", ...})

A handler returns the reply (sent with the frame's `ref`) or None; it raises an AppError for an
`error` frame. `guard("chat.send")` adds a check that runs before a command (mute, slow mode), and
`after("join")` a step that runs once a command succeeded (the live room's state after a join).
"""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
import typing
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from conference.accounts import role_at_least
from conference.db.base import Database
from conference.db.models import User
from conference.errors import AppError, Forbidden, Invalid, RateLimited
from conference.realtime import channels
from conference.realtime.channels import Channel
from conference.realtime.connection import Connection
from conference.realtime.protocol import Frame, decode, error_event, frame_ref

if TYPE_CHECKING:
    from conference.realtime.hub import Hub

logger = logging.getLogger(__name__)

Handler = Callable[["Context", Any], Awaitable[dict[str, Any] | None]]
Guard = Callable[["Context", Any], Awaitable[None]]
# Modules outside conference/realtime/ that define commands (imported by load_commands).
EXTRA_MODULES: list[str] = []


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    handler: Handler
    frame: type[Frame]
    cost: float  # tokens taken from the user's send bucket (0: not limited beyond the frame rate)


_registry: dict[str, Command] = {}
_guards: dict[str, list[Guard]] = {}
_afters: dict[str, list[Guard]] = {}
_loaded = False


def command(name: str, *, cost: float = 0.0) -> Callable[[Handler], Handler]:
    """Registers `async handler(ctx, frame: SomeFrame)` for frames of type `name`."""

    def register(handler: Handler) -> Handler:
        params = list(inspect.signature(handler).parameters)
        frame_type = typing.get_type_hints(handler)[params[1]]
        if not (isinstance(frame_type, type) and issubclass(frame_type, Frame)):
            raise TypeError(f"{handler.__qualname__}: the second parameter must be annotated with a Frame")
        existing = _registry.get(name)
        if existing is not None and existing.handler.__qualname__ != handler.__qualname__:
            raise ValueError(f"command {name!r} is already registered by {existing.handler.__qualname__}")
        _registry[name] = Command(name, handler, frame_type, cost)
        return handler

    return register


def guard(name: str) -> Callable[[Guard], Guard]:
    """Adds `async check(ctx, frame)` run before command `name` (raise Muted, RateLimited, ...)."""

    def register(check: Guard) -> Guard:
        checks = _guards.setdefault(name, [])
        if all(c.__qualname__ != check.__qualname__ for c in checks):
            checks.append(check)
        return check

    return register


def after(name: str) -> Callable[[Guard], Guard]:
    """Adds `async step(ctx, frame)` run after command `name` succeeded (its reply already sent)."""

    def register(step: Guard) -> Guard:
        steps = _afters.setdefault(name, [])
        if all(s.__qualname__ != step.__qualname__ for s in steps):
            steps.append(step)
        return step

    return register


def load_commands() -> dict[str, Command]:
    """Imports every `conference.realtime.commands_*` module (and EXTRA_MODULES) once."""
    global _loaded
    if not _loaded:
        import conference.realtime as package

        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("commands_"):
                importlib.import_module(f"conference.realtime.{info.name}")
        for module in EXTRA_MODULES:
            importlib.import_module(module)
        _loaded = True
    return _registry


@dataclass(slots=True)
class Context:
    """What a command handler may use: the hub, the connection and its user, the frame's `ref`."""

    hub: Hub
    conn: Connection
    ref: Any

    @property
    def db(self) -> Database:
        return self.hub.db

    @property
    def user(self) -> User:
        return self.conn.user

    def is_at_least(self, role: str) -> bool:
        return role_at_least(self.conn.user.role, role)

    def require_role(self, role: str) -> None:
        if not self.is_at_least(role):
            raise Forbidden(f"this needs the {role} role")

    async def require_member(self, channel: Channel) -> None:
        """Joined, or allowed to join now (Forbidden otherwise)."""
        if channel.name in self.conn.channels:
            return
        if not await channels.check_membership(self.db, self.conn.user, channel):
            raise Forbidden(f"you are not a member of {channel.name}")

    def reply(self, event: dict[str, Any]) -> None:
        """Sends an event to this connection only, carrying the frame's `ref`."""
        self.conn.send({**event, "ref": self.ref} if self.ref is not None else event)

    async def publish(
        self, channel: str, event: dict[str, Any], *, min_role: str | None = None, users: Iterable[int] = ()
    ) -> None:
        """Sends to every member of `channel` (or only those `min_role`/`users` name, as
        `Hub.publish`); this connection's copy carries the `ref`."""
        await self.hub.publish_reply(self.conn, self.ref, channel, event, min_role=min_role, users=users)


async def dispatch(hub: Hub, conn: Connection, text: str) -> None:
    """Handles one text frame: every expected failure becomes an `error` frame on the connection."""
    ref = None
    try:
        data = decode(text)
        ref = frame_ref(data)
        wait = conn.spend_frame()
        if wait:
            if conn.strikes >= hub.config.flood_strikes:
                conn.close(1008, "too many frames; slow down and reconnect")
                return
            raise RateLimited("too many frames; slow down", wait)
        kind = data.get("type")
        if not isinstance(kind, str):
            raise Invalid("a frame needs a string `type`", {"type": "is required"})
        found = _registry.get(kind)
        if found is None:
            raise Invalid(f"unknown frame type {kind[:40]!r}", {"type": "is not a known command"})
        frame = found.frame.parse(data)
        ctx = Context(hub, conn, ref)
        for check in _guards.get(kind, ()):
            await check(ctx, frame)
        if found.cost:
            wait = hub.send_limits.take(conn.user_id, found.cost)
            if wait:
                raise RateLimited(f"you are sending too fast; wait {wait:.1f}s", wait)
        reply = await found.handler(ctx, frame)
        if reply is not None:
            ctx.reply(reply)
        for step in _afters.get(kind, ()):
            await step(ctx, frame)
    except AppError as exc:
        conn.send(error_event(exc, ref))


# --- the core commands -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Join(Frame):
    channel: Channel
    since: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Leave(Frame):
    channel: Channel


@dataclass(frozen=True, slots=True, kw_only=True)
class Ping(Frame):
    pass


@command("join")
async def join(ctx: Context, frame: Join) -> None:
    if frame.since is not None and frame.since < 0:
        raise Invalid("since must be 0 or more", {"since": "must be 0 or more"})
    await ctx.hub.join(ctx.conn, frame.channel, frame.since, ctx.ref)


@command("leave")
async def leave(ctx: Context, frame: Leave) -> dict[str, Any]:
    await ctx.hub.leave(ctx.conn, frame.channel.name)
    return {"type": "left", "channel": frame.channel.name}


@command("ping")
async def ping(ctx: Context, frame: Ping) -> dict[str, Any]:
    return {"type": "pong"}
