"""Two servers (in this process) sharing Postgres and Redis: fan-out, presence, catch-up of lost publishes."""

import pytest
import redis.asyncio as aioredis

from conference.realtime.config import RealtimeConfig
from tests.conftest import make_settings
from tests.live import eventually

pytestmark = [pytest.mark.redis, pytest.mark.postgres]
CHANNEL = "session:1"
CONFIG = RealtimeConfig(presence_secs=0.05, reconcile_secs=0.1)


@pytest.fixture
async def pair(shared_postgres_url, redis_url, redis_prefix, start_live_server):
    settings = make_settings(shared_postgres_url, broker_url=redis_url, redis_prefix=redis_prefix)
    async with start_live_server(settings, CONFIG) as one, start_live_server(settings, CONFIG) as two:
        yield one, two


async def test_messages_cross_servers_in_order(pair):
    one, two = pair
    ada, bob = await one.account(name="Ada"), await one.account(name="Bob")
    async with one.ws(ada) as a, two.ws(bob) as b:
        await a.join(CHANNEL)
        await b.join(CHANNEL)

        for n in range(5):
            await a.send({"type": "chat.send", "channel": CHANNEL, "body": f"a{n}", "client_id": f"a{n}"})
            await b.send({"type": "chat.send", "channel": CHANNEL, "body": f"b{n}", "client_id": f"b{n}"})
        on_one = [await a.expect("chat.message") for _ in range(10)]
        on_two = [await b.expect("chat.message") for _ in range(10)]

    assert [m["id"] for m in on_one] == list(range(1, 11))
    assert on_two == on_one
    assert sorted(m["body"] for m in on_one) == sorted(
        [f"a{n}" for n in range(5)] + [f"b{n}" for n in range(5)]
    )


async def test_presence_adds_up_across_servers(pair):
    one, two = pair
    ada, bob = await one.account(), await one.account()
    async with one.ws(ada) as a, two.ws(bob) as b, two.ws(ada) as a_elsewhere:
        await a.join(CHANNEL)
        await b.join(CHANNEL)
        await a_elsewhere.join(CHANNEL)

        pushed = await a.expect(lambda e: e["type"] == "presence" and e["count"] == 2)
        present = await one.hub.present_users(CHANNEL), await two.hub.present_users(CHANNEL)

    assert pushed == {"type": "presence", "channel": CHANNEL, "count": 2}
    assert present == ({ada.id, bob.id}, {ada.id, bob.id})


async def test_hub_api_reaches_other_server(pair):
    one, two = pair
    ada = await one.account()
    async with two.ws(ada) as a:
        await a.join(CHANNEL)

        await one.hub.publish(CHANNEL, {"type": "poll", "id": 1})
        await one.hub.notify_user(ada.id, {"type": "meeting.accepted", "id": 2})
        await one.hub.broadcast({"type": "announcement", "body": "hi"})
        received = [await a.expect(lambda e: e["type"] != "presence") for _ in range(3)]
        await one.hub.disconnect_user(ada.id)
        closed = await a.closed()

    assert received == [
        {"type": "poll", "id": 1},
        {"type": "meeting.accepted", "id": 2},
        {"type": "announcement", "body": "hi"},
    ]
    assert closed[0] == 4401


async def subscribers(server, topic, count):
    return (await server.hub.broker.redis.pubsub_numsub(topic))[0][1] == count


async def test_lost_publish_is_caught_up_from_the_database(pair, redis_prefix):
    one, two = pair
    ada, bob = await one.account(), await one.account()
    async with one.ws(ada) as a, two.ws(bob) as b:
        await a.join(CHANNEL)
        await b.join(CHANNEL)
        topic = f"{redis_prefix}c:{CHANNEL}"
        # Cut server two's subscription behind its back, as a dropped Redis connection would.
        await two.hub.broker._pubsub.unsubscribe(topic)
        await eventually(lambda: subscribers(two, topic, 1))

        await a.chat(CHANNEL, "lost in transit", "c1")
        await a.chat(CHANNEL, "also lost", "c2")
        missed = [await b.expect("chat.message") for _ in range(2)]
        await two.hub.broker._pubsub.subscribe(topic)
        await a.chat(CHANNEL, "after", "c3")
        later = await b.expect("chat.message")

    assert [(m["id"], m["body"]) for m in missed] == [(1, "lost in transit"), (2, "also lost")]
    assert (later["id"], later["body"]) == (3, "after")


async def test_every_redis_key_and_channel_is_prefixed(pair, redis_url, redis_prefix):
    one, _ = pair
    ada = await one.account()
    client = aioredis.Redis.from_url(redis_url)
    async with one.ws(ada) as a:
        await a.join(CHANNEL)
        await eventually(lambda: client.keys(f"{redis_prefix}presence:*"))
        channels = {c.decode() for c in await client.pubsub_channels(f"{redis_prefix}*")}
        keys = {k.decode() for k in await client.keys(f"{redis_prefix}*")}
    await client.aclose()

    assert {f"{redis_prefix}c:{CHANNEL}", f"{redis_prefix}u:{ada.id}", f"{redis_prefix}all"} <= channels
    assert f"{redis_prefix}presence:{CHANNEL}" in keys
    assert all(k.startswith(redis_prefix) for k in keys)
