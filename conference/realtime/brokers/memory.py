"""The in-process broker: one server process, or several hubs sharing one `Bus` in tests."""

from __future__ import annotations

from collections import defaultdict

from conference.realtime.brokers.base import Broker


class Bus:
    """What several in-process brokers share: subscribers and presence."""

    def __init__(self) -> None:
        self.subscribers: dict[str, set[MemoryBroker]] = defaultdict(set)
        self.presence: dict[str, dict[str, set[int]]] = defaultdict(dict)


class MemoryBroker(Broker):
    lossy = False

    def __init__(self, bus: Bus | None = None) -> None:
        self.bus = bus or Bus()
        self.topics: set[str] = set()

    async def close(self) -> None:
        for topic in self.topics:
            self.bus.subscribers[topic].discard(self)
        self.topics.clear()
        for by_origin in self.bus.presence.values():
            by_origin.pop(getattr(self, "origin", ""), None)

    async def publish(self, topic: str, data: str) -> None:
        for broker in list(self.bus.subscribers.get(topic, ())):
            if broker is not self:  # a hub has already delivered its own events locally
                broker._on_message(topic, data)

    async def subscribe(self, topic: str) -> None:
        self.topics.add(topic)
        self.bus.subscribers[topic].add(self)

    async def unsubscribe(self, topic: str) -> None:
        self.topics.discard(topic)
        self.bus.subscribers[topic].discard(self)

    async def ping(self) -> None:
        return None

    async def set_presence(self, channel: str, user_ids: set[int]) -> None:
        if user_ids:
            self.bus.presence[channel][self.origin] = set(user_ids)
        else:
            self.bus.presence[channel].pop(self.origin, None)

    async def presence(self, channels: list[str]) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for channel in channels:
            people: set[int] = set()
            for origin, users in self.bus.presence.get(channel, {}).items():
                if origin != self.origin:
                    people |= users
            out[channel] = people
        return out
