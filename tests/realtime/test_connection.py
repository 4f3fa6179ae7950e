"""The outgoing path: direct frame writes on uvicorn (checked against its internals) and the ASGI fallback."""

import socket

import pytest
from websockets.frames import Frame, Opcode

from conference.realtime import connection
from conference.realtime.config import RealtimeConfig
from conference.realtime.connection import DIRECT_ATTRIBUTES, text_frame
from tests.conftest import make_settings
from tests.live import small_receive_socket

CHANNEL = "session:1"


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 200_000])
def test_text_frame_is_what_websockets_would_send(size):
    payload = ("é" * size).encode()[:size]

    assert text_frame(payload) == Frame(Opcode.TEXT, payload).serialize(mask=False, extensions=[])


async def test_uvicorn_connections_take_the_direct_path(live_server):
    # If this fails, uvicorn's websocket protocol changed: the hub silently falls back to plain ASGI
    # (correct but slower); update conference/realtime/connection.py for the new internals.
    ada = await live_server.account()
    async with live_server.ws(ada) as ws:
        await ws.join(CHANNEL)
        (conn,) = live_server.hub.connections
        protocol = conn._protocol

        assert conn.direct, "uvicorn's websocket protocol is no longer recognised (see connection.py)"
        assert [name for name in DIRECT_ATTRIBUTES if not hasattr(protocol, name)] == []
        assert (protocol.close_sent, protocol.disconnected, protocol.conn.extensions) == (False, False, [])


async def test_the_kernel_send_buffer_of_a_websocket_is_capped(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada) as ws:
        await ws.join(CHANNEL)
        (conn,) = live_server.hub.connections
        sock = conn._transport.get_extra_info("socket")
        size = sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)

    wanted = conn.config.socket_send_buffer_bytes
    assert wanted <= size <= 2 * wanted  # Linux reports double what was set


async def test_a_join_larger_than_the_backlog_cap_is_delivered_whole(sqlite_url, start_live_server):
    # A replay of long messages can be one frame bigger than the cap: only a backlog counts.
    config = RealtimeConfig(max_buffer_bytes=16 * 1024, socket_send_buffer_bytes=4096, send_burst=100)
    async with start_live_server(make_settings(sqlite_url), config) as server:
        ada = await server.account()
        async with server.ws(ada) as a:
            await a.join(CHANNEL)
            for n in range(40):
                await a.chat(CHANNEL, f"{n}:" + "x" * 1990, f"c{n}")
        async with server.ws(ada, sock=small_receive_socket(server.port)) as again:
            joined = await again.join(CHANNEL, since=0)
            still_open = await again.request({"type": "ping"}, "pong")

    assert [m["id"] for m in joined["history"]] == list(range(1, 41))
    assert still_open == {"type": "pong"}


async def test_asgi_fallback_delivers_in_order_and_batches_queued_events(live_server, monkeypatch):
    monkeypatch.setattr(connection, "direct_protocol", lambda send: None)
    ada, bob = await live_server.account(), await live_server.account()
    async with live_server.ws(ada) as a, live_server.ws(bob) as b:
        await a.join(CHANNEL)
        await b.join(CHANNEL)
        assert [c.direct for c in live_server.hub.connections] == [False, False]

        ack = await a.chat(CHANNEL, "hello", "c1")
        message = await b.expect("chat.message")
        for n in range(20):
            live_server.hub.rooms[CHANNEL].write_all(connection.Outgoing.event({"type": "tick", "n": n}))
        ticks = [(await b.expect("tick"))["n"] for _ in range(20)]

    assert (ack["id"], message["body"], ticks) == (1, "hello", list(range(20)))
    assert any(frame.startswith('[{"type":"tick"') for frame in b.frames)


async def test_asgi_fallback_closes_a_reader_that_stops_1013(live_server, monkeypatch):
    monkeypatch.setattr(connection, "direct_protocol", lambda send: None)
    ada = await live_server.account()
    async with live_server.ws(ada) as a:
        await a.join(CHANNEL)
        (conn,) = live_server.hub.connections

        for n in range(conn.config.max_queued_events + 1):
            conn.send({"type": "tick", "n": n})  # no await: the drain task never gets to run

        assert (conn.closed, (await a.closed())[0]) == (True, 1013)
