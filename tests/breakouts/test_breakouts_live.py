"""Breakouts over a real server: open assigns the people present, broadcast, extend, move, close,
latecomers, the room channels' members, and the timer closing rooms whose time is up."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import datetime, timedelta

from sqlalchemy import select

from conference import breakouts, programme
from conference.db.base import Database, utcnow
from conference.db.models import BreakoutRound, Session
from conference.schedule.loader import load_programme_file
from tests.conftest import ROOT, make_settings

API = "/api/v1"


async def load_breakout_session(app) -> int:
    async with app.state.db.session() as db:
        await programme.replace_programme(db, load_programme_file(ROOT / "schedule.yaml"))
    async with app.state.db.reader() as db:
        return await db.scalar(select(Session.id).where(Session.key == "breakout-legal-forms"))


class Room:
    """A moderator and attendees connected to the breakout session's main room."""

    def __init__(self, server, session_id, moderator, attendees, sockets):
        self.server = server
        self.session_id = session_id
        self.moderator = moderator
        self.attendees = attendees
        self.sockets = sockets

    async def post(self, path, body=None, who=None):
        who = who or self.moderator
        return await self.server.http.post(
            f"{API}/sessions/{self.session_id}/breakouts{path}", json=body or {}, headers=who.headers
        )


async def enter(stack: AsyncExitStack, server, count: int, **profile) -> Room:
    session_id = await load_breakout_session(server.app)
    moderator = await server.account("moderator", name="Mona Moderator")
    attendees = [await server.account(name=f"Attendee {n}", **profile) for n in range(count)]
    sockets = []
    for person in [moderator, *attendees]:
        ws = await stack.enter_async_context(server.ws(person))
        await ws.join(f"session:{session_id}")
        sockets.append(ws)
    return Room(server, session_id, moderator, attendees, sockets)


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def test_open_assigns_each_present_attendee_a_room_with_video_and_end(live_server):
    async with AsyncExitStack() as stack:
        room = await enter(stack, live_server, 3)
        created = await room.post("", {"rooms": 2, "mode": "random", "duration_minutes": 15})

        opened = await room.post("/open")

        assigned = [await ws.expect("breakout.assigned") for ws in room.sockets[1:]]
        rooms = {r["id"]: r for r in opened.json()["rooms"]}
        assert created.status_code == 201
        assert opened.status_code == 200
        assert sorted(r["count"] for r in rooms.values()) == [1, 2]
        for person, event in zip(room.attendees, assigned, strict=True):
            members = [m["id"] for m in rooms[event["room_id"]]["members"]]
            assert person.id in members
            assert event["channel"] == f"breakout:{event['room_id']}"
            assert event["session_id"] == room.session_id
            assert event["video_url"].startswith("https://meet.jit.si/room")
            assert event["video_url"].endswith(
                "#userInfo.displayName=" + f"%22{person.name.replace(' ', '%20')}%22"
            )
            assert parse_time(event["ends_at"]) - parse_time(event["now"]) > timedelta(minutes=14)
        assert len({e["video_url"].split("#")[0] for e in assigned}) == 2  # one video room per room


async def test_room_channel_is_for_its_members_and_history_stays_after_close(live_server):
    async with AsyncExitStack() as stack:
        room = await enter(stack, live_server, 2)
        await room.post("", {"rooms": 2, "mode": "random", "duration_minutes": 15})
        await room.post("/open")
        first, second = [await ws.expect("breakout.assigned") for ws in room.sockets[1:]]
        await room.sockets[1].join(first["channel"])
        await room.sockets[1].chat(first["channel"], "notes from room one", "n1")

        await room.sockets[2].send({"type": "join", "channel": first["channel"], "ref": "x"})
        refused = await room.sockets[2].expect("error")
        await room.post("/close")
        closed = await room.sockets[1].expect("breakout.closed")
        history = await live_server.http.get(
            f"{API}/rooms/{first['channel']}/messages", headers=room.attendees[0].headers
        )

        assert first["room_id"] != second["room_id"]
        assert (refused["code"], refused["ref"]) == ("forbidden", "x")
        assert (closed["room_id"], closed["reason"]) == (first["room_id"], "moderator")
        assert [m["body"] for m in history.json()] == ["notes from room one"]


async def test_broadcast_reaches_every_room(live_server):
    async with AsyncExitStack() as stack:
        room = await enter(stack, live_server, 2)
        await room.post("", {"rooms": 2, "mode": "random", "duration_minutes": 15})
        await room.post("/open")
        for ws in room.sockets[1:]:
            assigned = await ws.expect("breakout.assigned")
            await ws.join(assigned["channel"])

        response = await room.post("/broadcast", {"body": "  Five minutes left  "})

        received = [await ws.expect("breakout.broadcast") for ws in room.sockets[1:]]
        assert response.status_code == 200
        assert [(e["body"], e["user"]["name"]) for e in received] == [
            ("Five minutes left", "Mona Moderator")
        ] * 2
        assert {e["channel"] for e in received} == {f"breakout:{r}" for r in response.json()["rooms"]}


async def test_extend_pushes_assigned_again_with_the_new_end(live_server):
    async with AsyncExitStack() as stack:
        room = await enter(stack, live_server, 2)
        await room.post("", {"rooms": 2, "mode": "random", "duration_minutes": 15})
        await room.post("/open")
        before = [await ws.expect("breakout.assigned") for ws in room.sockets[1:]]

        response = await room.post("/extend", {"minutes": 5})

        after = [await ws.expect("breakout.assigned") for ws in room.sockets[1:]]
        assert response.status_code == 200
        for old, new in zip(before, after, strict=True):
            assert parse_time(new["ends_at"]) - parse_time(old["ends_at"]) == timedelta(minutes=5)
            assert (new["room_id"], new["channel"]) == (old["room_id"], old["channel"])
        assert response.json()["round"]["ends_at"] == after[0]["ends_at"]


async def test_latecomer_is_put_in_the_smallest_room(live_server):
    async with AsyncExitStack() as stack:
        room = await enter(stack, live_server, 3)
        await room.post("", {"rooms": 2, "mode": "random", "duration_minutes": 15})
        opened = (await room.post("/open")).json()
        smallest = min(opened["rooms"], key=lambda r: r["count"])
        late = await live_server.account(name="Late Larry")
        ws = await stack.enter_async_context(live_server.ws(late))

        await ws.join(f"session:{room.session_id}")

        assigned = await ws.expect("breakout.assigned")
        listed = (
            await live_server.http.get(f"{API}/sessions/{room.session_id}/breakouts", headers=late.headers)
        ).json()
        assert assigned["room_id"] == smallest["id"]
        assert (listed["my_room_id"], listed["my_room"]["channel"]) == (smallest["id"], assigned["channel"])
        assert sorted(r["count"] for r in listed["rooms"]) == [2, 2]
        assert "members" not in listed["rooms"][0]  # attendees see sizes, not who is where


async def test_move_sends_the_person_to_the_new_room_and_out_of_the_old_channel(live_server):
    async with AsyncExitStack() as stack:
        room = await enter(stack, live_server, 2)
        await room.post(
            "",
            {
                "rooms": 2,
                "mode": "manual",
                "duration_minutes": 15,
                "assignments": {"0": [room.attendees[0].id], "1": [room.attendees[1].id]},
            },
        )
        await room.post("/open")
        ws = room.sockets[1]
        first = await ws.expect("breakout.assigned")
        await ws.join(first["channel"])

        response = await room.post("/move", {"user_id": room.attendees[0].id, "room_index": 1})

        moved = await ws.expect("breakout.assigned")
        removed = await ws.expect("left")
        counts = [r["count"] for r in response.json()["rooms"]]
        assert (response.status_code, counts) == (200, [0, 2])
        assert moved["room_id"] == response.json()["rooms"][1]["id"]
        assert removed == {"type": "left", "channel": first["channel"], "reason": "removed"}


async def test_self_mode_attendees_pick_a_room_up_to_its_capacity(live_server):
    async with AsyncExitStack() as stack:
        room = await enter(stack, live_server, 2)
        created = await room.post(
            "", {"rooms": ["Law", "Impact"], "mode": "self", "duration_minutes": 15, "capacity": 1}
        )
        await room.post("/open")
        law = created.json()["rooms"][0]["id"]

        joined = await live_server.http.post(f"{API}/breakouts/{law}/join", headers=room.attendees[0].headers)
        assigned = await room.sockets[1].expect("breakout.assigned")
        full = await live_server.http.post(f"{API}/breakouts/{law}/join", headers=room.attendees[1].headers)

        assert (joined.status_code, joined.json()["my_room_id"], assigned["room_id"]) == (200, law, law)
        assert full.status_code == 409
        assert full.json()["error"] == {
            "code": "conflict",
            "message": '"Law" is full (1 of 1 places taken)',
            "fields": {},
        }


async def test_timer_closes_rooms_whose_time_is_up_without_a_moderator(live_server):
    async with AsyncExitStack() as stack:
        room = await enter(stack, live_server, 2)
        await room.post("", {"rooms": 2, "mode": "random", "duration_minutes": 15})
        await room.post("/open")
        await room.sockets[0].connection.close()  # no moderator is connected any more

        async with live_server.app.state.db.session() as db:
            await breakouts.set_ends_at(db, room.session_id, utcnow() - timedelta(seconds=1))
        await asyncio.wait_for(live_server.app.state.breakout_timer.look_now(), 5)

        closed = [await ws.expect("breakout.closed") for ws in room.sockets[1:]]
        assert [e["reason"] for e in closed] == ["time", "time"]


async def test_timer_closes_overdue_rooms_after_a_restart(sqlite_url, start_live_server):
    settings = make_settings(sqlite_url)
    async with start_live_server(settings) as first, AsyncExitStack() as stack:
        room = await enter(stack, first, 2)
        await room.post("", {"rooms": 2, "mode": "random", "duration_minutes": 15})
        await room.post("/open")
    database = Database(sqlite_url)
    async with database.session() as db:
        # The rooms' time runs out while no server is running.
        await breakouts.set_ends_at(db, room.session_id, utcnow() - timedelta(minutes=1))
    await database.close()

    async with start_live_server(settings) as second:
        await asyncio.wait_for(second.app.state.breakout_timer.look_now(), 5)
        async with second.app.state.db.reader() as db:
            round_ = await db.scalar(select(BreakoutRound))

    assert (round_.status, round_.close_reason) == ("closed", "time")
