"""Bad frames get an `error` and the connection stays open; oversized frames close it."""

import json

import pytest
from websockets.exceptions import ConnectionClosed

CHANNEL = "session:1"


async def still_open(ws):
    assert await ws.request({"type": "ping", "ref": "alive"}, "pong") == {"type": "pong", "ref": "alive"}


NOT_OBJECTS = [
    ("{not json", "the frame is not valid JSON"),
    ("", "the frame is not valid JSON"),
    ("[1, 2]", "a frame must be a JSON object"),
    ('"join"', "a frame must be a JSON object"),
    ("42", "a frame must be a JSON object"),
    ("null", "a frame must be a JSON object"),
    ("[" * 30_000 + "]" * 30_000, "the frame is not valid JSON"),
]


async def test_frame_that_is_not_an_object_gets_invalid_error(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada) as ws:
        errors = []
        for raw, _ in NOT_OBJECTS:
            await ws.send(raw)
            errors.append(await ws.next())

        assert errors == [{"type": "error", "code": "invalid", "message": m} for _, m in NOT_OBJECTS]
        await still_open(ws)


BAD_FIELDS = [
    ({"ref": 1}, {"type": "is required"}),
    ({"type": 5, "ref": 1}, {"type": "is required"}),
    ({"type": "chat.shout", "ref": 1}, {"type": "is not a known command"}),
    ({"type": "join", "ref": 1}, {"channel": "is required"}),
    (
        {"type": "join", "channel": "lobby", "ref": 1},
        {"channel": "is not a channel (e.g. session:4 or dm:3:7)"},
    ),
    (
        {"type": "join", "channel": "session:01", "ref": 1},
        {"channel": "is not a channel (e.g. session:4 or dm:3:7)"},
    ),
    (
        {"type": "join", "channel": "dm:7:3", "ref": 1},
        {"channel": "is not a channel (e.g. session:4 or dm:3:7)"},
    ),
    (
        {"type": "join", "channel": ["session:1"], "ref": 1},
        {"channel": "is not a channel (e.g. session:4 or dm:3:7)"},
    ),
    ({"type": "join", "channel": CHANNEL, "since": "3", "ref": 1}, {"since": "must be a whole number"}),
    ({"type": "join", "channel": CHANNEL, "since": True, "ref": 1}, {"since": "must be a whole number"}),
    ({"type": "join", "channel": CHANNEL, "since": -1, "ref": 1}, {"since": "must be 0 or more"}),
    (
        {"type": "chat.send", "ref": 1},
        {"channel": "is required", "body": "is required", "client_id": "is required"},
    ),
    (
        {"type": "chat.send", "channel": CHANNEL, "body": "hi", "client_id": "", "ref": 1},
        {"client_id": "must be 1–64 characters"},
    ),
    (
        {"type": "chat.send", "channel": CHANNEL, "body": "hi", "client_id": "x" * 65, "ref": 1},
        {"client_id": "must be 1–64 characters"},
    ),
    (
        {"type": "chat.send", "channel": CHANNEL, "body": "a\x00b", "client_id": "c", "ref": 1},
        {"body": "contains characters that are not allowed"},
    ),
    ({"type": "chat.delete", "channel": CHANNEL, "id": "1", "ref": 1}, {"id": "must be a whole number"}),
]


async def test_frame_with_bad_fields_gets_invalid_error_naming_them(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada) as ws:
        await ws.join(CHANNEL)
        errors = []
        for frame, _ in BAD_FIELDS:
            await ws.send(frame)
            error = await ws.next()
            errors.append((error["type"], error["code"], error["ref"], error["fields"]))

        assert errors == [("error", "invalid", 1, fields) for _, fields in BAD_FIELDS]
        await still_open(ws)


async def test_frame_with_lone_surrogate_gets_invalid_error(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada) as ws:
        await ws.join(CHANNEL)

        await ws.send('{"type": "chat.send", "channel": "session:1", "body": "\\ud800", "client_id": "c"}')

        error = await ws.next()
        assert (error["code"], error["fields"]) == (
            "invalid",
            {"body": "contains characters that are not allowed"},
        )
        await still_open(ws)


async def test_ref_is_echoed_in_reply(live_server):
    refs = ["abc", 12, 1.5, "", "é" * 128]
    ada = await live_server.account()
    async with live_server.ws(ada) as ws:
        replies = [await ws.request({"type": "ping", "ref": ref}, "pong") for ref in refs]

        assert replies == [{"type": "pong", "ref": ref} for ref in refs]


async def test_ref_that_is_not_short_text_or_number_gets_invalid_error(live_server):
    refs = [{"a": 1}, [1], True, "x" * 129]
    ada = await live_server.account()
    async with live_server.ws(ada) as ws:
        errors = []
        for ref in refs:
            await ws.send({"type": "ping", "ref": ref})
            error = await ws.next()
            errors.append((error["type"], error["code"], "ref" in error))

        assert errors == [("error", "invalid", False)] * len(refs)
        await still_open(ws)


async def test_binary_frame_gets_invalid_error(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada) as ws:
        await ws.connection.send(b'{"type": "ping"}')

        assert await ws.next() == {"type": "error", "code": "invalid", "message": "frames are JSON text"}
        await still_open(ws)


async def test_frame_of_64_kib_is_handled_and_larger_closes_1009(live_server):
    ada = await live_server.account()
    padding = 64 * 1024 - len(json.dumps({"type": "ping", "pad": ""}))
    async with live_server.ws(ada) as ws:
        await ws.send(json.dumps({"type": "ping", "pad": "x" * padding}))
        assert await ws.next() == {"type": "pong"}

        await ws.send(json.dumps({"type": "ping", "pad": "x" * (padding + 1)}))

        with pytest.raises(ConnectionClosed) as closed:
            await ws.next()
        assert closed.value.rcvd.code == 1009


async def test_ping_leave_and_left(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada) as ws:
        await ws.join(CHANNEL)

        left = await ws.request({"type": "leave", "channel": CHANNEL, "ref": "l"}, "left")

        assert left == {"type": "left", "channel": CHANNEL, "ref": "l"}
        assert live_server.hub.rooms == {}
