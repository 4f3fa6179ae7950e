"""The breakout domain: creating, opening by mode, latecomers, moves, self-service, extend and close."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from conference import breakouts
from conference.breakout_plan import BreakoutPlan
from conference.db.base import utcnow
from conference.db.models import BreakoutMember, BreakoutRound, User
from conference.errors import Conflict, Forbidden, Invalid, NotFound


async def create(app, session_id, creator, **plan):
    async with app.state.db.session() as db:
        return await breakouts.create_rooms(db, session_id, BreakoutPlan.parse(plan), creator)


async def open_(app, session_id, present, seed=1):
    async with app.state.db.session() as db:
        return await breakouts.open_rooms(db, session_id, set(present), utcnow(), random.Random(seed))


def room_sizes(state):
    return [len(state.members[room.id]) for room in state.rooms]


async def test_open_random_fills_balanced_rooms_without_moderators(app, breakout_session, people):
    moderator, organiser = await people(1, "moderator"), await people(1, "organiser")
    guests = await people(11)
    await create(app, breakout_session, moderator[0], rooms=3, mode="random", duration_minutes=15)

    state = await open_(app, breakout_session, guests + moderator + organiser)

    assert sorted(room_sizes(state)) == [3, 4, 4]
    assert sorted(uid for uid, _ in state.everyone) == sorted(guests)
    assert state.round.status == "open"
    assert state.round.ends_at == state.round.opened_at + timedelta(minutes=15)


async def test_open_themes_groups_people_sharing_a_theme(app, breakout_session, people):
    legal = await people(4, themes=["legal-frameworks"])
    impact = await people(4, themes=["impact-measurement"])
    moderator = await people(1, "moderator")
    await create(
        app, breakout_session, moderator[0], rooms=["Law", "Impact"], mode="themes", duration_minutes=20
    )

    state = await open_(app, breakout_session, legal + impact, seed=7)

    assert sorted(sorted(state.members[room.id]) for room in state.rooms) == sorted([legal, impact])


async def test_open_manual_keeps_assignments_and_sends_the_rest_to_the_smallest(
    app, breakout_session, people
):
    moderator = await people(1, "moderator")
    a, b, c, d, e = await people(5)
    await create(
        app,
        breakout_session,
        moderator[0],
        rooms=2,
        mode="manual",
        duration_minutes=10,
        assignments={"0": [a, b, c]},
    )

    state = await open_(app, breakout_session, [a, d, e])

    assert [sorted(state.members[room.id]) for room in state.rooms] == [[a, b, c], [d, e]]


async def test_open_more_rooms_than_people_is_invalid_and_changes_nothing(app, breakout_session, people):
    moderator = await people(1, "moderator")
    guests = await people(2)
    created = await create(app, breakout_session, moderator[0], rooms=3, mode="random", duration_minutes=10)

    with pytest.raises(Invalid) as failure:
        await open_(app, breakout_session, guests)

    async with app.state.db.reader() as db:
        round_ = await db.get(BreakoutRound, created.round.id)
        members = await db.scalar(select(func.count()).select_from(BreakoutMember))
    assert (failure.value.fields, round_.status, round_.ends_at, members) == (
        {"rooms": "more rooms than people (2)"},
        "draft",
        None,
        0,
    )


async def test_open_over_capacity_is_invalid(app, breakout_session, people):
    moderator = await people(1, "moderator")
    guests = await people(5)
    await create(app, breakout_session, moderator[0], rooms=2, mode="random", duration_minutes=10, capacity=2)

    with pytest.raises(Invalid) as failure:
        await open_(app, breakout_session, guests)

    assert failure.value.fields == {"capacity": "too small for everyone present"}


async def test_open_twice_is_conflict(app, breakout_session, people):
    moderator = await people(1, "moderator")
    guests = await people(4)
    await create(app, breakout_session, moderator[0], rooms=2, mode="random", duration_minutes=10)
    await open_(app, breakout_session, guests)

    with pytest.raises(Conflict):
        await open_(app, breakout_session, guests)


async def test_create_while_open_is_conflict_and_draft_is_replaced(app, breakout_session, people):
    moderator = await people(1, "moderator")
    guests = await people(4)
    first = await create(app, breakout_session, moderator[0], rooms=2, mode="random", duration_minutes=10)
    second = await create(app, breakout_session, moderator[0], rooms=3, mode="random", duration_minutes=10)
    await open_(app, breakout_session, guests)

    with pytest.raises(Conflict):
        await create(app, breakout_session, moderator[0], rooms=2, mode="random", duration_minutes=10)

    async with app.state.db.reader() as db:
        rounds = (await db.execute(select(BreakoutRound.id, BreakoutRound.status).order_by("id"))).all()
    assert [tuple(r) for r in rounds] == [(first.round.id, "discarded"), (second.round.id, "open")]
    assert len(second.rooms) == 3


async def test_create_with_unknown_user_in_assignments_is_invalid(app, breakout_session, people):
    moderator = await people(1, "moderator")

    with pytest.raises(Invalid) as failure:
        await create(
            app,
            breakout_session,
            moderator[0],
            rooms=2,
            mode="manual",
            duration_minutes=10,
            assignments={"1": [999_999]},
        )

    assert failure.value.fields == {"assignments": "unknown user id(s): 999999"}


async def test_create_for_unknown_session_is_not_found(app, loaded, people):
    moderator = await people(1, "moderator")

    with pytest.raises(NotFound):
        await create(app, 999_999, moderator[0], rooms=2, mode="random", duration_minutes=10)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"rooms": 0, "mode": "random", "duration_minutes": 5}, ["rooms"]),
        ({"rooms": 51, "mode": "random", "duration_minutes": 5}, ["rooms"]),
        ({"rooms": ["A"], "mode": "random", "duration_minutes": 5}, ["rooms"]),
        ({"rooms": ["A", "A"], "mode": "random", "duration_minutes": 5}, ["rooms"]),
        ({"rooms": ["A", " "], "mode": "random", "duration_minutes": 5}, ["rooms"]),
        ({"rooms": True, "mode": "random", "duration_minutes": 5}, ["rooms"]),
        ({"rooms": 2, "mode": "lottery", "duration_minutes": 5}, ["mode"]),
        ({"rooms": 2, "mode": "random", "duration_minutes": -5}, ["duration_minutes"]),
        ({"rooms": 2, "mode": "random"}, ["duration_minutes"]),
        ({"rooms": 2, "mode": "random", "duration_minutes": 5, "capacity": 0}, ["capacity"]),
        ({"rooms": 2, "mode": "random", "duration_minutes": 5, "assignments": {"0": [1]}}, ["assignments"]),
        ({"rooms": 2, "mode": "manual", "duration_minutes": 5, "assignments": {"2": [1]}}, ["assignments"]),
        (
            {"rooms": 2, "mode": "manual", "duration_minutes": 5, "assignments": {"0": [1], "1": [1]}},
            ["assignments"],
        ),
        ({"rooms": 2, "mode": "manual", "duration_minutes": 5, "assignments": {"0": ["x"]}}, ["assignments"]),
        ({}, ["rooms", "mode", "duration_minutes"]),
    ],
)
def test_plan_refuses_bad_input_naming_the_fields(body, fields):
    with pytest.raises(Invalid) as failure:
        BreakoutPlan.parse(body)

    assert sorted(failure.value.fields) == sorted(fields)


async def test_latecomer_goes_to_the_smallest_room(app, breakout_session, people):
    moderator = await people(1, "moderator")
    guests = await people(5)
    late = await people(1)
    await create(app, breakout_session, moderator[0], rooms=2, mode="random", duration_minutes=10)
    opened = await open_(app, breakout_session, guests)
    smallest = min(opened.rooms, key=lambda r: len(opened.members[r.id]))

    async with app.state.db.session() as db:
        user = await db.get(User, late[0])
        state = await breakouts.place_latecomer(db, breakout_session, user, utcnow())

    assert state.room_of(late[0]).id == smallest.id
    assert sorted(room_sizes(state)) == [3, 3]


async def test_latecomer_who_already_has_a_room_keeps_it(app, breakout_session, people):
    moderator = await people(1, "moderator")
    guests = await people(4)
    await create(app, breakout_session, moderator[0], rooms=2, mode="random", duration_minutes=10)
    opened = await open_(app, breakout_session, guests)

    async with app.state.db.session() as db:
        user = await db.get(User, guests[0])
        state = await breakouts.place_latecomer(db, breakout_session, user, utcnow())

    assert (state.room_of(guests[0]).id, room_sizes(state)) == (opened.room_of(guests[0]).id, [2, 2])


async def test_latecomer_moderator_or_self_mode_gets_no_room(app, breakout_session, people):
    moderator = await people(1, "moderator")
    guests = await people(2)
    await create(app, breakout_session, moderator[0], rooms=2, mode="self", duration_minutes=10)
    await open_(app, breakout_session, guests)

    async with app.state.db.session() as db:
        placed = [
            await breakouts.place_latecomer(db, breakout_session, await db.get(User, uid), utcnow())
            for uid in (moderator[0], guests[0])
        ]

    assert placed == [None, None]


async def test_self_join_respects_capacity_and_moves_between_rooms(app, breakout_session, people):
    moderator = await people(1, "moderator")
    a, b, c = await people(3)
    created = await create(
        app,
        breakout_session,
        moderator[0],
        rooms=["Law", "Impact"],
        mode="self",
        duration_minutes=10,
        capacity=2,
    )
    law, impact = created.rooms

    async with app.state.db.session() as db:
        for uid in (a, b):
            await breakouts.join_room(db, law.id, await db.get(User, uid))
    with pytest.raises(Conflict) as full:
        async with app.state.db.session() as db:
            await breakouts.join_room(db, law.id, await db.get(User, c))
    async with app.state.db.session() as db:
        state, previous = await breakouts.join_room(db, impact.id, await db.get(User, a))

    assert full.value.message == '"Law" is full (2 of 2 places taken)'
    assert (previous.id, state.members[law.id], state.members[impact.id]) == (law.id, [b], [a])


async def test_self_join_in_an_assigned_round_is_forbidden(app, breakout_session, people):
    moderator = await people(1, "moderator")
    guest = await people(1)
    created = await create(app, breakout_session, moderator[0], rooms=2, mode="random", duration_minutes=10)

    with pytest.raises(Forbidden):
        async with app.state.db.session() as db:
            await breakouts.join_room(db, created.rooms[0].id, await db.get(User, guest[0]))


async def test_move_person_by_index_and_by_id(app, breakout_session, people):
    moderator = await people(1, "moderator")
    guests = await people(4)
    await create(app, breakout_session, moderator[0], rooms=2, mode="random", duration_minutes=10)
    opened = await open_(app, breakout_session, guests)
    person = opened.members[opened.rooms[0].id][0]

    async with app.state.db.session() as db:
        moved, previous = await breakouts.move_person(db, breakout_session, person, room_index=1)
    async with app.state.db.session() as db:
        back, _ = await breakouts.move_person(db, breakout_session, person, room_id=opened.rooms[0].id)

    assert (previous.id, moved.room_of(person).id) == (opened.rooms[0].id, opened.rooms[1].id)
    assert room_sizes(moved) == [1, 3]
    assert back.room_of(person).id == opened.rooms[0].id


async def test_move_to_unknown_room_is_invalid(app, breakout_session, people):
    moderator = await people(1, "moderator")
    guests = await people(2)
    await create(app, breakout_session, moderator[0], rooms=2, mode="manual", duration_minutes=10)

    with pytest.raises(Invalid):
        async with app.state.db.session() as db:
            await breakouts.move_person(db, breakout_session, guests[0], room_index=5)


async def test_extend_moves_ends_at_and_close_due_closes_only_past_rounds(app, breakout_session, people):
    moderator = await people(1, "moderator")
    guests = await people(2)
    await create(app, breakout_session, moderator[0], rooms=2, mode="random", duration_minutes=10)
    opened = await open_(app, breakout_session, guests)

    async with app.state.db.session() as db:
        extended = await breakouts.extend(db, breakout_session, 5, utcnow())
    async with app.state.db.session() as db:
        not_yet = await breakouts.close_due(db, utcnow())
    async with app.state.db.session() as db:
        await breakouts.set_ends_at(db, breakout_session, utcnow() - timedelta(seconds=1))
    async with app.state.db.session() as db:
        closed = await breakouts.close_due(db, utcnow())

    assert extended.round.ends_at == opened.round.ends_at + timedelta(minutes=5)
    assert not_yet == []
    assert [(s.round.id, s.round.status, s.round.close_reason) for s in closed] == [
        (opened.round.id, "closed", "time")
    ]


async def test_room_membership_stays_after_close(app, breakout_session, people):
    moderator = await people(1, "moderator")
    guests = await people(2)
    outsider = await people(1)
    await create(app, breakout_session, moderator[0], rooms=2, mode="random", duration_minutes=10)
    opened = await open_(app, breakout_session, guests)
    async with app.state.db.session() as db:
        await breakouts.close(db, breakout_session, utcnow())
    room = opened.room_of(guests[0])

    async with app.state.db.reader() as db:
        allowed = [
            await breakouts.is_room_member(db, await db.get(User, uid), room.id)
            for uid in (guests[0], outsider[0], moderator[0])
        ]

    assert allowed == [True, False, True]


async def test_manual_rooms_keep_their_capacity_on_open_and_on_move(app, breakout_session, people):
    moderator = await people(1, "moderator")
    a, b, c, d, e = await people(5)
    await create(
        app,
        breakout_session,
        moderator[0],
        rooms=2,
        mode="manual",
        duration_minutes=10,
        capacity=2,
        assignments={"0": [a, b]},
    )

    with pytest.raises(Invalid) as too_many:
        await open_(app, breakout_session, [a, b, c, d, e])
    opened = await open_(app, breakout_session, [a, b, c, d])
    with pytest.raises(Conflict) as full:
        async with app.state.db.session() as db:
            await breakouts.move_person(db, breakout_session, c, room_index=0)

    assert too_many.value.fields == {"capacity": "too small for everyone present"}
    assert [sorted(opened.members[r.id]) for r in opened.rooms] == [[a, b], [c, d]]
    assert full.value.message == '"Room 1" is full (2 of 2 places taken)'
