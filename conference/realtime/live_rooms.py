"""Per-process state of the live room features: reaction counts and their pusher, and the throttle
that coalesces poll and question updates. Started by the app's lifespan after the hub."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from conference import moderation
from conference.db.base import Database
from conference.ratelimit import TokenBucket
from conference.reactions import ReactionCounter

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from conference.realtime.hub import Hub

logger = logging.getLogger(__name__)

# Reactions reach the room at most this often (SPEC: "at most a few times a second").
REACTIONS_PUSH_SECS = 0.25
# A poll or question that changes all the time (a room voting at once) is sent at most this often;
# each send reads the newest state, so the last one is always right.
UPDATE_EVERY_SECS = 0.25
# Reactions per person: a short burst, then a few per second.
REACT_BURST = 10
REACT_PER_SEC = 4.0

# How long a process trusts what it read of a channel's mutes and slow mode. Changes made on this
# process apply at once (the entry is dropped); made on another process, within this time.
RULES_TTL_SECS = 1.0

Flush = Callable[[], Awaitable[None]]


class Throttle:
    """Runs a key's update at once when it last ran long enough ago; otherwise once at the end of
    the interval (changes in between coalesce, since the trailing run reads the newest state)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.last: dict[Hashable, float] = {}
        self.scheduled: dict[Hashable, asyncio.TimerHandle] = {}
        self.tasks: set[asyncio.Task] = set()
        self.closed = False

    def touch(self, key: Hashable, now: Flush, later: Flush) -> None:
        """`now` sends what the caller already holds; `later` reads the state again and sends it."""
        if self.closed or key in self.scheduled:
            return
        loop = asyncio.get_running_loop()
        wait = self.last.get(key, -math.inf) + self.interval - loop.time()
        if wait <= 0:
            self._run(key, now)
        else:
            self.scheduled[key] = loop.call_later(wait, self._run, key, later)

    def _run(self, key: Hashable, flush: Flush) -> None:
        self.scheduled.pop(key, None)
        if self.closed:
            return
        loop = asyncio.get_running_loop()
        self.last[key] = loop.time()
        if len(self.last) > 10_000:
            horizon = loop.time() - self.interval
            self.last = {k: t for k, t in self.last.items() if t > horizon}
        task = loop.create_task(self._guarded(flush))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    @staticmethod
    async def _guarded(flush: Flush) -> None:
        try:
            await flush()
        except Exception:
            logger.exception("a live room update failed to go out")

    async def close(self) -> None:
        self.closed = True
        for handle in self.scheduled.values():
            handle.cancel()
        self.scheduled.clear()
        for task in list(self.tasks):
            task.cancel()
        for task in list(self.tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


class RulesCache:
    """Each channel's moderation rules, read at most once per RULES_TTL_SECS per process: checking
    them on every chat send with a database read cost about a third of the send rate."""

    def __init__(self, db: Database, ttl: float = RULES_TTL_SECS) -> None:
        self.db = db
        self.ttl = ttl
        self._entries: dict[str, tuple[float, moderation.ChannelRules]] = {}
        self._reading: dict[str, asyncio.Future[moderation.ChannelRules]] = {}
        self._generation = 0  # bumped by every local change of any channel's rules

    async def get(self, channel: str) -> moderation.ChannelRules:
        loop = asyncio.get_running_loop()
        found = self._entries.get(channel)
        if found is not None and found[0] > loop.time():
            return found[1]
        reading = self._reading.get(channel)
        if reading is not None:
            return await asyncio.shield(reading)  # one read serves every send waiting for it
        future: asyncio.Future[moderation.ChannelRules] = loop.create_future()
        self._reading[channel] = future
        generation = self._generation
        try:
            async with self.db.reader() as db:
                rules = await moderation.channel_rules(db, channel)
        except BaseException as exc:
            if isinstance(exc, asyncio.CancelledError):
                future.cancel()
            else:
                future.set_exception(exc)
                future.exception()  # marked retrieved: the waiters re-raise it
            raise
        finally:
            if self._reading.get(channel) is future:
                del self._reading[channel]
        future.set_result(rules)
        # A change made here while the read ran may be missing from it: keep it for this send only.
        if generation == self._generation:
            if len(self._entries) > 10_000:
                now = loop.time()
                self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
            self._entries[channel] = (loop.time() + self.ttl, rules)
        return rules

    def forget(self, channel: str) -> None:
        """This process changed the channel's rules: read them again on the next send."""
        self._generation += 1
        self._entries.pop(channel, None)
        self._reading.pop(channel, None)


class LiveRooms:
    """What the live room commands keep in this process (one per hub)."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.reactions = ReactionCounter()
        self.react_limits = TokenBucket(REACT_BURST, REACT_PER_SEC)
        self.updates = Throttle(UPDATE_EVERY_SECS)
        self.rules = RulesCache(hub.db)
        self._pusher: asyncio.Task | None = None

    def reactions_event(self, channel: str, counts: dict[str, int]) -> dict[str, Any]:
        # `source` names this process: with several processes each counts what it received, and a
        # client adds up the latest counts of every source (see docs/protocol.md).
        return {"type": "reactions", "channel": channel, "counts": counts, "source": self.hub.origin}

    async def push_reactions(self) -> None:
        for channel, counts in self.reactions.changed():
            await self.hub.publish(channel, self.reactions_event(channel, counts))

    async def _push_forever(self) -> None:
        while True:
            await asyncio.sleep(REACTIONS_PUSH_SECS)
            try:
                await self.push_reactions()
            except Exception:
                logger.exception("pushing reaction counts failed")

    async def __aenter__(self) -> LiveRooms:
        self._pusher = asyncio.create_task(self._push_forever(), name="reactions")
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._pusher is not None:
            self._pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pusher
        await self.updates.close()


_by_hub: weakref.WeakKeyDictionary[Hub, LiveRooms] = weakref.WeakKeyDictionary()


def live_rooms(hub: Hub) -> LiveRooms:
    """The live room state of this hub's process (started by `live_rooms_service`)."""
    found = _by_hub.get(hub)
    if found is None:
        raise RuntimeError("the live rooms service is not running (conference/web/services.py)")
    return found


@asynccontextmanager
async def live_rooms_service(app: Starlette) -> AsyncIterator[None]:
    """Runs the live room state next to `app.state.hub` for the app's lifetime, and registers who
    may enter a direct-message channel (at start, not on import, so the rule is always in place)."""
    from conference.realtime import channels
    from conference.realtime.commands_live import join_extra
    from conference.realtime.commands_moderation import dm_allowed

    channels.register_membership("dm", dm_allowed)
    hub = app.state.hub
    extra = join_extra(hub)
    async with LiveRooms(hub) as state:
        _by_hub[hub] = state
        hub.join_extras.append(extra)
        try:
            yield
        finally:
            hub.join_extras.remove(extra)
            _by_hub.pop(hub, None)
