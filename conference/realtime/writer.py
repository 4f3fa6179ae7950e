"""Group commit: one writer task stores the pending chat sends of every channel in one transaction."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from conference import chat
from conference.db.base import Database
from conference.realtime.config import RealtimeConfig
from conference.realtime.connection import Connection

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class PendingSend:
    conn: Connection
    draft: chat.Draft
    ref: Any
    future: asyncio.Future = field(default_factory=lambda: asyncio.get_running_loop().create_future())


Committed = Callable[[list[PendingSend], list[chat.Stored]], Awaitable[None]]


class ChatWriter:
    """Batches sends: while one transaction commits, the next batch gathers.

    One transaction per batch instead of one per message is what lets a busy room store every
    message before it is delivered and still stay cheap; each channel's counter row is locked once
    per batch, so ids stay in commit order across processes too.
    """

    def __init__(self, db: Database, config: RealtimeConfig, committed: Committed) -> None:
        self.db = db
        self.config = config
        self.committed = committed
        self.queue: list[PendingSend] = []
        self.wake = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.closing = False
        self.busy = False
        self.drained = asyncio.Event()
        self.drained.set()

    def start(self) -> None:
        self.task = asyncio.create_task(self.run(), name="chat-writer")

    async def submit(self, conn: Connection, draft: chat.Draft, ref: Any) -> chat.Stored:
        if self.closing:
            raise RuntimeError("the server is shutting down")
        pending = PendingSend(conn, draft, ref)
        self.queue.append(pending)
        self.drained.clear()
        self.wake.set()
        return await pending.future

    async def run(self) -> None:
        while True:
            await self.wake.wait()
            if self.config.group_commit_secs and not self.closing:
                await asyncio.sleep(self.config.group_commit_secs)
            self.wake.clear()
            batch, self.queue = self.queue[: self.config.max_batch], self.queue[self.config.max_batch :]
            if self.queue:
                self.wake.set()
            if batch:
                self.busy = True
                try:
                    await self.commit(batch)
                finally:
                    self.busy = False
            if not self.queue:
                self.drained.set()

    async def commit(self, batch: list[PendingSend]) -> None:
        names = {p.draft.user_id: p.conn.user.name for p in batch}
        try:
            async with self.db.session() as db:
                results = await chat.store(db, [p.draft for p in batch], names)
        except Exception as exc:
            logger.exception("storing %d chat message(s) failed", len(batch))
            for pending in batch:
                if not pending.future.done():
                    pending.future.set_exception(exc)
            return
        try:
            await self.committed(batch, results)
        finally:
            for pending, stored in zip(batch, results, strict=True):
                if not pending.future.done():
                    pending.future.set_result(stored)

    async def stop(self) -> None:
        """Stores what is already queued, then stops."""
        self.closing = True
        if self.task is None:
            return
        if self.queue or self.busy:
            self.wake.set()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.config.close_timeout_secs):
                    await self.drained.wait()
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
