"""Direct messages over real websockets: only the two people, a notice to the other, blocks."""

from __future__ import annotations

from conference import moderation
from conference.realtime.channels import dm_channel
from tests.rooms.rooms_support import answer


async def block(live_server, blocker, blocked):
    async with live_server.app.state.db.session() as db:
        await moderation.block(db, blocker.id, blocked.id)


async def test_dm_reaches_the_other_person_and_tells_them_when_not_open(live_server):
    ada, bob = await live_server.account(name="Ada"), await live_server.account(name="Bob")
    pair = dm_channel(ada.id, bob.id)
    async with live_server.ws(ada) as a, live_server.ws(bob) as b:
        joined = await a.join(pair)

        ack = await a.chat(pair, "coffee?", "c1")
        notice = await b.expect("dm.notice")
        await b.join(pair, since=0)
        history = await b.chat(pair, "sure", "c2")
        reply = await a.expect(lambda e: e.get("type") == "chat.message" and e["user"]["id"] == bob.id)

    assert (joined["channel"], ack["type"], history["type"]) == (pair, "ack", "ack")
    assert notice == {"type": "dm.notice", "channel": pair, "user": {"id": ada.id, "name": "Ada"}}
    assert reply["body"] == "sure"


async def test_dm_channel_of_two_others_is_forbidden(live_server):
    ada, bob, eve = (await live_server.account(), await live_server.account(), await live_server.account())
    pair = dm_channel(ada.id, bob.id)
    async with live_server.ws(eve) as e:
        join = await answer(e, {"type": "join", "channel": pair}, "j")
        send = await answer(e, {"type": "chat.send", "channel": pair, "body": "hi", "client_id": "c1"}, "s")

    assert (join["code"], send["code"]) == ("forbidden", "forbidden")


async def test_dm_with_unknown_person_or_reversed_ids_is_refused(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada) as a:
        nobody = await answer(a, {"type": "join", "channel": dm_channel(ada.id, 99999)}, "1")
        reversed_ids = await answer(a, {"type": "join", "channel": f"dm:{ada.id + 1}:{ada.id}"}, "2")

    assert (nobody["code"], reversed_ids["code"]) == ("forbidden", "invalid")


async def test_dm_blocked_by_the_receiver_refuses_join_and_send(live_server):
    ada, bob = await live_server.account(), await live_server.account()
    pair = dm_channel(ada.id, bob.id)
    async with live_server.ws(ada) as a:
        await a.join(pair)
        await block(live_server, bob, ada)

        send = await answer(
            a, {"type": "chat.send", "channel": pair, "body": "hello?", "client_id": "c1"}, "s"
        )
        join_again = await answer(a, {"type": "join", "channel": pair}, "j")

    assert (send["code"], join_again["code"]) == ("forbidden", "forbidden")


async def test_dm_block_works_both_ways(live_server):
    ada, bob = await live_server.account(), await live_server.account()
    pair = dm_channel(ada.id, bob.id)
    await block(live_server, bob, ada)
    async with live_server.ws(bob) as b:
        send = await answer(b, {"type": "chat.send", "channel": pair, "body": "hi", "client_id": "c1"}, "s")

    assert send["code"] == "forbidden"
