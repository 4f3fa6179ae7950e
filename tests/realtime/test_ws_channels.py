"""Who may join which channel: built-in rules, rules registered by areas, the per-connection limit."""

import pytest

from conference.realtime import channels


@pytest.fixture
def rules():
    """Registers membership rules for a test and removes them afterwards."""
    registered = []

    def register(kind, rule):
        channels.register_membership(kind, rule)
        registered.append(kind)

    yield register
    for kind in registered:
        channels.unregister_membership(kind)


async def join_result(ws, channel):
    await ws.send({"type": "join", "channel": channel, "ref": channel})
    event = await ws.expect(lambda e: e.get("ref") == channel)
    return event["type"] if event["type"] == "joined" else event["code"]


async def test_channel_names_are_canonical():
    assert (
        channels.session_channel(4),
        channels.breakout_channel(5),
        channels.table_channel(6),
        channels.meeting_channel(7),
        channels.networking_channel(8),
        channels.dm_channel(9, 3),
    ) == ("session:4", "breakout:5", "table:6", "meeting:7", "networking:8", "dm:3:9")
    assert channels.parse("dm:3:9") == channels.Channel("dm:3:9", "dm", 3, 9)


async def test_attendee_joins_session_and_networking_but_not_unregistered_rooms(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada) as ws:
        results = [
            await join_result(ws, c)
            for c in ["session:1", "networking:2", "breakout:3", "table:4", "meeting:5"]
        ]

    assert results == ["joined", "joined", "forbidden", "forbidden", "forbidden"]


async def test_moderator_joins_breakouts_and_tables_but_not_meetings(live_server):
    mod = await live_server.account(role="moderator")
    async with live_server.ws(mod) as ws:
        results = [await join_result(ws, c) for c in ["breakout:3", "table:4", "meeting:5"]]

    assert results == ["joined", "joined", "forbidden"]


async def test_registered_rule_decides_membership(live_server, rules):
    ada, bob = await live_server.account(), await live_server.account()

    async def breakout_members(db, user, room_id):
        return (user.id, room_id) == (ada.id, 3)

    rules("breakout", breakout_members)
    async with live_server.ws(ada) as a, live_server.ws(bob) as b:
        results = [
            await join_result(a, "breakout:3"),
            await join_result(a, "breakout:4"),
            await join_result(b, "breakout:3"),
        ]

    assert results == ["joined", "forbidden", "forbidden"]


async def test_dm_is_only_for_its_two_people(live_server, rules):
    ada, bob, eve = await live_server.account(), await live_server.account(), await live_server.account()
    pair = channels.dm_channel(ada.id, bob.id)
    async with live_server.ws(ada) as a, live_server.ws(bob) as b, live_server.ws(eve) as e:
        results = [await join_result(a, pair), await join_result(b, pair), await join_result(e, pair)]
        await a.chat(pair, "psst", "c1")
        delivered = await b.expect("chat.message")

    assert results == ["joined", "joined", "forbidden"]
    assert (delivered["channel"], delivered["body"]) == (pair, "psst")


async def test_dm_rule_can_only_narrow(live_server, rules):
    ada, bob, eve = await live_server.account(), await live_server.account(), await live_server.account()
    asked = []

    async def not_blocked(db, user, other_id):
        asked.append((user.id, other_id))
        return other_id != bob.id

    rules("dm", not_blocked)
    async with live_server.ws(ada) as a:
        results = [
            await join_result(a, channels.dm_channel(ada.id, bob.id)),
            await join_result(a, channels.dm_channel(ada.id, eve.id)),
            await join_result(a, channels.dm_channel(bob.id, eve.id)),
        ]

    assert results == ["forbidden", "joined", "forbidden"]
    assert asked == [(ada.id, bob.id), (ada.id, eve.id)]


async def test_chat_send_needs_membership_not_a_join(live_server):
    ada, bob = await live_server.account(), await live_server.account()
    async with live_server.ws(ada) as a, live_server.ws(bob) as b:
        await b.join("session:1")

        ack = await a.chat("session:1", "drive-by", "c1")
        await a.send(
            {"type": "chat.send", "channel": "breakout:1", "body": "no", "client_id": "c2", "ref": 2}
        )
        refused = await a.expect("error")

        assert (ack["id"], (await b.expect("chat.message"))["body"]) == (1, "drive-by")
        assert (refused["code"], refused["ref"]) == ("forbidden", 2)


async def test_51st_channel_is_refused_too_large(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada) as ws:
        for n in range(1, 51):
            await ws.send({"type": "join", "channel": f"session:{n}"})
        joined = [await ws.expect("joined") for _ in range(50)]
        again = await join_result(ws, "session:50")  # re-joining one of them is fine

        refused = await join_result(ws, "session:51")

    assert (len(joined), again, refused) == (50, "joined", "too_large")
