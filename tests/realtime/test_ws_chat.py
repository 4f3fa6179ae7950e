"""chat.send / chat.delete over a real websocket: ack, delivery, idempotency, bodies, permissions."""

import pytest

CHANNEL = "session:1"


def message(id, user, body, client_id, channel=CHANNEL):
    return {
        "type": "chat.message",
        "channel": channel,
        "id": id,
        "user": {"id": user.id, "name": user.name},
        "body": body,
        "client_id": client_id,
    }


def without_ts(event):
    assert isinstance(event.pop("ts"), str)
    return event


async def test_chat_send_is_acked_then_delivered_to_every_member(live_server):
    ada, bob = await live_server.account(name="Ada"), await live_server.account(name="Bob")
    async with live_server.ws(ada) as a, live_server.ws(bob) as b:
        await a.join(CHANNEL)
        await b.join(CHANNEL)

        await a.send(
            {"type": "chat.send", "channel": CHANNEL, "body": "  hello  ", "client_id": "c1", "ref": 7}
        )

        assert await a.next() == {"type": "ack", "client_id": "c1", "id": 1, "ref": 7}
        assert without_ts(await a.expect("chat.message")) == message(1, ada, "hello", "c1")
        assert without_ts(await b.expect("chat.message")) == message(1, ada, "hello", "c1")


async def test_chat_send_same_client_id_is_acked_with_first_id_and_not_delivered_twice(live_server):
    ada, bob = await live_server.account(name="Ada"), await live_server.account(name="Bob")
    async with live_server.ws(ada) as a, live_server.ws(bob) as b:
        await a.join(CHANNEL)
        await b.join(CHANNEL)

        first = await a.chat(CHANNEL, "once", "same")
        again = await a.chat(CHANNEL, "once", "same")
        await a.chat(CHANNEL, "next", "other")

        assert (first["id"], again["id"]) == (1, 1)
        received = [await b.expect("chat.message"), await b.expect("chat.message")]
        assert [(m["id"], m["body"]) for m in received] == [(1, "once"), (2, "next")]


@pytest.mark.parametrize(
    ("body", "field"),
    [("", "body"), ("   \n\t ", "body"), ("x" * 2001, "body"), (42, "body"), (None, "body")],
)
async def test_chat_send_bad_body_is_invalid_and_connection_stays_open(live_server, body, field):
    ada = await live_server.account()
    async with live_server.ws(ada) as a:
        await a.join(CHANNEL)

        await a.send({"type": "chat.send", "channel": CHANNEL, "body": body, "client_id": "c", "ref": "r"})

        error = await a.expect("error")
        assert (error["code"], error["ref"], list(error["fields"])) == ("invalid", "r", [field])
        assert await a.request({"type": "ping"}, "pong") == {"type": "pong"}


async def test_chat_send_keeps_2000_characters_exactly(live_server):
    ada = await live_server.account()
    body = "é" * 1999 + "<b>"[:1]
    async with live_server.ws(ada) as a:
        await a.join(CHANNEL)

        await a.chat(CHANNEL, f"\n {body} \n", "c")

        assert (await a.expect("chat.message"))["body"] == body
