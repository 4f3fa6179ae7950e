"""Limits: send rate, floods, slow readers (closed with 1013, then resume), heartbeats, batches."""

import asyncio

from websockets.client import ClientProtocol
from websockets.frames import Opcode
from websockets.uri import parse_uri

from conference.realtime.config import RealtimeConfig
from tests.conftest import make_settings
from tests.live import small_receive_socket

CHANNEL = "session:1"


async def test_send_rate_is_limited_per_user_with_retry_after(sqlite_url, start_live_server):
    config = RealtimeConfig(send_burst=3, send_rate=0.5)
    async with start_live_server(make_settings(sqlite_url), config) as server:
        ada = await server.account()
        async with server.ws(ada) as first, server.ws(ada) as second:
            await first.join(CHANNEL)
            acks = [await first.chat(CHANNEL, f"m{n}", f"c{n}") for n in range(2)]
            acks.append(await second.chat(CHANNEL, "m2", "c2"))

            await second.send(
                {"type": "chat.send", "channel": CHANNEL, "body": "m3", "client_id": "c3", "ref": 9}
            )
            limited = await second.expect("error")
            pong = await second.request({"type": "ping"}, "pong")

    assert [a["id"] for a in acks] == [1, 2, 3]
    assert (limited["code"], limited["ref"], 0 < limited["retry_after"] <= 2) == ("rate_limited", 9, True)
    assert pong == {"type": "pong"}


async def test_flooding_connection_is_rate_limited_then_closed_1008(sqlite_url, start_live_server):
    config = RealtimeConfig(frame_burst=5, frame_rate=1, flood_strikes=10)
    async with start_live_server(make_settings(sqlite_url), config) as server:
        ada = await server.account()
        async with server.ws(ada) as ws:
            for _ in range(40):
                await ws.send({"type": "ping"})
            kinds = []
            code = None
            try:
                while True:
                    kinds.append((await ws.next())["type"])
            except Exception:  # noqa: BLE001  (reading until the server closes)
                code = ws.connection.protocol.close_rcvd.code

    assert kinds[:5] == ["pong"] * 5
    assert set(kinds[5:]) == {"error"}
    assert code == 1008


async def test_reader_that_stops_is_closed_1013_others_unaffected_and_it_resumes(
    sqlite_url, start_live_server
):
    config = RealtimeConfig(max_buffer_bytes=256 * 1024, close_timeout_secs=30)
    async with start_live_server(make_settings(sqlite_url), config) as server:
        ada, bob = await server.account(), await server.account()
        async with (
            server.ws(bob) as b,
            server.ws(ada, sock=small_receive_socket(server.port), max_queue=1) as a,
        ):
            await a.join(CHANNEL)
            await b.join(CHANNEL)
            stuck = next(c for c in server.hub.connections if c.user_id == ada.id)
            await b.chat(CHANNEL, "first", "c1")
            await b.expect("chat.message")

            sent = 0
            while not stuck.closed and sent < 500:  # ada reads nothing from here on
                await server.hub.publish(
                    CHANNEL, {"type": "bulk", "channel": CHANNEL, "n": sent, "pad": "x" * 200_000}
                )
                assert (await b.expect("bulk"))["n"] == sent
                sent += 1
            await b.chat(CHANNEL, "second", "c2")
            await b.expect("chat.message")
            bob_still_open = await b.request({"type": "ping"}, "pong")

            seen = []
            try:
                while True:
                    event = await a.next()
                    if event["type"] == "chat.message":
                        seen.append(event["id"])
            except Exception:  # noqa: BLE001  (reading until the server's close frame)
                code = a.connection.protocol.close_rcvd.code

        async with server.ws(ada) as again:
            resumed = await again.join(CHANNEL, since=seen[-1])

    assert (stuck.closed, code, seen, bob_still_open) == (True, 1013, [1], {"type": "pong"})
    assert [(m["id"], m["body"]) for m in resumed["history"]] == [(2, "second")]


async def test_busy_channel_sends_batches_in_order(sqlite_url, start_live_server):
    config = RealtimeConfig(coalesce_above_per_sec=2, coalesce_secs=0.05)
    async with start_live_server(make_settings(sqlite_url), config) as server:
        ada = await server.account()
        async with server.ws(ada) as ws:
            await ws.join(CHANNEL)
            for n in range(10):
                await server.hub.publish(CHANNEL, {"type": "tick", "n": n})
            events = [await ws.expect("tick") for _ in range(10)]

    assert [e["n"] for e in events] == list(range(10))
    assert any(frame.startswith("[") for frame in ws.frames)


async def raw_frames(port, headers, count):
    """The first `count` frames the server sends, control frames included (sans-I/O client)."""
    protocol = ClientProtocol(parse_uri(f"ws://127.0.0.1:{port}/ws"))
    request = protocol.connect()
    for name, value in headers.items():
        request.headers[name] = value
    protocol.send_request(request)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"".join(protocol.data_to_send()))
    frames = []
    async with asyncio.timeout(5):
        while len(frames) < count:
            protocol.receive_data(await reader.read(65536))
            frames += [e for e in protocol.events_received() if hasattr(e, "opcode")]
            writer.write(b"".join(protocol.data_to_send()))  # pongs
    writer.close()
    return frames[:count]


async def test_server_pings_every_heartbeat(sqlite_url, start_live_server):
    config = RealtimeConfig(heartbeat_secs=0.05)
    async with start_live_server(make_settings(sqlite_url), config) as server:
        ada = await server.account()

        frames = await raw_frames(server.port, {"Authorization": f"Bearer {ada.token}"}, 3)

    assert [f.opcode for f in frames] == [Opcode.PING] * 3
