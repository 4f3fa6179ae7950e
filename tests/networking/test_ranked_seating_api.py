"""Roundtables seated by preference: switch to ranked, rank tables, run at the deadline, who is where."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from conference.db.base import utcnow
from conference.db.models import Session
from tests.networking.conftest import session_id


async def tables_of(client, account, sid: int) -> list[dict]:
    return (await client.get(f"/api/v1/sessions/{sid}/tables", headers=account.headers)).json()["tables"]


async def test_ranked_seating_end_to_end_seats_first_choices_and_lists_the_unseated(client, app, person):
    organiser = await person(role="organiser", name="Org")
    sid = await session_id(app, "roundtable-plp")
    tables = await tables_of(client, organiser, sid)
    english = [t for t in tables if t["language"] == "en"]
    small = english[0]
    await client.patch(
        f"/api/v1/sessions/{sid}",
        json={"tables": [{**t, "seats": 1 if t["id"] == small["id"] else t["seats"]} for t in tables]},
        headers=organiser.headers,
    )
    switched = await client.put(
        f"/api/v1/sessions/{sid}/seating", json={"mode": "ranked"}, headers=organiser.headers
    )
    ana = await person(name="Ana", languages=["en"])
    ben = await person(name="Ben", languages=["en"])
    kim = await person(name="Kim", languages=["ko"])  # speaks no table's language
    first = await client.put(
        f"/api/v1/sessions/{sid}/preferences",
        json={"tables": [small["id"], english[1]["id"]]},
        headers=ana.headers,
    )
    await client.put(
        f"/api/v1/sessions/{sid}/preferences", json={"tables": [small["id"]]}, headers=ben.headers
    )
    await client.put(
        f"/api/v1/sessions/{sid}/preferences", json={"tables": [english[2]["id"]]}, headers=kim.headers
    )
    direct = await client.post(f"/api/v1/tables/{small['id']}/join", headers=ben.headers)

    ran = await client.post(f"/api/v1/sessions/{sid}/seating/run", headers=organiser.headers)
    again = await client.post(f"/api/v1/sessions/{sid}/seating/run", headers=organiser.headers)
    late = await client.put(
        f"/api/v1/sessions/{sid}/preferences", json={"tables": [small["id"]]}, headers=kim.headers
    )
    anas = (await client.get(f"/api/v1/sessions/{sid}/preferences", headers=ana.headers)).json()
    kims = (await client.get(f"/api/v1/sessions/{sid}/preferences", headers=kim.headers)).json()

    assert (switched.status_code, switched.json()["seating_mode"]) == (200, "ranked")
    assert first.json()["tables"] == [small["id"], english[1]["id"]]
    assert direct.status_code == 409
    assert ran.status_code == 200
    seated = {p["name"]: (t["id"], p["rank"]) for t in ran.json()["tables"] for p in t["seated"]}
    # One seat at Ana's and Ben's first choice: the best total gives it to Ben (his only choice) and
    # Ana her second; Kim shares no language with any table.
    assert seated == {"Ana": (english[1]["id"], 2), "Ben": (small["id"], 1)}
    assert [p["name"] for p in ran.json()["unseated"]] == ["Kim"]
    assert (again.status_code, late.status_code) == (409, 409)
    assert (anas["my_table_id"], anas["seating_mode"], anas["unseated"]) == (
        english[1]["id"],
        "ranked",
        False,
    )
    assert (kims["my_table_id"], kims["tables"], kims["unseated"]) == (None, [english[2]["id"]], True)
    taken = {t["id"]: t["taken"] for t in await tables_of(client, organiser, sid)}
    assert (taken[small["id"]], taken[english[1]["id"]]) == (1, 1)


async def test_preferences_are_validated_naming_the_field(client, app, person):
    organiser = await person(role="organiser", name="Org")
    sid = await session_id(app, "roundtable-plp")
    await client.put(f"/api/v1/sessions/{sid}/seating", json={"mode": "ranked"}, headers=organiser.headers)
    ana = await person(name="Ana")
    ids = [t["id"] for t in await tables_of(client, ana, sid)]

    too_many = await client.put(
        f"/api/v1/sessions/{sid}/preferences", json={"tables": ids[:4]}, headers=ana.headers
    )
    twice = await client.put(
        f"/api/v1/sessions/{sid}/preferences", json={"tables": [ids[0], ids[0]]}, headers=ana.headers
    )
    foreign = await client.put(
        f"/api/v1/sessions/{sid}/preferences", json={"tables": [99999]}, headers=ana.headers
    )

    assert [r.status_code for r in (too_many, twice, foreign)] == [422, 422, 422]
    assert [list(r.json()["error"]["fields"]) for r in (too_many, twice, foreign)] == [["tables"]] * 3


async def test_first_come_session_takes_no_preferences_and_mode_is_for_organisers(client, app, person):
    sid = await session_id(app, "roundtable-plp")
    ana = await person(name="Ana")
    ids = [t["id"] for t in await tables_of(client, ana, sid)]

    ranked = await client.put(
        f"/api/v1/sessions/{sid}/preferences", json={"tables": ids[:1]}, headers=ana.headers
    )
    switch = await client.put(f"/api/v1/sessions/{sid}/seating", json={"mode": "ranked"}, headers=ana.headers)

    assert (ranked.status_code, switch.status_code) == (409, 403)


async def test_seating_runs_by_itself_at_the_deadline(client, app, person):
    organiser = await person(role="organiser", name="Org")
    sid = await session_id(app, "roundtable-plp")
    deadline = (utcnow() + timedelta(minutes=5)).isoformat()
    await client.put(
        f"/api/v1/sessions/{sid}/seating",
        json={"mode": "ranked", "ranking_deadline": deadline},
        headers=organiser.headers,
    )
    ana = await person(name="Ana", languages=["en"])
    table = next(t for t in await tables_of(client, ana, sid) if t["language"] == "en")
    await client.put(
        f"/api/v1/sessions/{sid}/preferences", json={"tables": [table["id"]]}, headers=ana.headers
    )
    async with app.state.db.session() as db:
        await db.execute(update(Session).where(Session.id == sid).values(ranking_deadline=utcnow()))

    await app.state.networking_timer.look_now()
    mine = (await client.get(f"/api/v1/sessions/{sid}/preferences", headers=ana.headers)).json()

    assert (mine["my_table_id"], mine["seated_at"] is not None) == (table["id"], True)
