"""The breakouts API on SQLite and Postgres: permissions, and every bad input answered with nothing
changed."""

from __future__ import annotations

import pytest

from tests.support import make_account

API = "/api/v1"


@pytest.fixture
async def moderator(client, app):
    return await make_account(client, app, "moderator", name="Mona")


@pytest.fixture
async def attendee(client, app):
    return await make_account(client, app, name="Ann")


async def state(client, session_id, who):
    response = await client.get(f"{API}/sessions/{session_id}/breakouts", headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()


def without_clock(body):
    return {k: v for k, v in body.items() if k != "now"}


@pytest.mark.parametrize("path", ["", "/open", "/broadcast", "/extend", "/close", "/move"])
async def test_attendee_cannot_run_breakouts(client, breakout_session, attendee, moderator, path):
    await client.post(
        f"{API}/sessions/{breakout_session}/breakouts",
        json={"rooms": 2, "mode": "manual", "duration_minutes": 5},
        headers=moderator.headers,
    )
    before = await state(client, breakout_session, moderator)
    body = {"rooms": 3, "mode": "random", "duration_minutes": 5, "body": "hi", "minutes": 5}

    response = await client.post(
        f"{API}/sessions/{breakout_session}/breakouts{path}",
        json={**body, "user_id": attendee.id, "room_index": 1},
        headers=attendee.headers,
    )

    assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")
    assert without_clock(await state(client, breakout_session, moderator)) == without_clock(before)


async def test_anonymous_cannot_list_breakouts(client, breakout_session):
    response = await client.get(f"{API}/sessions/{breakout_session}/breakouts")

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rooms": 0, "mode": "random", "duration_minutes": 5}, "rooms"),
        ({"rooms": 2, "mode": "random", "duration_minutes": -5}, "duration_minutes"),
        ({"rooms": 2, "mode": "shuffle", "duration_minutes": 5}, "mode"),
        ({"rooms": [], "mode": "random", "duration_minutes": 5}, "rooms"),
    ],
)
async def test_create_bad_input_is_422_and_nothing_changes(client, breakout_session, moderator, body, field):
    response = await client.post(
        f"{API}/sessions/{breakout_session}/breakouts", json=body, headers=moderator.headers
    )

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == [field]
    assert (await state(client, breakout_session, moderator))["round"] is None


async def test_malformed_body_is_400(client, breakout_session, moderator):
    response = await client.post(
        f"{API}/sessions/{breakout_session}/breakouts",
        content=b"{rooms: 2",
        headers={**moderator.headers, "content-type": "application/json"},
    )

    assert (response.status_code, response.json()["error"]["code"]) == (400, "malformed")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "", None),
        ("POST", "", {"rooms": 2, "mode": "random", "duration_minutes": 5}),
        ("POST", "/open", {}),
        ("POST", "/broadcast", {"body": "hi"}),
        ("POST", "/extend", {"minutes": 5}),
        ("POST", "/close", {}),
        ("POST", "/move", {"user_id": 1, "room_index": 0}),
    ],
)
async def test_unknown_session_is_404(client, loaded, moderator, method, path, body):
    response = await client.request(
        method, f"{API}/sessions/999999/breakouts{path}", json=body, headers=moderator.headers
    )

    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": "no session 999999", "fields": {}}


async def test_open_with_more_rooms_than_people_is_422_and_rooms_stay_closed(
    client, breakout_session, moderator
):
    await client.post(
        f"{API}/sessions/{breakout_session}/breakouts",
        json={"rooms": 2, "mode": "random", "duration_minutes": 5},
        headers=moderator.headers,
    )
    before = await state(client, breakout_session, moderator)

    response = await client.post(
        f"{API}/sessions/{breakout_session}/breakouts/open", headers=moderator.headers
    )

    after = await state(client, breakout_session, moderator)
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"rooms": "more rooms than people (0)"}
    assert (after["round"], after["rooms"]) == (before["round"], before["rooms"])
    assert after["round"]["status"] == "draft"


@pytest.mark.parametrize(("minutes", "status"), [(-5, 422), (0, 422), ("5", 422), (None, 422)])
async def test_extend_bad_minutes_is_422(client, breakout_session, moderator, minutes, status):
    response = await client.post(
        f"{API}/sessions/{breakout_session}/breakouts/extend",
        json={"minutes": minutes},
        headers=moderator.headers,
    )

    assert (response.status_code, list(response.json()["error"]["fields"])) == (status, ["minutes"])


async def test_extend_or_close_without_open_rooms_is_409(client, breakout_session, moderator):
    responses = [
        await client.post(
            f"{API}/sessions/{breakout_session}/breakouts{path}", json=body, headers=moderator.headers
        )
        for path, body in [("/extend", {"minutes": 5}), ("/close", {}), ("/broadcast", {"body": "hi"})]
    ]

    assert [r.status_code for r in responses] == [409, 409, 409]
    assert responses[0].json()["error"]["message"] == "no breakout rooms are open in this session"


async def test_broadcast_empty_body_is_422(client, breakout_session, moderator):
    response = await client.post(
        f"{API}/sessions/{breakout_session}/breakouts/broadcast",
        json={"body": "   "},
        headers=moderator.headers,
    )

    assert (response.status_code, response.json()["error"]["fields"]) == (422, {"body": "is required"})


async def test_create_with_names_lists_rooms_for_moderator(client, breakout_session, moderator, attendee):
    response = await client.post(
        f"{API}/sessions/{breakout_session}/breakouts",
        json={
            "rooms": ["Cooperatives", "Foundations"],
            "mode": "manual",
            "duration_minutes": 20,
            "assignments": {"1": [attendee.id]},
        },
        headers=moderator.headers,
    )

    body = response.json()
    assert response.status_code == 201
    assert [(r["index"], r["name"], r["count"], r["members"]) for r in body["rooms"]] == [
        (0, "Cooperatives", 0, []),
        (1, "Foundations", 1, [{"id": attendee.id, "name": "Ann"}]),
    ]
    assert (body["round"]["mode"], body["round"]["status"], body["round"]["ends_at"]) == (
        "manual",
        "draft",
        None,
    )
    assert body["rooms"][1]["channel"] == f"breakout:{body['rooms'][1]['id']}"
