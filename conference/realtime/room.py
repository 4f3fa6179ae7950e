"""One channel's local state in a hub: members, people present, delivered ids and coalescing."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

from conference.realtime.config import RealtimeConfig
from conference.realtime.connection import Connection, Outgoing

# Who an event is for inside a channel: None (every member) or (minimum role, extra user ids).
Audience = tuple[str | None, frozenset[int]] | None


class Room:
    """Members of one channel on this process, and the stream of what they were sent.

    Chat messages carry ids that count up within the channel; `last_id` is the last one written to
    the members. A message that arrives early (ids out of order across processes, or a lost
    publish) waits in `pending` until the hub fills the gap from the database, so every member sees
    every id once, in order.
    """

    __slots__ = (
        "batch",
        "config",
        "count_dirty",
        "flush_handle",
        "gap_task",
        "joining",
        "last_id",
        "last_window_count",
        "local_dirty",
        "members",
        "name",
        "pending",
        "people",
        "presence_count",
        "suspect",
        "window_count",
        "window_start",
    )

    def __init__(self, name: str, config: RealtimeConfig) -> None:
        self.name = name
        self.config = config
        self.members: dict[Connection, None] = {}  # insertion-ordered set
        self.people: Counter[int] = Counter()  # user id -> connections (people, not tabs)
        self.joining = 0
        self.last_id: int | None = None  # unknown until the first join read the database
        self.pending: dict[int, Outgoing] = {}
        self.gap_task: asyncio.Task | None = None
        self.suspect: int | None = None  # a database counter seen ahead of last_id (reconcile)
        self.batch: list[Outgoing] | None = None
        self.flush_handle: asyncio.TimerHandle | None = None
        self.window_start = 0.0
        self.window_count = 0
        self.last_window_count = 0
        self.presence_count = -1
        self.local_dirty = False
        self.count_dirty = False

    @property
    def idle(self) -> bool:
        return not self.members and not self.joining

    def add(self, conn: Connection) -> None:
        if conn not in self.members:
            self.members[conn] = None
            self.people[conn.user_id] += 1
            self.local_dirty = self.count_dirty = True

    def remove(self, conn: Connection) -> bool:
        if conn not in self.members:
            return False
        del self.members[conn]
        self.people[conn.user_id] -= 1
        if self.people[conn.user_id] <= 0:
            del self.people[conn.user_id]
        self.local_dirty = self.count_dirty = True
        return True

    # --- writing -------------------------------------------------------------------------------

    def write_all(self, out: Outgoing) -> None:
        for conn in self.members:
            conn.write(out)

    def emit(self, out: Outgoing, loop: asyncio.AbstractEventLoop) -> None:
        """Writes an event for every member; above the rate threshold, gathers events into batches."""
        if self.batch is not None:
            self.batch.append(out)
            return
        now = loop.time()
        if now - self.window_start >= 1.0:
            # A room that was busy last second stays in batching mode this second (hysteresis).
            self.last_window_count = self.window_count if now - self.window_start < 2.0 else 0
            self.window_start = now
            self.window_count = 0
        self.window_count += 1
        threshold = self.config.coalesce_above_per_sec
        if self.window_count > threshold or self.last_window_count > threshold:
            self.batch = [out]
            self.flush_handle = loop.call_later(self.config.coalesce_secs, self.flush)
            return
        self.write_all(out)

    def flush(self) -> None:
        if self.flush_handle is not None:
            self.flush_handle.cancel()
            self.flush_handle = None
        batch, self.batch = self.batch, None
        if batch:
            self.write_all(Outgoing.batch(batch))

    def emit_to(
        self,
        out: Outgoing,
        audience: Audience,
        exclude: Connection | None,
        allowed: Callable[[Any, str], bool],
    ) -> None:
        """Writes an event for some members only (filtered or excluding the requester), in order."""
        self.flush()
        min_role, users = audience if audience is not None else (None, frozenset())
        for conn in self.members:
            if conn is exclude:
                continue
            if (
                audience is not None
                and conn.user_id not in users
                and (min_role is None or not allowed(conn.user, min_role))
            ):
                continue
            conn.write(out)

    # --- chat ordering -------------------------------------------------------------------------

    def chat(self, message_id: int, out: Outgoing, loop: asyncio.AbstractEventLoop) -> bool:
        """Emits a chat message in id order; False when it arrived early (the caller fills the gap)."""
        last = self.last_id
        if last is None:
            self.pending[message_id] = out
            return True
        if message_id <= last:
            return True  # already written (a duplicate publish, or read from the database)
        if message_id != last + 1:
            self.pending[message_id] = out
            return False
        self.last_id = message_id
        self.emit(out, loop)
        self.drain(loop)
        return True

    def drain(self, loop: asyncio.AbstractEventLoop) -> None:
        """Emits pending messages that now follow `last_id`, dropping those already behind it."""
        pending = self.pending
        if not pending or self.last_id is None:
            return
        for stale in [i for i in pending if i <= self.last_id]:
            del pending[stale]
        while self.last_id + 1 in pending:
            self.last_id += 1
            self.emit(pending.pop(self.last_id), loop)

    def skip_to(self, message_id: int, loop: asyncio.AbstractEventLoop) -> None:
        """Everything up to `message_id` has been written (or does not exist): move past it."""
        if self.last_id is None or message_id > self.last_id:
            self.last_id = message_id
        self.drain(loop)

    @property
    def gap(self) -> int | None:
        """The highest id below the earliest pending message that is missing, if any."""
        if not self.pending or self.last_id is None:
            return None
        first = min(self.pending)
        return first - 1 if first > self.last_id + 1 else None
