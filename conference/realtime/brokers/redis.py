"""The Redis broker (redis-py asyncio): pub/sub between processes and per-process presence sets.

Every key and pub/sub channel starts with the prefix (pub/sub ignores database numbers). Presence
of a channel is a hash `{prefix}presence:{channel}` with one field per process (`origin`) holding
its user ids; a process counts only while its `{prefix}proc:{origin}` key lives, so a killed
process drops out of the counts within PROCESS_TTL_SECS.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re

from redis.asyncio import Redis
from redis.exceptions import RedisError

from conference.realtime.brokers.base import Broker, OnMessage, OnResubscribe

logger = logging.getLogger(__name__)

PROCESS_TTL_SECS = 15
KEEPALIVE_SECS = 5
PRESENCE_TTL_SECS = 24 * 3600
RECONNECT_BACKOFF_SECS = (0.1, 0.5, 1.0, 2.0)


class RedisBroker(Broker):
    lossy = True

    def __init__(self, url: str, prefix: str = "conference:") -> None:
        self.url = url
        self.prefix = prefix
        # Named per process so an operator (or a test) can tell its connections apart in CLIENT LIST.
        name = re.sub(r"[^A-Za-z0-9:_.-]", "_", f"{prefix}{os.getpid()}")
        self.redis = Redis.from_url(url, client_name=name)
        self.topics: set[str] = set()
        self._pubsub = None
        self._reader: asyncio.Task | None = None
        self._keepalive: asyncio.Task | None = None
        self._confirmed: set[str] = set()
        self._presence_channels: set[str] = set()

    def _key(self, name: str) -> str:
        return self.prefix + name

    async def start(self, on_message: OnMessage, on_resubscribe: OnResubscribe, origin: str) -> None:
        await super().start(on_message, on_resubscribe, origin)
        await self._alive()
        self._pubsub = self.redis.pubsub()
        # A subscription is needed before listen() blocks; this process's own topic serves.
        await self._pubsub.subscribe(self._key("proc:" + origin))
        self._reader = asyncio.create_task(self._read(), name="redis-broker-reader")
        self._keepalive = asyncio.create_task(self._keep_alive(), name="redis-broker-keepalive")

    async def close(self) -> None:
        for task in (self._reader, self._keepalive):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        with contextlib.suppress(RedisError, OSError):
            pipe = self.redis.pipeline(transaction=False)
            for channel in self._presence_channels:
                pipe.hdel(self._key("presence:" + channel), self.origin)
            pipe.delete(self._key("proc:" + self.origin))
            await pipe.execute()
        if self._pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.aclose()
        await self.redis.aclose()

    async def publish(self, topic: str, data: str) -> None:
        await self.redis.publish(self._key(topic), data)

    async def publish_many(self, messages: list[tuple[str, str]]) -> None:
        if len(messages) == 1:
            await self.publish(*messages[0])
            return
        pipe = self.redis.pipeline(transaction=False)
        for topic, data in messages:
            pipe.publish(self._key(topic), data)
        await pipe.execute()

    async def subscribe(self, topic: str) -> None:
        self.topics.add(topic)
        if self._pubsub is not None:
            await self._pubsub.subscribe(self._key(topic))

    async def unsubscribe(self, topic: str) -> None:
        self.topics.discard(topic)
        self._confirmed.discard(topic)
        if self._pubsub is not None:
            await self._pubsub.unsubscribe(self._key(topic))

    async def ping(self) -> None:
        await self.redis.ping()

    async def set_presence(self, channel: str, user_ids: set[int]) -> None:
        key = self._key("presence:" + channel)
        if user_ids:
            self._presence_channels.add(channel)
            pipe = self.redis.pipeline(transaction=False)
            pipe.hset(key, self.origin, ",".join(map(str, sorted(user_ids))))
            pipe.expire(key, PRESENCE_TTL_SECS)
            await pipe.execute()
        else:
            self._presence_channels.discard(channel)
            await self.redis.hdel(key, self.origin)

    async def presence(self, channels: list[str]) -> dict[str, set[int]]:
        if not channels:
            return {}
        pipe = self.redis.pipeline(transaction=False)
        for channel in channels:
            pipe.hgetall(self._key("presence:" + channel))
        tables = await pipe.execute()
        origins = sorted({o.decode() for table in tables for o in table} - {self.origin})
        alive: set[str] = set()
        if origins:
            flags = await self.redis.mget([self._key("proc:" + o) for o in origins])
            alive |= {o for o, flag in zip(origins, flags, strict=True) if flag is not None}
        out: dict[str, set[int]] = {}
        for channel, table in zip(channels, tables, strict=True):
            people: set[int] = set()
            for origin, ids in table.items():
                if origin.decode() in alive and ids:
                    people.update(int(i) for i in ids.split(b","))
            out[channel] = people
        return out

    async def _alive(self) -> None:
        await self.redis.set(self._key("proc:" + self.origin), b"1", ex=PROCESS_TTL_SECS)

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(KEEPALIVE_SECS)
            try:
                await self._alive()
            except (RedisError, OSError) as exc:
                logger.warning("redis keepalive failed: %s", exc)

    async def _read(self) -> None:
        prefix_length = len(self.prefix)
        failures = 0
        while True:
            try:
                assert self._pubsub is not None
                async for message in self._pubsub.listen():
                    failures = 0
                    kind = message["type"]
                    topic = message["channel"].decode()[prefix_length:]
                    if kind == b"message" or kind == "message":
                        self._on_message(topic, message["data"].decode())
                    elif kind in (b"subscribe", "subscribe"):
                        # A second confirmation means redis-py reconnected and resubscribed:
                        # whatever was published in between is gone, so let the hub check.
                        if topic in self._confirmed:
                            self._on_resubscribe()
                        self._confirmed.add(topic)
                raise RedisError("the pub/sub listener stopped")
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001  (any failure: reconnect, never stop reading)
                delay = RECONNECT_BACKOFF_SECS[min(failures, len(RECONNECT_BACKOFF_SECS) - 1)]
                failures += 1
                logger.warning("redis subscription lost (%s); reconnecting in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                await self._resubscribe()

    async def _resubscribe(self) -> None:
        old, self._pubsub = self._pubsub, self.redis.pubsub()
        if old is not None:
            with contextlib.suppress(Exception):
                await old.aclose()
        self._confirmed.clear()
        try:
            await self._alive()
            await self._pubsub.subscribe(
                self._key("proc:" + self.origin), *(self._key(t) for t in self.topics)
            )
        except (RedisError, OSError) as exc:
            logger.warning("redis resubscribe failed: %s", exc)
            return
        self._on_resubscribe()
