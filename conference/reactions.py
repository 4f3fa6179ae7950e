"""Emoji reactions: counts per room over the last 10 seconds, kept in this process's memory."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from conference.errors import Invalid

# A small fixed set keeps the counts readable on screen and the frames small.
EMOJI = ("👏", "❤️", "👍", "😂", "😮", "🎉")
WINDOW_SECS = 10


class ReactionCounter:
    """Per-channel counts in one-second buckets over a sliding window.

    Each process counts the reactions it received; with several processes every one publishes its own
    counts (see docs/protocol.md), which is acceptable for a lively but approximate signal.
    """

    def __init__(self, window_secs: int = WINDOW_SECS, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_secs = window_secs
        self.clock = clock
        self._buckets: dict[str, dict[int, Counter[str]]] = {}
        self._published: dict[str, dict[str, int]] = {}

    def add(self, channel: str, emoji: object) -> None:
        if emoji not in EMOJI:
            raise Invalid(
                "emoji must be one of " + " ".join(EMOJI), {"emoji": "must be one of " + " ".join(EMOJI)}
            )
        second = int(self.clock())
        self._buckets.setdefault(channel, {}).setdefault(second, Counter())[str(emoji)] += 1

    def counts(self, channel: str) -> dict[str, int]:
        """Every emoji of the set with its count over the window (zeros included, in a fixed order)."""
        now = int(self.clock())
        buckets = self._buckets.get(channel, {})
        for second in [s for s in buckets if s <= now - self.window_secs]:
            del buckets[second]
        total: Counter[str] = Counter()
        for bucket in buckets.values():
            total.update(bucket)
        return {emoji: total[emoji] for emoji in EMOJI}

    def changed(self) -> list[tuple[str, dict[str, int]]]:
        """Channels whose counts differ from what was last returned here (new reactions or decay)."""
        result = []
        for channel in list(self._buckets):
            counts = self.counts(channel)
            if counts != self._published.get(channel):
                result.append((channel, counts))
                self._published[channel] = counts
            if not self._buckets[channel]:
                # Nothing left in the window: the zero counts were just published, forget the room.
                del self._buckets[channel]
                self._published.pop(channel, None)
        return result
