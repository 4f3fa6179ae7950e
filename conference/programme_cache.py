"""The encoded programme per time zone, kept until the programme changes.

Every change goes through `programme.touch(db)`, which bumps `conference.revision` and, once the
transaction commits, empties this process's cache. Other processes notice the new revision when they
re-read it, at most `RECHECK_SECS` later.
"""

from __future__ import annotations

import json
import time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from conference.db.base import Database
from conference.db.models import Conference

RECHECK_SECS = 0.5
MAX_ZONES = 64


class ProgrammeCache:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._views: dict[str, bytes] = {}
        self._revision: int | None = None
        self._checked_at = 0.0
        self._generation = 0
        database.on_commit_of("programme", self.invalidate)

    def invalidate(self) -> None:
        self._generation += 1
        self._views.clear()
        self._checked_at = 0.0

    async def _check_revision(self) -> None:
        now = time.monotonic()
        if now - self._checked_at < RECHECK_SECS:
            return
        async with self.database.reader() as db:
            revision = await db.scalar(select(Conference.revision).limit(1))
        if revision != self._revision:
            self.invalidate()
            self._revision = revision
        self._checked_at = now

    async def programme_json(self, tz: ZoneInfo | None) -> bytes:
        from conference.programme import programme_view

        await self._check_revision()
        key = str(tz)
        cached = self._views.get(key)
        if cached is not None:
            return cached
        generation = self._generation
        async with self.database.reader() as db:
            body = json.dumps(await programme_view(db, tz), ensure_ascii=False).encode()
        # A change that committed while we were reading must not be hidden behind a stale entry.
        if generation == self._generation:
            if len(self._views) >= MAX_ZONES:
                self._views.clear()
            self._views[key] = body
        return body

    async def programme_view(self, tz: ZoneInfo | None) -> dict:
        """A fresh copy of the view (callers may change it) decoded from the cached encoding."""
        return json.loads(await self.programme_json(tz))
