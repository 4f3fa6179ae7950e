"""In-process token buckets: per account sends, per address sign-in failures and registrations."""

from __future__ import annotations

import time
from collections.abc import Hashable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucket:
    """`capacity` tokens refilled at `rate` per second, per key. Keys idle long enough are dropped."""

    def __init__(self, capacity: float, rate: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self._buckets: dict[Hashable, _Bucket] = {}
        self._last_sweep = time.monotonic()

    def _bucket(self, key: Hashable, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self.capacity, now)
        else:
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        return bucket

    def take(self, key: Hashable, cost: float = 1.0) -> float:
        """Spend `cost` tokens; returns 0 when allowed, else the seconds to wait."""
        now = time.monotonic()
        self._sweep(now)
        bucket = self._bucket(key, now)
        if bucket.tokens >= cost:
            bucket.tokens -= cost
            return 0.0
        return (cost - bucket.tokens) / self.rate

    def peek(self, key: Hashable, cost: float = 1.0) -> float:
        """The seconds to wait before `cost` tokens are there, without spending any."""
        now = time.monotonic()
        bucket = self._bucket(key, now)
        return 0.0 if bucket.tokens >= cost else (cost - bucket.tokens) / self.rate

    def reset(self, key: Hashable) -> None:
        self._buckets.pop(key, None)

    def _sweep(self, now: float) -> None:
        if now - self._last_sweep < 60:
            return
        self._last_sweep = now
        full_after = self.capacity / self.rate
        for key in [k for k, b in self._buckets.items() if now - b.updated > full_after]:
            del self._buckets[key]
