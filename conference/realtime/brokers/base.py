"""The Broker interface: pub/sub between server processes, plus who is present where.

A broker is only the doorbell: the database holds every message, so a lost publish costs a
database read (the hub notices the gap), never a message.
"""

from __future__ import annotations

import abc
from collections.abc import Callable

# Called with (topic, data) for each message published by any process (this one included).
OnMessage = Callable[[str, str], None]
# Called after the broker (re)subscribed: publishes may have been missed meanwhile.
OnResubscribe = Callable[[], None]


class Broker(abc.ABC):
    # Whether publishes can be lost (a dropped Redis connection): the hub then checks the database.
    lossy = False

    async def start(self, on_message: OnMessage, on_resubscribe: OnResubscribe, origin: str) -> None:
        """Starts delivering; `origin` names this process (presence entries are kept per origin)."""
        self._on_message = on_message
        self._on_resubscribe = on_resubscribe
        self.origin = origin

    @abc.abstractmethod
    async def close(self) -> None: ...

    @abc.abstractmethod
    async def publish(self, topic: str, data: str) -> None: ...

    async def publish_many(self, messages: list[tuple[str, str]]) -> None:
        """Publishes (topic, data) pairs in order."""
        for topic, data in messages:
            await self.publish(topic, data)

    @abc.abstractmethod
    async def subscribe(self, topic: str) -> None: ...

    @abc.abstractmethod
    async def unsubscribe(self, topic: str) -> None: ...

    @abc.abstractmethod
    async def ping(self) -> None:
        """Raises when the broker does not answer (GET /healthz)."""

    @abc.abstractmethod
    async def set_presence(self, channel: str, user_ids: set[int]) -> None:
        """Replaces the set of people this process has connected to `channel`."""

    @abc.abstractmethod
    async def presence(self, channels: list[str]) -> dict[str, set[int]]:
        """The people connected to each channel on every other live process."""
