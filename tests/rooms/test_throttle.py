"""The throttle that coalesces poll and question pushes: at once when quiet, then once per interval."""

from __future__ import annotations

import asyncio

from conference.realtime.live_rooms import Throttle


async def test_throttle_runs_first_at_once_then_coalesces_into_one_trailing_run():
    throttle = Throttle(0.05)
    runs: list[str] = []
    trailing_done = asyncio.Event()

    async def now():
        runs.append("now")

    async def later():
        runs.append("later")
        trailing_done.set()

    for _ in range(20):
        throttle.touch("poll:1", now, later)
    await asyncio.wait_for(trailing_done.wait(), 2)
    await throttle.close()

    assert runs == ["now", "later"]


async def test_throttle_keys_are_independent():
    throttle = Throttle(10)
    runs: list[str] = []

    async def run(name):
        runs.append(name)

    throttle.touch("a", lambda: run("a"), lambda: run("a-later"))
    throttle.touch("b", lambda: run("b"), lambda: run("b-later"))
    await asyncio.wait_for(asyncio.gather(*throttle.tasks), 2)
    await throttle.close()

    assert sorted(runs) == ["a", "b"]
