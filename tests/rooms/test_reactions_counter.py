"""The reaction counter: a fixed emoji set, a 10-second window, and publishing only what changed."""

from __future__ import annotations

import pytest

from conference.errors import Invalid
from conference.reactions import EMOJI, ReactionCounter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def zeros(**changes: int) -> dict[str, int]:
    return {emoji: 0 for emoji in EMOJI} | changes


def test_reaction_counts_cover_last_ten_seconds():
    clock = Clock()
    counter = ReactionCounter(clock=clock)
    counter.add("session:1", "👏")
    clock.now += 5
    counter.add("session:1", "👏")
    counter.add("session:1", "🎉")

    clock.now += 5.5
    after_ten = counter.counts("session:1")
    clock.now += 5
    after_fifteen = counter.counts("session:1")

    assert (after_ten, after_fifteen) == (zeros(**{"👏": 1, "🎉": 1}), zeros())


def test_reaction_unknown_emoji_is_invalid():
    with pytest.raises(Invalid):
        ReactionCounter().add("session:1", "💩")


def test_reaction_changed_reports_new_counts_then_decay_once():
    clock = Clock()
    counter = ReactionCounter(clock=clock)
    counter.add("session:1", "❤️")

    first = counter.changed()
    unchanged = counter.changed()
    clock.now += 11
    decayed = counter.changed()
    forgotten = counter.changed()

    assert first == [("session:1", zeros(**{"❤️": 1}))]
    assert (unchanged, decayed, forgotten) == ([], [("session:1", zeros())], [])
