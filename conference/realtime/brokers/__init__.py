"""Brokers carry hub events between server processes; `broker_from_url` picks one by URL."""

from __future__ import annotations

from conference.realtime.brokers.base import Broker


def broker_from_url(url: str, prefix: str = "conference:") -> Broker:
    """`memory://` (one process, the default) or `redis://host:port/db` (several processes or hosts)."""
    if url.startswith("memory://"):
        from conference.realtime.brokers.memory import MemoryBroker

        return MemoryBroker()
    if url.startswith(("redis://", "rediss://")):
        from conference.realtime.brokers.redis import RedisBroker

        return RedisBroker(url, prefix)
    raise ValueError(f"unknown broker URL {url!r} (memory:// or redis://)")


__all__ = ["Broker", "broker_from_url"]
