"""Organiser actions reaching open websockets on a real server: agenda pushes, notices, announcements,
deactivation and role changes."""

import pytest

from conference import programme
from conference.realtime.channels import session_channel
from conference.schedule.loader import load_programme_file
from tests.conftest import ROOT

API = "/api/v1"


@pytest.fixture
async def server(live_server):
    async with live_server.app.state.db.session() as db:
        await programme.replace_programme(db, load_programme_file(ROOT / "schedule.yaml"))
    return live_server


async def session_by_key(server, key: str) -> dict:
    body = (await server.http.get(f"{API}/programme")).json()
    return next(s for day in body["days"] for s in day["sessions"] if s["key"] == key)


async def test_a_moved_session_reaches_every_connected_client(server):
    organiser = await server.account(role="organiser")
    attendee = await server.account()
    session = await session_by_key(server, "session-legal-research")
    async with server.ws(attendee) as ws:
        await ws.request({"type": "ping"}, "pong")  # registered with the hub

        response = await server.http.patch(
            f"{API}/sessions/{session['id']}",
            json={"start": "2021-09-13T16:00:00+02:00", "end": "2021-09-13T16:40:00+02:00"},
            headers=organiser.headers,
        )

        event = await ws.expect("agenda.updated")
    assert event == {
        "type": "agenda.updated",
        "action": "updated",
        "session_id": session["id"],
        "session": response.json(),
        "removed": False,
        "changes": ["start", "end"],
    }


async def test_a_deleted_session_is_pushed_as_removed(server):
    organiser = await server.account(role="organiser")
    session = await session_by_key(server, "breakout-legal-forms")
    async with server.ws(organiser) as ws:
        await ws.request({"type": "ping"}, "pong")

        await server.http.delete(f"{API}/sessions/{session['id']}", headers=organiser.headers)

        event = await ws.expect("agenda.updated")
    assert (event["action"], event["session_id"], event["session"], event["removed"]) == (
        "deleted",
        session["id"],
        None,
        True,
    )


async def test_a_bookmark_holder_online_gets_the_notification(server):
    organiser = await server.account(role="organiser")
    holder = await server.account()
    session = await session_by_key(server, "session-legal-research")
    await server.http.put(f"{API}/me/bookmarks/{session['id']}", headers=holder.headers)
    async with server.ws(holder) as ws:
        await ws.request({"type": "ping"}, "pong")

        await server.http.patch(
            f"{API}/sessions/{session['id']}",
            json={"stage": "main", "start": "2021-09-13T16:00:00+02:00", "end": "2021-09-13T16:30:00+02:00"},
            headers=organiser.headers,
        )

        notice = await ws.expect("notification")
    stored = (await server.http.get(f"{API}/me/notifications", headers=holder.headers)).json()["items"][0]
    assert (notice["kind"], notice["session_id"], notice["changes"]) == (
        "session.changed",
        session["id"],
        ["start", "end", "stage"],
    )
    assert {k: v for k, v in stored.items() if k != "read"} == notice


async def test_an_announcement_reaches_everyone_online(server):
    organiser = await server.account(role="organiser")
    ada, bob = await server.account(), await server.account()
    async with server.ws(ada) as a, server.ws(bob) as b:
        await a.request({"type": "ping"}, "pong")
        await b.request({"type": "ping"}, "pong")

        response = await server.http.post(
            f"{API}/announcements",
            json={"body": "  Coffee break: back at 15:10  "},
            headers=organiser.headers,
        )

        created = response.json()
        expected = {"type": "announcement", **created}
        assert (await a.expect("announcement"), await b.expect("announcement")) == (expected, expected)
    assert response.status_code == 201
    assert (created["body"], set(created)) == ("Coffee break: back at 15:10", {"id", "body", "ts"})


async def test_a_session_announcement_reaches_only_that_room(server):
    organiser = await server.account(role="organiser")
    inside, outside = await server.account(), await server.account()
    session = await session_by_key(server, "session-legal-research")
    async with server.ws(inside) as a, server.ws(outside) as b:
        await a.join(session_channel(session["id"]))
        await b.request({"type": "ping"}, "pong")

        await server.http.post(
            f"{API}/announcements",
            json={"body": "Slides are in the chat", "session_id": session["id"]},
            headers=organiser.headers,
        )
        await server.http.post(f"{API}/announcements", json={"body": "To all"}, headers=organiser.headers)

        got = await a.expect("announcement")
        other = await b.expect("announcement")
    assert (got["body"], got["session_id"], got["session_title"]) == (
        "Slides are in the chat",
        session["id"],
        session["title"],
    )
    assert other["body"] == "To all"  # the session's announcement never reached b


async def test_deactivation_closes_the_websocket_and_ends_logins_but_keeps_messages(server):
    organiser = await server.account(role="organiser")
    ada, bob = await server.account(name="Ada"), await server.account(name="Bob")
    channel = session_channel(1)
    async with server.ws(ada) as ws:
        await ws.join(channel)
        await ws.chat(channel, "hello from Ada", "c1")

        response = await server.http.patch(
            f"{API}/users/{ada.id}", json={"active": False}, headers=organiser.headers
        )

        code, _reason = await ws.closed()
    me = await server.http.get(f"{API}/me", headers=ada.headers)
    login = await server.http.post(f"{API}/auth/login", json={"email": ada.email, "password": ada.password})
    history = (await server.http.get(f"{API}/rooms/{channel}/messages", headers=bob.headers)).json()
    assert (response.status_code, response.json()["active"]) == (200, False)
    assert code == 4401
    assert (me.status_code, login.status_code) == (401, 401)
    assert [(m["user"]["name"], m["body"]) for m in history] == [("Ada", "hello from Ada")]


async def test_reactivated_user_can_sign_in_again(server):
    organiser = await server.account(role="organiser")
    ada = await server.account()
    await server.http.patch(f"{API}/users/{ada.id}", json={"active": False}, headers=organiser.headers)

    await server.http.patch(f"{API}/users/{ada.id}", json={"active": True}, headers=organiser.headers)

    login = await server.http.post(f"{API}/auth/login", json={"email": ada.email, "password": ada.password})
    assert login.status_code == 200


async def test_a_role_change_applies_at_once_to_the_same_token(server):
    organiser = await server.account(role="organiser")
    ada = await server.account()
    refused = await server.http.get(f"{API}/admin/stats", headers=ada.headers)

    await server.http.patch(f"{API}/users/{ada.id}", json={"role": "organiser"}, headers=organiser.headers)
    allowed = await server.http.get(f"{API}/admin/stats", headers=ada.headers)
    await server.http.patch(f"{API}/users/{ada.id}", json={"role": "attendee"}, headers=organiser.headers)
    refused_again = await server.http.get(f"{API}/admin/stats", headers=ada.headers)

    assert (refused.status_code, allowed.status_code, refused_again.status_code) == (403, 200, 403)


async def test_stats_count_people_online_and_in_session_rooms(server):
    organiser = await server.account(role="organiser")
    ada, bob = await server.account(), await server.account()
    session = await session_by_key(server, "session-legal-research")
    async with server.ws(ada) as a, server.ws(bob) as b:
        await a.join(session_channel(session["id"]))
        await b.request({"type": "ping"}, "pong")

        stats = (await server.http.get(f"{API}/admin/stats", headers=organiser.headers)).json()

    assert stats["online"] == {
        "now": 2,
        "sessions": [{"session_id": session["id"], "title": session["title"], "count": 1}],
    }
    assert stats["busiest_sessions"][0]["session_id"] == session["id"]
