"""Live: meeting events, the meeting room's members, speed-networking rounds over real websockets."""

from __future__ import annotations

import itertools
from contextlib import AsyncExitStack
from datetime import timedelta

import pytest
from sqlalchemy import update

from conference import programme
from conference.db.base import utcnow
from conference.db.models import NetworkingRound
from conference.schedule.loader import load_programme_file
from tests.conftest import ROOT
from tests.networking.conftest import MONDAY_1330


@pytest.fixture
async def server(live_server):
    async with live_server.app.state.db.session() as db:
        await programme.replace_programme(db, load_programme_file(ROOT / "schedule.yaml"))
    return live_server


async def lobby_id(server) -> int:
    async with server.app.state.db.reader() as db:
        return (await programme.session_ids(db))["networking-tue"]


async def end_round_now(server, session_id: int) -> None:
    """Moves the running round's end to the past and lets the timer close it (no waiting)."""
    async with server.app.state.db.session() as db:
        await db.execute(
            update(NetworkingRound)
            .where(NetworkingRound.session_id == session_id, NetworkingRound.ended_at.is_(None))
            .values(ends_at=utcnow() - timedelta(seconds=1))
        )
    await server.app.state.networking_timer.look_now()


async def test_meeting_events_reach_both_people_and_the_room_opens_to_them_only(server):
    ana = await server.account(name="Ana", languages=["en"])
    ben = await server.account(name="Ben", languages=["en"])
    cat = await server.account(name="Cat", languages=["en"])
    async with server.ws(ana) as ana_ws, server.ws(ben) as ben_ws, server.ws(cat) as cat_ws:
        created = await server.http.post(
            "/api/v1/meetings", json={"invitee_id": ben.id, "start": MONDAY_1330}, headers=ana.headers
        )
        requested = [await ana_ws.expect("meeting.requested"), await ben_ws.expect("meeting.requested")]
        await server.http.post(f"/api/v1/meetings/{created.json()['id']}/accept", headers=ben.headers)
        accepted = [await ana_ws.expect("meeting.accepted"), await ben_ws.expect("meeting.accepted")]
        channel = f"meeting:{created.json()['id']}"
        joined = await ben_ws.join(channel)
        refused = await cat_ws.request({"type": "join", "channel": channel}, "error")

    assert [e["meeting"]["id"] for e in requested + accepted] == [created.json()["id"]] * 4
    assert [e["meeting"]["role"] for e in requested] == ["requester", "invitee"]
    assert all(e["meeting"]["video_url"] for e in accepted)
    assert joined["channel"] == channel
    assert refused["code"] == "forbidden"


async def test_round_pairs_everyone_present_but_moderators_with_one_trio_when_odd(server):
    session_id = await lobby_id(server)
    moderator = await server.account(role="moderator", name="Mod")
    people = [await server.account(name=f"P{n}", languages=["en"]) for n in range(5)]
    async with AsyncExitStack() as stack:
        sockets = [await stack.enter_async_context(server.ws(p)) for p in [moderator, *people]]
        for ws in sockets:
            await ws.join(f"networking:{session_id}")

        started = await server.http.post(
            "/api/v1/networking/rounds",
            json={"session_id": session_id, "duration_seconds": 300},
            headers=moderator.headers,
        )
        events = [await ws.expect("networking.paired") for ws in sockets[1:]]
        again = await server.http.post(
            "/api/v1/networking/rounds",
            json={"session_id": session_id, "duration_seconds": 300},
            headers=moderator.headers,
        )

    assert started.status_code == 201
    assert sorted(len(g["members"]) for g in started.json()["groups"]) == [2, 3]
    assert moderator.id not in {m for g in started.json()["groups"] for m in g["members"]}
    assert sorted(len(e["partner"]) for e in events) == [1, 1, 2, 2, 2]
    for person, event in zip(people, events, strict=True):
        assert person.id not in {p["id"] for p in event["partner"]}
        assert event["channel"].startswith("meeting:") and event["video_url"].startswith("https://")
        assert (event["ends_at"], event["round_id"]) == (started.json()["ends_at"], started.json()["id"])
        assert event["reason"] and "email" not in event["partner"][0]
    assert (again.status_code, again.json()["error"]["code"]) == (409, "conflict")


async def test_rounds_never_repeat_a_pair_and_end_with_everyone_back_in_the_lobby(server):
    session_id = await lobby_id(server)
    moderator = await server.account(role="moderator", name="Mod")
    people = [await server.account(name=f"P{n}", languages=["en"]) for n in range(4)]
    seen: list[frozenset[int]] = []
    async with AsyncExitStack() as stack:
        sockets = [await stack.enter_async_context(server.ws(p)) for p in people]
        for ws in sockets:
            await ws.join(f"networking:{session_id}")
        for _ in range(3):
            started = await server.http.post(
                "/api/v1/networking/rounds",
                json={"session_id": session_id, "duration_seconds": 60},
                headers=moderator.headers,
            )
            assert started.status_code == 201, started.text
            seen.extend(frozenset(g["members"]) for g in started.json()["groups"])
            await end_round_now(server, session_id)
            ended = [await ws.expect("networking.ended") for ws in sockets]
            assert all(len(e["partner"]) == 1 for e in ended)
        fourth = await server.http.post(
            "/api/v1/networking/rounds",
            json={"session_id": session_id, "duration_seconds": 60},
            headers=moderator.headers,
        )
        sat_out = [await ws.expect("networking.sat_out") for ws in sockets]

    everyone = {frozenset(pair) for pair in itertools.combinations([p.id for p in people], 2)}
    assert sorted(seen, key=sorted) == sorted(everyone, key=sorted)  # six pairs, each exactly once
    assert (fourth.json()["groups"], sorted(fourth.json()["unpaired"])) == ([], sorted(p.id for p in people))
    assert {e["round_id"] for e in sat_out} == {fourth.json()["id"]}


async def test_round_needs_a_moderator_and_a_networking_session(server):
    session_id = await lobby_id(server)
    attendee = await server.account(name="Ana")
    moderator = await server.account(role="moderator", name="Mod")
    async with server.app.state.db.reader() as db:
        plenary = (await programme.session_ids(db))["opening-plenary"]

    forbidden = await server.http.post(
        "/api/v1/networking/rounds",
        json={"session_id": session_id, "duration_seconds": 60},
        headers=attendee.headers,
    )
    not_networking = await server.http.post(
        "/api/v1/networking/rounds",
        json={"session_id": plenary, "duration_seconds": 60},
        headers=moderator.headers,
    )
    too_short = await server.http.post(
        "/api/v1/networking/rounds",
        json={"session_id": session_id, "duration_seconds": 59},
        headers=moderator.headers,
    )

    assert forbidden.status_code == 403
    assert (not_networking.status_code, not_networking.json()["error"]["fields"]) == (
        422,
        {"session_id": "is not a networking session"},
    )
    assert (too_short.status_code, too_short.json()["error"]["fields"]) == (
        422,
        {"duration_seconds": "must be at least 60"},
    )


async def test_speed_partners_are_not_recommended_afterwards_and_can_connect(server):
    session_id = await lobby_id(server)
    moderator = await server.account(role="moderator", name="Mod")
    ana = await server.account(name="Ana", languages=["en"], themes=["ecosystems"])
    ben = await server.account(name="Ben", languages=["en"], themes=["ecosystems"])
    async with server.ws(ana) as ana_ws, server.ws(ben) as ben_ws:
        await ana_ws.join(f"networking:{session_id}")
        await ben_ws.join(f"networking:{session_id}")
        before = (await server.http.get("/api/v1/me/recommendations", headers=ana.headers)).json()
        await server.http.post(
            "/api/v1/networking/rounds",
            json={"session_id": session_id, "duration_seconds": 60},
            headers=moderator.headers,
        )
        lobby = (await server.http.get(f"/api/v1/networking/{session_id}", headers=ana.headers)).json()
        await end_round_now(server, session_id)
        await ana_ws.expect("networking.ended")
        after = (await server.http.get("/api/v1/me/recommendations", headers=ana.headers)).json()
        await server.http.post(f"/api/v1/people/{ben.id}/connect", headers=ana.headers)
        asked = await ben_ws.expect("connection.requested")

    assert [r["user"]["id"] for r in before] == [ben.id, moderator.id]  # themes in common first
    assert (lobby["round"]["running"], [p["id"] for p in lobby["mine"]["partner"]]) == (True, [ben.id])
    assert [r["user"]["id"] for r in after] == [moderator.id]
    assert asked["user"]["id"] == ana.id
