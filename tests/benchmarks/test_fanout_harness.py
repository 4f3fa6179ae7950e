"""The fan-out harness counts exactly and speaks each target's framing; no assertion is about timing."""

import asyncio
import importlib.util
import json
import sys
from pathlib import Path

import pytest


def load_harness():
    # by path: `benchmarks/` is a folder of scripts, not a package, and `tests/benchmarks` shares its name
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "fanout.py"
    spec = importlib.util.spec_from_file_location("fanout_harness", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


fanout = load_harness()


@pytest.mark.parametrize("engine", ["lean", "websockets"])
async def test_limit_target_delivers_every_message_to_every_client(engine):
    target = fanout.LimitTarget(cpu=None)
    await asyncio.to_thread(target.start)
    try:
        session = fanout.Session(target, engine=engine, drain_secs=15)
        connected = await session.connect(target.prepare(20))
        try:
            result = await session.window(rate=20, seconds=1, senders=5)
        finally:
            await session.close()
    finally:
        await asyncio.to_thread(target.stop)

    assert connected["established"] == 20
    counts = {k: result[k] for k in ("sent", "receivers", "expected", "received", "lost", "duplicates")}
    assert counts == {
        "sent": 20,
        "receivers": 20,
        "expected": 400,
        "received": 400,
        "lost": 0,
        "duplicates": 0,
    }


@pytest.mark.parametrize(
    "packet",
    [
        fanout.SioPacket(
            "open", data={"sid": "abc", "upgrades": [], "pingInterval": 25000, "pingTimeout": 20000}
        ),
        fanout.SioPacket("ping"),
        fanout.SioPacket("pong", data="probe"),
        fanout.SioPacket("message", "connect"),
        fanout.SioPacket("message", "connect", data={"sid": "xyz"}),
        fanout.SioPacket("message", "event", data=["chat", {"channel": "session:1", "body": "1:0:5:7:xx"}]),
        fanout.SioPacket("message", "event", namespace="/admin", ack_id=12, data=["join", "session:1"]),
        fanout.SioPacket("message", "ack", ack_id=3, data=[{"ok": True}]),
        fanout.SioPacket("message", "disconnect"),
    ],
)
def test_socketio_framing_round_trips(packet):
    frame = fanout.sio_encode(packet)

    assert fanout.sio_decode(frame) == packet
    assert fanout.sio_decode(frame.encode()) == packet


def test_socketio_framing_matches_the_wire_format():
    assert fanout.sio_event("join", "session:1") == '42["join","session:1"]'
    assert fanout.sio_decode("2") == fanout.SioPacket("ping")
    assert fanout.sio_decode('431[{"ok":true}]') == fanout.SioPacket(
        "message", "ack", ack_id=1, data=[{"ok": True}]
    )


def test_socketio_target_answers_the_handshake_and_pings():
    target = fanout.SocketIOTarget(cpu=None)

    assert target.control(b'0{"sid":"a","upgrades":[],"pingInterval":25000,"pingTimeout":20000}') == (
        ["40"],
        None,
    )
    assert target.control(b'40{"sid":"b"}') == (['42["join","session:1"]'], None)
    assert target.control(b'42["joined",{"channel":"session:1"}]') == ([], "joined")
    assert target.control(b"2") == (["3"], None)
    assert target.deliveries(b'42["chat",{"channel":"session:1","body":"3:1:2:99:xx"}]') == [
        (b"3", b"1", b"2", b"99")
    ]


def test_conference_target_reads_single_and_batched_messages_but_not_history():
    target = fanout.ConferenceTarget(cpu=None)
    message = {"type": "chat.message", "channel": "session:1", "id": 7, "user": {"id": 2, "name": "Ada"}}
    single = {**message, "body": "1:0:4:123:xx", "ts": "2021-09-13T13:00:00+02:00", "client_id": "c"}
    batch = [
        single,
        {"type": "presence", "channel": "session:1", "count": 3},
        {**single, "body": "1:1:0:124:x"},
    ]
    joined = {"type": "joined", "channel": "session:1", "last_id": 7, "history": [single], "truncated": False}

    assert target.deliveries(json.dumps(single).encode()) == [("1", "0", "4", "123")]
    assert target.deliveries(json.dumps(batch).encode()) == [("1", "0", "4", "123"), ("1", "1", "0", "124")]
    assert target.deliveries(json.dumps(joined).encode()) == []
    assert target.control(json.dumps(joined).encode()) == ([], "joined")
    assert target.control(b'{"type":"error","code":"rate_limited","message":"slow down"}') == (
        [],
        "error:rate_limited",
    )
