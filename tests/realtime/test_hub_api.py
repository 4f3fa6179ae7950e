"""The hub API other areas use: publish, notify_user, broadcast, presence, disconnect, revalidate."""

import pytest

from conference.db.models import User
from conference.realtime import channels
from conference.realtime.config import RealtimeConfig
from tests.conftest import make_settings

CHANNEL = "session:1"


@pytest.fixture
async def server(sqlite_url, start_live_server):
    async with start_live_server(make_settings(sqlite_url), RealtimeConfig(presence_secs=0.05)) as live:
        yield live


async def test_publish_reaches_channel_members_only(server):
    ada, bob = await server.account(), await server.account()
    async with server.ws(ada) as a, server.ws(bob) as b:
        await a.join(CHANNEL)
        await b.join("session:2")

        await server.hub.publish(CHANNEL, {"type": "poll", "channel": CHANNEL, "id": 1})
        await server.hub.publish("session:2", {"type": "poll", "channel": "session:2", "id": 2})

        assert (await a.expect("poll"))["id"] == 1
        assert (await b.expect("poll"))["id"] == 2


async def test_publish_with_min_role_reaches_moderators_and_named_users(server):
    ada, bob, mod = await server.account(), await server.account(), await server.account(role="moderator")
    async with server.ws(ada) as a, server.ws(bob) as b, server.ws(mod) as m:
        for ws in (a, b, m):
            await ws.join(CHANNEL)

        await server.hub.publish(CHANNEL, {"type": "question", "id": 1}, min_role="moderator", users=[ada.id])
        await server.hub.publish(CHANNEL, {"type": "question", "id": 2})

        assert [(await ws.expect("question"))["id"] for ws in (a, b, m)] == [1, 2, 1]


async def test_notify_user_and_broadcast_need_no_join(server):
    ada, bob = await server.account(), await server.account()
    async with server.ws(ada) as a1, server.ws(ada) as a2, server.ws(bob) as b:
        await server.hub.notify_user(ada.id, {"type": "meeting.requested", "id": 3})
        await server.hub.broadcast({"type": "announcement", "body": "Lunch"})

        assert [await a1.next(), await a2.next()] == [{"type": "meeting.requested", "id": 3}] * 2
        assert [await a1.next(), await a2.next(), await b.next()] == [
            {"type": "announcement", "body": "Lunch"}
        ] * 3


async def test_presence_counts_people_not_tabs(server):
    ada, bob = await server.account(), await server.account()
    async with server.ws(ada) as a1, server.ws(ada) as a2, server.ws(bob) as b:
        first = await a1.join(CHANNEL)
        second = await a2.join(CHANNEL)
        third = await b.join(CHANNEL)
        pushed = await a1.expect(lambda e: e["type"] == "presence" and e["count"] == 2)
        present = await server.hub.present_users(CHANNEL)

        await b.request({"type": "leave", "channel": CHANNEL}, "left")
        after_leave = await a2.expect(lambda e: e["type"] == "presence" and e["count"] == 1)

    assert [j["presence"]["count"] for j in (first, second, third)] == [1, 1, 2]
    assert pushed == {"type": "presence", "channel": CHANNEL, "count": 2}
    assert present == {ada.id, bob.id}
    assert after_leave == {"type": "presence", "channel": CHANNEL, "count": 1}


async def test_disconnect_user_closes_every_socket_of_that_user(server):
    ada, bob = await server.account(), await server.account()
    async with server.ws(ada) as a1, server.ws(ada) as a2, server.ws(bob) as b:
        await server.hub.disconnect_user(ada.id)

        assert [(await a1.closed())[0], (await a2.closed())[0]] == [4401, 4401]
        assert await b.request({"type": "ping"}, "pong") == {"type": "pong"}


async def test_revalidate_user_removes_lost_memberships_at_once(server):
    ada = await server.account()
    members = {ada.id}

    async def breakout_rule(db, user, room_id):
        return user.id in members

    channels.register_membership("breakout", breakout_rule)
    try:
        async with server.ws(ada) as a:
            await a.join("breakout:7")
            await a.join(CHANNEL)
            members.clear()

            await server.hub.revalidate_user(ada.id)
            left = await a.expect("left")
            await server.hub.publish("breakout:7", {"type": "breakout.broadcast", "body": "hidden"})
            await server.hub.publish(CHANNEL, {"type": "marker"})
            after = await a.next()
    finally:
        channels.unregister_membership("breakout")

    assert left == {"type": "left", "channel": "breakout:7", "reason": "removed"}
    assert after == {"type": "marker"}


async def test_revalidate_user_applies_a_demotion_to_moderator_only_events(server):
    mod = await server.account(role="moderator")
    async with server.ws(mod) as m:
        await m.join(CHANNEL)
        async with server.app.state.db.session() as db:
            (await db.get(User, mod.id)).role = "attendee"

        await server.hub.revalidate_user(mod.id)
        await server.hub.publish(CHANNEL, {"type": "question", "id": 1}, min_role="moderator")
        await server.hub.publish(CHANNEL, {"type": "marker"})

        assert await m.expect(lambda e: e["type"] != "presence") == {"type": "marker"}


async def test_revalidate_user_closes_sockets_of_ended_logins(server):
    ada = await server.account()
    async with server.ws(ada) as a:
        await server.http.post("/api/v1/auth/logout", headers=ada.headers)

        await server.hub.revalidate_user(ada.id)

        assert await a.closed() == (4401, "signed out")


async def test_healthz_reports_the_broker(server):
    response = await server.http.get("/healthz")

    assert (response.status_code, response.json()) == (
        200,
        {"status": "ok", "database": "ok", "broker": "ok"},
    )


async def test_join_extras_add_keys_to_joined(server):
    ada = await server.account()

    async def extra(conn, channel):
        return {"slow_mode": 5} if channel.name == CHANNEL else None

    server.hub.join_extras.append(extra)
    async with server.ws(ada) as a:
        first = await a.join(CHANNEL)
        other = await a.join("session:2")

    assert (first["slow_mode"], "slow_mode" in other) == (5, False)


async def test_after_step_runs_once_a_command_succeeded(server, monkeypatch):
    from conference.realtime import commands

    ran = []

    async def step(ctx, frame):
        ran.append(frame.channel.name)
        ctx.reply({"type": "room.state", "channel": frame.channel.name})

    monkeypatch.setitem(commands._afters, "join", [step])
    ada = await server.account()
    async with server.ws(ada) as a:
        joined = await a.join(CHANNEL)
        state = await a.next()
        await a.send({"type": "join", "channel": "breakout:1"})
        refused = await a.next()

    assert (joined["type"], state, refused["code"], ran) == (
        "joined",
        {"type": "room.state", "channel": CHANNEL},
        "forbidden",
        [CHANNEL],
    )
