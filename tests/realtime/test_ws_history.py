"""joined's history, resuming with `since`, deletion, and GET /rooms/{channel}/messages."""

from conference import chat
from conference.realtime import channels

CHANNEL = "session:1"


async def seed(app, account, count, channel=CHANNEL):
    """Stores `count` messages directly (as if sent earlier); returns their ids."""
    drafts = [chat.Draft(channel, account.id, f"m{n}", f"seed-{n}") for n in range(1, count + 1)]
    async with app.state.db.session() as db:
        stored = await chat.store(db, drafts, {account.id: account.name})
    return [s.id for s in stored]


def ids(events):
    return [e["id"] for e in events]


async def test_join_without_since_gets_latest_50(live_server):
    ada = await live_server.account()
    await seed(live_server.app, ada, 60)
    async with live_server.ws(ada) as ws:
        joined = await ws.join(CHANNEL)

    assert (joined["last_id"], ids(joined["history"]), joined["truncated"]) == (60, list(range(11, 61)), True)
    assert joined["history"][0] | {"ts": None} == {
        "type": "chat.message",
        "channel": CHANNEL,
        "id": 11,
        "user": {"id": ada.id, "name": ada.name},
        "body": "m11",
        "ts": None,
        "client_id": "seed-11",
    }


async def test_join_empty_channel(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada) as ws:
        joined = await ws.join(CHANNEL, since=0)

    assert joined == {
        "type": "joined",
        "channel": CHANNEL,
        "last_id": 0,
        "history": [],
        "truncated": False,
        "presence": {"count": 1},
    }


async def test_join_with_since_gets_every_later_message(live_server):
    ada = await live_server.account()
    await seed(live_server.app, ada, 120)
    async with live_server.ws(ada) as ws:
        joined = await ws.join(CHANNEL, since=5)

    assert (joined["last_id"], ids(joined["history"]), joined["truncated"]) == (
        120,
        list(range(6, 121)),
        False,
    )


async def test_join_with_since_beyond_replay_window_is_truncated_and_rest_fills_gap(live_server):
    ada = await live_server.account()
    await seed(live_server.app, ada, 1105)
    async with live_server.ws(ada) as ws:
        joined = await ws.join(CHANNEL, since=3)
    window = ids(joined["history"])
    gap, after = [], 3
    while True:
        response = await live_server.http.get(
            f"/api/v1/rooms/{CHANNEL}/messages",
            params={"after": after, "before": window[0], "limit": 200},
            headers=ada.headers,
        )
        page = ids(response.json())
        if not page:
            break
        gap += page
        after = page[-1]

    assert (joined["truncated"], len(window), window[-1]) == (True, 1000, 1105)
    assert gap + window == list(range(4, 1106))


async def test_reconnect_with_since_gets_each_later_message_once_in_order(live_server):
    ada, bob = await live_server.account(), await live_server.account()
    async with live_server.ws(bob) as b:
        await b.join(CHANNEL)
        async with live_server.ws(ada) as a:
            await a.join(CHANNEL)
            for n in range(3):
                await b.chat(CHANNEL, f"before {n}", f"b{n}")
            seen = [await a.expect("chat.message") for _ in range(3)]
        for n in range(4):
            await b.chat(CHANNEL, f"while away {n}", f"w{n}")

        async with live_server.ws(ada) as a:
            joined = await a.join(CHANNEL, since=seen[-1]["id"])
            await b.chat(CHANNEL, "after", "after")
            live = await a.expect("chat.message")

    assert [m["body"] for m in joined["history"]] + [live["body"]] == [
        "while away 0",
        "while away 1",
        "while away 2",
        "while away 3",
        "after",
    ]
    assert [*ids(joined["history"]), live["id"]] == [4, 5, 6, 7, 8]


async def test_chat_delete_by_author_reaches_every_member_and_leaves_history(live_server):
    ada, bob = await live_server.account(), await live_server.account()
    async with live_server.ws(ada) as a, live_server.ws(bob) as b:
        await a.join(CHANNEL)
        await b.join(CHANNEL)
        ack = await a.chat(CHANNEL, "oops", "c1")
        await a.chat(CHANNEL, "fine", "c2")

        await a.send({"type": "chat.delete", "channel": CHANNEL, "id": ack["id"], "ref": "d"})

        mine = await a.expect("chat.deleted")
        theirs = await b.expect("chat.deleted")
        rejoined = await b.join(CHANNEL)

    assert mine == {"type": "chat.deleted", "channel": CHANNEL, "id": 1, "ref": "d"}
    assert theirs == {"type": "chat.deleted", "channel": CHANNEL, "id": 1}
    assert ([m["body"] for m in rejoined["history"]], rejoined["last_id"]) == (["fine"], 2)


async def test_chat_delete_of_others_message_needs_moderator(live_server):
    ada, bob, mod = (
        await live_server.account(),
        await live_server.account(),
        await live_server.account(role="moderator"),
    )
    async with live_server.ws(ada) as a, live_server.ws(bob) as b, live_server.ws(mod) as m:
        for ws in (a, b, m):
            await ws.join(CHANNEL)
        ack = await a.chat(CHANNEL, "rude", "c1")

        await b.send({"type": "chat.delete", "channel": CHANNEL, "id": ack["id"], "ref": 1})
        refused = await b.expect("error")
        await m.send({"type": "chat.delete", "channel": CHANNEL, "id": ack["id"], "ref": 2})
        done = await m.expect("chat.deleted")
        seen_by_author = await a.expect("chat.deleted")
        await m.send({"type": "chat.delete", "channel": CHANNEL, "id": 99, "ref": 3})
        missing = await m.expect("error")

    assert (refused["code"], refused["ref"]) == ("forbidden", 1)
    assert (done, seen_by_author["id"]) == (
        {"type": "chat.deleted", "channel": CHANNEL, "id": 1, "ref": 2},
        1,
    )
    assert (missing["code"], missing["ref"]) == ("not_found", 3)


async def test_history_api_pages_oldest_first(live_server):
    ada = await live_server.account()
    await seed(live_server.app, ada, 30)

    async def get(**params):
        response = await live_server.http.get(
            f"/api/v1/rooms/{CHANNEL}/messages", params=params, headers=ada.headers
        )
        assert response.status_code == 200, response.text
        return ids(response.json())

    assert await get() == list(range(1, 31))
    assert await get(limit=5) == [26, 27, 28, 29, 30]
    assert await get(after=10, limit=5) == [11, 12, 13, 14, 15]
    assert await get(before=10, limit=3) == [7, 8, 9]
    assert await get(after=3, before=7) == [4, 5, 6]


async def test_history_api_is_for_members_only(live_server):
    ada, bob, eve = await live_server.account(), await live_server.account(), await live_server.account()
    pair = channels.dm_channel(ada.id, bob.id)
    await seed(live_server.app, ada, 2, channel=pair)

    async def status(channel, account=None, **params):
        headers = account.headers if account else {}
        response = await live_server.http.get(
            f"/api/v1/rooms/{channel}/messages", params=params, headers=headers
        )
        return response.status_code, response.json() if response.status_code != 200 else len(response.json())

    assert await status(pair, bob) == (200, 2)
    assert (await status(pair, eve))[0] == 403
    assert (await status(pair))[0] == 401
    assert (await status("lobby", ada))[0] == 404
    assert (await status("breakout:1", ada))[0] == 403
    assert (await status(CHANNEL, ada, limit=0))[0] == 422
    assert (await status(CHANNEL, ada, limit=201))[0] == 422
    assert (await status(CHANNEL, ada, after="x"))[0] == 422
