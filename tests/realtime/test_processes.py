"""Real `conference serve` processes: kill -9 mid-chat and restart; two processes on Postgres and Redis."""

import asyncio
import uuid

import pytest
import redis
import redis.asyncio as aioredis
from websockets.exceptions import ConnectionClosed

from tests.conftest import truncate_all
from tests.live import connect_ws, eventually
from tests.processes import ServerProcess, make_people

CHANNEL = "session:1"


@pytest.fixture
def servers():
    started = []
    yield started
    for server in started:
        server.stop()


async def test_acknowledged_messages_survive_kill_9(tmp_path, servers):
    url = f"sqlite+aiosqlite:///{tmp_path / 'crash.db'}"
    server = ServerProcess(tmp_path, CONFERENCE_DATABASE_URL=url)
    servers.append(server)
    await server.start()
    people = await make_people(url, *(f"P{n}" for n in range(8)))
    acked: dict[str, int] = {}
    sent = {f"{p.id}-{n}": f"{p.name} says {n}" for p in people for n in range(15)}

    async def chatter(person, enough):
        async with connect_ws(server.ws_url, person.token) as ws:
            await ws.join(CHANNEL)
            for n in range(15):
                await ws.send(
                    {
                        "type": "chat.send",
                        "channel": CHANNEL,
                        "body": sent[f"{person.id}-{n}"],
                        "client_id": f"{person.id}-{n}",
                    }
                )
            try:
                while True:
                    ack = await ws.expect("ack")
                    acked[ack["client_id"]] = ack["id"]
                    if len(acked) >= 40:
                        enough.set()
            except (ConnectionClosed, TimeoutError):
                return

    enough = asyncio.Event()
    chatters = [asyncio.create_task(chatter(p, enough)) for p in people]
    await asyncio.wait_for(enough.wait(), 30)
    server.kill()  # mid-chat: other sends are still in flight
    await asyncio.gather(*chatters)
    await server.start()

    async with connect_ws(server.ws_url, people[0].token) as ws:
        joined = await ws.join(CHANNEL, since=0)
    history = joined["history"]
    stored = {m["client_id"]: m for m in history}

    assert len(acked) >= 40
    assert [m["id"] for m in history] == sorted({m["id"] for m in history})  # once each, in order
    assert len(stored) == len(history)
    assert {cid: stored[cid]["id"] for cid in acked} == acked
    assert all(m["body"] == sent[m["client_id"]] for m in history)

    # Resending everything after the restart stores only what was lost, never a second copy.
    async with connect_ws(server.ws_url, people[0].token) as ws:
        again = [
            await ws.chat(CHANNEL, sent[cid], cid)
            for cid in sorted(sent)
            if cid.startswith(f"{people[0].id}-")
        ]
    assert all(a["id"] == acked[a["client_id"]] for a in again if a["client_id"] in acked)


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory, postgres_database, redis_url):
    """Two `conference serve` processes sharing one Postgres database and one Redis (for this module:
    each test uses its own channel)."""
    asyncio.run(truncate_all(postgres_database))
    prefix = f"test-{uuid.uuid4().hex[:10]}:"
    env = {
        "CONFERENCE_DATABASE_URL": postgres_database,
        "CONFERENCE_BROKER_URL": redis_url,
        "CONFERENCE_REDIS_PREFIX": prefix,
    }
    directory = tmp_path_factory.mktemp("servers")
    one, two = ServerProcess(directory, **env), ServerProcess(directory, **env)
    try:
        asyncio.run(one.start())  # one at a time: the first migrates and loads the programme
        asyncio.run(two.start())
        yield one, two, prefix
    finally:
        one.stop()
        two.stop()
        cleanup = redis.Redis.from_url(redis_url)
        keys = list(cleanup.scan_iter(match=prefix + "*"))
        if keys:
            cleanup.delete(*keys)
        cleanup.close()


@pytest.mark.postgres
@pytest.mark.redis
async def test_two_processes_share_rooms_in_order(two_processes, postgres_database):
    one, two, _ = two_processes
    ada, bob = await make_people(postgres_database, "Ada", "Bob")
    async with connect_ws(one.ws_url, ada.token) as a, connect_ws(two.ws_url, bob.token) as b:
        await a.join("session:2")
        await b.join("session:2")
        for n in range(6):
            await a.send({"type": "chat.send", "channel": "session:2", "body": f"a{n}", "client_id": f"a{n}"})
            await b.send({"type": "chat.send", "channel": "session:2", "body": f"b{n}", "client_id": f"b{n}"})
        on_one = [await a.expect("chat.message") for _ in range(12)]
        on_two = [await b.expect("chat.message") for _ in range(12)]
        presence = await a.expect(lambda e: e["type"] == "presence" and e["count"] == 2)

    assert [m["id"] for m in on_one] == list(range(1, 13))
    assert on_two == on_one
    assert presence == {"type": "presence", "channel": "session:2", "count": 2}


@pytest.mark.postgres
@pytest.mark.redis
async def test_resume_on_the_other_process_loses_nothing(two_processes, postgres_database):
    one, two, _ = two_processes
    ada, bob = await make_people(postgres_database, "Ada", "Bob")
    async with connect_ws(two.ws_url, bob.token) as b:
        await b.join("session:3")
        async with connect_ws(one.ws_url, ada.token) as a:
            await a.join("session:3")
            await b.chat("session:3", "seen", "s")
            last_seen = (await a.expect("chat.message"))["id"]
        for n in range(3):
            await b.chat("session:3", f"missed {n}", f"m{n}")

        async with connect_ws(two.ws_url, ada.token) as a:
            joined = await a.join("session:3", since=last_seen)
            await b.chat("session:3", "live", "l")
            live = await a.expect("chat.message")

    assert [m["body"] for m in joined["history"]] + [live["body"]] == [
        "missed 0",
        "missed 1",
        "missed 2",
        "live",
    ]
    assert [m["id"] for m in joined["history"]] + [live["id"]] == [2, 3, 4, 5]


@pytest.mark.postgres
@pytest.mark.redis
async def test_publish_lost_while_subscription_is_cut_is_caught_up(
    two_processes, postgres_database, redis_url
):
    one, two, redis_prefix = two_processes
    ada, bob = await make_people(postgres_database, "Ada", "Bob")
    client = aioredis.Redis.from_url(redis_url)
    name = f"{redis_prefix}{two.process.pid}"
    async with connect_ws(one.ws_url, ada.token) as a, connect_ws(two.ws_url, bob.token) as b:
        await a.join("session:4")
        await b.join("session:4")
        subscribers = [c for c in await client.client_list(_type="pubsub") if c["name"] == name]

        for entry in subscribers:
            await client.client_kill_filter(_id=entry["id"])
        sent = [await a.chat("session:4", f"during the cut {n}", f"c{n}") for n in range(3)]
        received = [await b.expect("chat.message") for _ in range(3)]
        await eventually(lambda: has_subscriber(client, name))
    await client.aclose()

    assert len(subscribers) == 1
    assert [m["id"] for m in received] == [s["id"] for s in sent] == [1, 2, 3]


async def has_subscriber(client, name):
    return any(c["name"] == name for c in await client.client_list(_type="pubsub"))
