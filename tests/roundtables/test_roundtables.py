"""Roundtable seats: seats left, moving between tables, and no overbooking under concurrency."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from conference import roundtables
from conference.db.models import RoundTable, Session, TableSeat, User
from conference.errors import Conflict, NotFound


async def join(app, table_id, user_id):
    async with app.state.db.session() as db:
        return await roundtables.join(db, table_id, user_id)


async def test_tables_list_seats_left_in_programme_order(app, roundtable, people):
    (guest,) = await people(1)
    await join(app, roundtable["tables"]["plp-silk"], guest)

    async with app.state.db.reader() as db:
        tables = await roundtables.tables(db, roundtable["session_id"])

    assert [(t["topic"][:20], t["seats"], t["taken"], t["left"]) for t in tables] == [
        ("Legal Ecosystems for", 12, 0, 12),
        ("Social impact measur", 10, 0, 10),
        ("The internationalisa", 12, 0, 12),
        ("Putting stakeholders", 10, 0, 10),
        ("Respond, Rebuild, Re", 10, 0, 10),
        ("Social Solidarity Ec", 8, 1, 7),
    ]


async def test_joining_another_table_moves_the_seat(app, roundtable, people):
    (guest,) = await people(1)
    first, second = roundtable["tables"]["pl4se"], roundtable["tables"]["plp-rrr"]
    await join(app, first, guest)

    change = await join(app, second, guest)

    async with app.state.db.reader() as db:
        seats = (await db.execute(select(TableSeat.table_id, TableSeat.user_id))).all()
    assert (change.previous_table_id, change.table_id) == (first, second)
    assert [tuple(s) for s in seats] == [(second, guest)]


async def test_joining_the_same_table_twice_changes_nothing(app, roundtable, people):
    (guest,) = await people(1)
    table = roundtable["tables"]["pl4se"]
    await join(app, table, guest)

    change = await join(app, table, guest)

    assert (change.changed, change.table_id) == (False, table)


async def test_full_table_is_conflict_with_a_clear_message(app, roundtable, people):
    table = roundtable["tables"]["plp-silk"]
    guests = await people(9)
    for guest in guests[:8]:
        await join(app, table, guest)

    with pytest.raises(Conflict) as full:
        await join(app, table, guests[8])

    assert full.value.message.startswith('"Social Solidarity Economy International Learning')
    assert "is full: all 8 seats are taken" in full.value.message


async def test_leave_frees_the_seat(app, roundtable, people):
    (guest,) = await people(1)
    table = roundtable["tables"]["plp-silk"]
    await join(app, table, guest)

    async with app.state.db.session() as db:
        change = await roundtables.leave(db, table, guest)
    async with app.state.db.reader() as db:
        left = await roundtables.taken(db, table)

    assert (change.previous_table_id, change.table_id, left) == (table, None, 0)


async def test_unknown_table_is_not_found(app, roundtable, people):
    (guest,) = await people(1)

    with pytest.raises(NotFound):
        await join(app, 999_999, guest)


async def test_thirty_concurrent_joins_seat_exactly_eight(app, roundtable, people):
    table = roundtable["tables"]["plp-silk"]
    guests = await people(30)

    async def attempt(user_id):
        try:
            await join(app, table, user_id)
            return "seated"
        except Conflict:
            return "full"

    outcomes = await asyncio.gather(*(attempt(g) for g in guests))

    async with app.state.db.reader() as db:
        stored = await db.scalar(select(func.count()).where(TableSeat.table_id == table))
    assert (outcomes.count("seated"), outcomes.count("full"), stored) == (8, 22, 8)


async def test_table_membership_for_seated_host_and_moderator(app, roundtable, people):
    seated, outsider, host = await people(3)
    (moderator,) = await people(1, "moderator")
    table = roundtable["tables"]["plp-silk"]
    await join(app, table, seated)
    async with app.state.db.session() as db:
        (await db.get(RoundTable, table)).host_user_id = host

    async with app.state.db.reader() as db:
        allowed = [
            await roundtables.is_table_member(db, await db.get(User, uid), table)
            for uid in (seated, outsider, host, moderator)
        ]

    assert allowed == [True, False, True, True]


async def test_join_waits_for_the_seating_of_a_ranked_session(app, roundtable, people):
    (guest,) = await people(1)
    async with app.state.db.session() as db:
        (await db.get(Session, roundtable["session_id"])).seating_mode = "ranked"

    with pytest.raises(Conflict) as waiting:
        await join(app, roundtable["tables"]["plp-silk"], guest)

    async with app.state.db.reader() as db:
        seated = await db.scalar(select(func.count()).select_from(TableSeat))
    assert "rank your tables" in waiting.value.message
    assert seated == 0
