"""A background task that acts on deadlines kept in the database (rooms to close, rounds to end,
seatings to run): it looks, sleeps until the next deadline (at most `POLL_SECS`, so that changes made
by other processes are seen too), and can be woken early."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from starlette.applications import Starlette

logger = logging.getLogger(__name__)

POLL_SECS = 10.0


class DeadlineTimer:
    """Subclasses say what one look does (`look`, returning seconds until the next deadline)."""

    name = "deadline"

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self._wake = asyncio.Event()
        self._stopping = False
        self._looking = False
        self._looks = 0
        self._looked = asyncio.Condition()

    async def look(self) -> float:
        raise NotImplementedError

    def wake(self) -> None:
        """Look again now (a deadline was set or moved)."""
        self._wake.set()

    def stop(self) -> None:
        """Ends `run` once the current look is over (cancelling it mid-query would leave the database
        driver answering a closed event loop)."""
        self._stopping = True
        self._wake.set()

    async def look_now(self) -> None:
        """Wakes the timer and returns once it has looked at the database after this call."""
        async with self._looked:
            # A look already under way may have read the database before the caller's change.
            target = self._looks + (2 if self._looking else 1)
            self.wake()
            await self._looked.wait_for(lambda: self._looks >= target or self._stopping)

    async def run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            self._looking = True
            try:
                timeout = await self.look()
            except Exception:  # a database hiccup must not stop the timer for good
                logger.exception("%s timer failed; retrying in %s s", self.name, POLL_SECS)
                timeout = POLL_SECS
            async with self._looked:
                self._looking = False
                self._looks += 1
                self._looked.notify_all()
            if self._stopping:
                return
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
