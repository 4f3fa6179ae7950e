"""Polls over real websockets: create (moderators), vote and change a vote, close, bad input."""

from __future__ import annotations

import pytest

from tests.rooms.rooms_support import answer, join_room, make_session, without


def poll(id, channel, counts, closed=False, version=1, question="Best?", options=("A", "B", "C")):
    return {
        "type": "poll",
        "channel": channel,
        "id": id,
        "question": question,
        "options": list(options),
        "counts": counts,
        "closed": closed,
        "version": version,
    }


async def started(live_server, mod_ws, channel, options=("A", "B", "C")):
    return await answer(
        mod_ws,
        {"type": "poll.create", "channel": channel, "question": "Best?", "options": list(options)},
        "new",
    )


async def test_poll_create_reaches_every_member(live_server):
    session = await make_session(live_server.app)
    channel = f"session:{session}"
    mod, ada = await live_server.account(role="moderator"), await live_server.account()
    async with live_server.ws(mod) as m, live_server.ws(ada) as a:
        await join_room(m, channel)
        await join_room(a, channel)

        created = await started(live_server, m, channel)
        seen = await a.expect("poll")

    assert created == {**poll(created["id"], channel, [0, 0, 0]), "ref": "new"}
    assert seen == poll(created["id"], channel, [0, 0, 0])


async def test_poll_create_by_attendee_is_forbidden(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada) as a:
        refused = await answer(
            a, {"type": "poll.create", "channel": "session:1", "question": "Q", "options": ["A", "B"]}
        )

    assert refused["code"] == "forbidden"


@pytest.mark.parametrize(
    ("question", "options", "field"),
    [
        ("", ["A", "B"], "question"),
        ("Q", ["A"], "options"),
        ("Q", ["A", "  "], "options"),
        ("Q", ["Same", "same"], "options"),
        ("Q", [f"o{i}" for i in range(11)], "options"),
        ("Q", "A,B", "options"),
        ("Q", ["A", 2], "options"),
    ],
)
async def test_poll_create_bad_input_is_invalid(live_server, question, options, field):
    mod = await live_server.account(role="moderator")
    async with live_server.ws(mod) as m:
        refused = await answer(
            m, {"type": "poll.create", "channel": "session:1", "question": question, "options": options}
        )

    assert (refused["code"], field in refused["fields"]) == ("invalid", True)


async def test_poll_vote_and_change_of_vote_move_the_counts(live_server):
    session = await make_session(live_server.app)
    channel = f"session:{session}"
    mod, ada, bob = (
        await live_server.account(role="moderator"),
        await live_server.account(),
        await live_server.account(),
    )
    async with live_server.ws(mod) as m, live_server.ws(ada) as a, live_server.ws(bob) as b:
        for ws in (m, a, b):
            await join_room(ws, channel)
        created = await started(live_server, m, channel)
        pid = created["id"]

        first = await answer(a, {"type": "poll.vote", "poll_id": pid, "option": 0}, "1")
        second = await answer(b, {"type": "poll.vote", "poll_id": pid, "option": 0}, "2")
        changed = await answer(a, {"type": "poll.vote", "poll_id": pid, "option": 2}, "3")
        final = await m.expect(lambda e: e.get("type") == "poll" and e["version"] == 4)
        state = await join_room(b, channel)

    assert without(first, "ref") == {**poll(pid, channel, [1, 0, 0], version=2), "my_vote": 0}
    assert without(second, "ref") == {**poll(pid, channel, [2, 0, 0], version=3), "my_vote": 0}
    assert without(changed, "ref") == {**poll(pid, channel, [1, 0, 1], version=4), "my_vote": 2}
    assert final == poll(pid, channel, [1, 0, 1], version=4)
    assert state["polls"] == [{**without(poll(pid, channel, [1, 0, 1], version=4), "type"), "my_vote": 0}]


@pytest.mark.parametrize("option", [-1, 3, 99, "1", True, 1.5, None])
async def test_poll_vote_bad_option_is_invalid(live_server, option):
    mod, ada = await live_server.account(role="moderator"), await live_server.account()
    async with live_server.ws(mod) as m, live_server.ws(ada) as a:
        created = await started(live_server, m, "session:1")

        refused = await answer(a, {"type": "poll.vote", "poll_id": created["id"], "option": option})

    assert (refused["code"], "option" in refused["fields"]) == ("invalid", True)


async def test_poll_vote_on_closed_poll_is_refused_and_counts_stay(live_server):
    session = await make_session(live_server.app)
    channel = f"session:{session}"
    mod, ada, bob = (
        await live_server.account(role="moderator"),
        await live_server.account(),
        await live_server.account(),
    )
    async with live_server.ws(mod) as m, live_server.ws(ada) as a, live_server.ws(bob) as b:
        await join_room(b, channel)
        created = await started(live_server, m, channel)
        await answer(a, {"type": "poll.vote", "poll_id": created["id"], "option": 1})

        closed = await answer(m, {"type": "poll.close", "poll_id": created["id"]}, "close")
        seen = await b.expect(lambda e: e.get("type") == "poll" and e["closed"])
        refused = await answer(a, {"type": "poll.vote", "poll_id": created["id"], "option": 0}, "late")

    assert without(closed, "ref") == poll(created["id"], channel, [0, 1, 0], closed=True, version=3)
    assert seen == poll(created["id"], channel, [0, 1, 0], closed=True, version=3)
    assert refused["code"] == "invalid"


async def test_poll_close_by_attendee_is_forbidden_and_unknown_poll_is_not_found(live_server):
    mod, ada = await live_server.account(role="moderator"), await live_server.account()
    async with live_server.ws(mod) as m, live_server.ws(ada) as a:
        created = await started(live_server, m, "session:1")

        refused = await answer(a, {"type": "poll.close", "poll_id": created["id"]}, "1")
        unknown_vote = await answer(a, {"type": "poll.vote", "poll_id": created["id"] + 50, "option": 0}, "2")
        unknown_close = await answer(m, {"type": "poll.close", "poll_id": created["id"] + 50}, "3")

    assert [e["code"] for e in (refused, unknown_vote, unknown_close)] == [
        "forbidden",
        "not_found",
        "not_found",
    ]


async def test_poll_vote_needs_membership_of_the_polls_room(live_server):
    mod, ada = await live_server.account(role="moderator"), await live_server.account()
    async with live_server.ws(mod) as m, live_server.ws(ada) as a:
        created = await started(live_server, m, "breakout:4")  # moderators may enter any breakout

        refused = await answer(a, {"type": "poll.vote", "poll_id": created["id"], "option": 0})

    assert refused["code"] == "forbidden"


async def test_session_polls_api_lists_counts_and_own_choice(live_server):
    session = await make_session(live_server.app)
    channel = f"session:{session}"
    mod, ada = await live_server.account(role="moderator"), await live_server.account()
    async with live_server.ws(mod) as m, live_server.ws(ada) as a:
        created = await started(live_server, m, channel, options=("Yes", "No"))
        await answer(a, {"type": "poll.vote", "poll_id": created["id"], "option": 1})

    response = await live_server.http.get(f"/api/v1/sessions/{session}/polls", headers=ada.headers)

    assert response.status_code == 200
    assert response.json() == {
        "polls": [
            {
                **without(poll(created["id"], channel, [0, 1], version=2, options=("Yes", "No")), "type"),
                "my_vote": 1,
            }
        ]
    }
