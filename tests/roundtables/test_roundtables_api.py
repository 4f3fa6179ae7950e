"""The roundtables API on SQLite and Postgres: seats left, join, move, leave, 409 when full, and
30 people racing for 8 seats."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from conference.db.models import TableSeat
from tests.support import make_account

API = "/api/v1"


@pytest.fixture
async def guest(client, app):
    return await make_account(client, app, name="Gia Guest")


async def test_tables_show_seats_left_to_signed_in_people(client, roundtable, guest):
    response = await client.get(f"{API}/sessions/{roundtable['session_id']}/tables", headers=guest.headers)

    body = response.json()
    assert response.status_code == 200
    assert body["my_table_id"] is None
    assert [(t["id"], t["seats"], t["taken"], t["left"]) for t in body["tables"]] == [
        (roundtable["tables"][key], seats, 0, seats)
        for key, seats in [
            ("pl4se", 12),
            ("plp-impact-measurement", 10),
            ("plp-internationalisation-women", 12),
            ("plp-stakeholders", 10),
            ("plp-rrr", 10),
            ("plp-silk", 8),
        ]
    ]
    assert all("video_url" not in t for t in body["tables"])  # only for the table you sit at


async def test_tables_need_sign_in_and_a_known_session(client, roundtable, guest):
    anonymous = await client.get(f"{API}/sessions/{roundtable['session_id']}/tables")
    unknown = await client.get(f"{API}/sessions/999999/tables", headers=guest.headers)
    no_table = await client.post(f"{API}/tables/999999/join", headers=guest.headers)

    assert [anonymous.status_code, unknown.status_code, no_table.status_code] == [401, 404, 404]


async def test_join_then_join_another_table_moves_the_seat(client, roundtable, guest):
    first, second = roundtable["tables"]["pl4se"], roundtable["tables"]["plp-silk"]

    joined = await client.post(f"{API}/tables/{first}/join", headers=guest.headers)
    moved = await client.post(f"{API}/tables/{second}/join", headers=guest.headers)

    tables = {t["id"]: t for t in moved.json()["tables"]}
    assert (joined.status_code, joined.json()["my_table_id"]) == (200, first)
    assert (moved.status_code, moved.json()["my_table_id"]) == (200, second)
    assert (tables[first]["taken"], tables[second]["taken"], tables[second]["left"]) == (0, 1, 7)
    assert tables[second]["video_url"].startswith("https://meet.jit.si/room")
    assert tables[second]["video_url"].endswith("#userInfo.displayName=%22Gia%20Guest%22")
    assert tables[second]["channel"] == f"table:{second}"
    assert "video_url" not in tables[first]


async def test_leave_frees_the_seat(client, roundtable, guest):
    table = roundtable["tables"]["plp-silk"]
    await client.post(f"{API}/tables/{table}/join", headers=guest.headers)

    response = await client.post(f"{API}/tables/{table}/leave", headers=guest.headers)

    silk = next(t for t in response.json()["tables"] if t["id"] == table)
    assert (response.status_code, response.json()["my_table_id"], silk["left"]) == (200, None, 8)


async def test_cookie_join_needs_the_csrf_token(client, roundtable, guest):
    table = roundtable["tables"]["plp-silk"]
    login = await client.post(f"{API}/auth/login", json={"email": guest.email, "password": guest.password})
    assert login.status_code == 200

    refused = await client.post(f"{API}/tables/{table}/join")
    accepted = await client.post(
        f"{API}/tables/{table}/join", headers={"X-CSRF-Token": login.json()["csrf_token"]}
    )

    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "csrf")
    assert accepted.status_code == 200


async def test_thirty_simultaneous_joins_on_eight_seats_seat_exactly_eight(client, app, roundtable):
    table = roundtable["tables"]["plp-silk"]
    people = [await make_account(client, app) for _ in range(30)]

    responses = await asyncio.gather(
        *(client.post(f"{API}/tables/{table}/join", headers=p.headers) for p in people)
    )

    statuses = sorted(r.status_code for r in responses)
    refused = [r.json()["error"] for r in responses if r.status_code == 409]
    async with app.state.db.reader() as db:
        seated = await db.scalar(select(func.count()).where(TableSeat.table_id == table))
    assert (statuses.count(200), statuses.count(409), seated) == (8, 22, 8)
    assert {e["code"] for e in refused} == {"conflict"}
    assert "all 8 seats are taken" in refused[0]["message"]


async def test_programme_shows_seats_taken_right_after_a_join(client, roundtable, guest):
    table = roundtable["tables"]["plp-silk"]
    await client.get(f"{API}/programme")  # fills the programme cache

    await client.post(f"{API}/tables/{table}/join", headers=guest.headers)

    body = (await client.get(f"{API}/programme")).json()
    tables = [t for d in body["days"] for s in d["sessions"] for t in s.get("tables") or []]
    assert next(t["taken"] for t in tables if t["id"] == table) == 1
