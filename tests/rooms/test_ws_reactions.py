"""Reactions over real websockets: counts pushed to the room, the fixed emoji set, a per-person limit."""

from __future__ import annotations

from conference.reactions import EMOJI
from tests.rooms.rooms_support import answer, join_room, make_session


def counts(**nonzero):
    return {emoji: nonzero.get(emoji, 0) for emoji in EMOJI}


async def test_react_answers_the_counts_and_pushes_them_to_the_room(live_server):
    session = await make_session(live_server.app)
    channel = f"session:{session}"
    ada, bob = await live_server.account(), await live_server.account()
    async with live_server.ws(ada) as a, live_server.ws(bob) as b:
        await join_room(a, channel)
        await join_room(b, channel)

        first = await answer(a, {"type": "react", "channel": channel, "emoji": "👏"}, "1")
        second = await answer(b, {"type": "react", "channel": channel, "emoji": "👏"}, "2")
        third = await answer(b, {"type": "react", "channel": channel, "emoji": "🎉"}, "3")
        pushed = await a.expect(lambda e: e.get("type") == "reactions" and e["counts"]["🎉"] == 1)

    source = live_server.hub.origin
    assert first == {
        "type": "reactions",
        "channel": channel,
        "counts": counts(**{"👏": 1}),
        "source": source,
        "ref": "1",
    }
    assert (second["counts"], third["counts"]) == (counts(**{"👏": 2}), counts(**{"👏": 2, "🎉": 1}))
    assert pushed == {
        "type": "reactions",
        "channel": channel,
        "counts": counts(**{"👏": 2, "🎉": 1}),
        "source": source,
    }


async def test_react_with_other_emoji_is_invalid(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada) as a:
        refused = [
            await answer(a, {"type": "react", "channel": "session:1", "emoji": emoji}, str(n))
            for n, emoji in enumerate(["💩", "", "<b>", 7])
        ]

    assert [e["code"] for e in refused] == ["invalid"] * 4


async def test_react_faster_than_the_limit_is_rate_limited(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada) as a:
        replies = [
            await answer(a, {"type": "react", "channel": "session:1", "emoji": "❤️"}, str(n))
            for n in range(15)
        ]

    kinds = [r["type"] if r["type"] != "error" else r["code"] for r in replies]
    assert kinds[:10] == ["reactions"] * 10
    assert "rate_limited" in kinds[10:]


async def test_react_needs_membership(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada) as a:
        refused = await answer(a, {"type": "react", "channel": "breakout:3", "emoji": "👍"})

    assert refused["code"] == "forbidden"
