"""Domain rules of Q&A, polls, moderation and blocks, straight on the database (both backends)."""

from __future__ import annotations

import pytest

from conference import live_state, moderation, polls, qa
from conference.accounts import create_user
from conference.errors import Conflict, Forbidden, Invalid, Muted, NotFound, RateLimited


async def person(app, name: str, role: str = "attendee"):
    async with app.state.db.session() as db:
        return await create_user(
            db,
            f"{name.lower()}@example.org",
            "correct horse battery",
            {"name": name},
            role=role,
            hash_cost=10,
        )


async def test_question_vote_counts_once_per_person(app):
    ada, grace = await person(app, "Ada"), await person(app, "Grace")
    async with app.state.db.session() as db:
        asked = await qa.ask(db, ada, "session:1", "  Why?  ", moderated=False)

    async with app.state.db.session() as db:
        first, first_changed = await qa.vote(db, grace, asked.id)
    async with app.state.db.session() as db:
        second, second_changed = await qa.vote(db, grace, asked.id)

    assert (asked.body, asked.status, asked.votes) == ("Why?", "visible", 0)
    assert (first.votes, first_changed, second.votes, second_changed) == (1, True, 1, False)


async def test_question_vote_own_is_forbidden(app):
    ada = await person(app, "Ada")
    async with app.state.db.session() as db:
        asked = await qa.ask(db, ada, "session:1", "Mine", moderated=False)

    with pytest.raises(Forbidden):
        async with app.state.db.session() as db:
            await qa.vote(db, ada, asked.id)


async def test_question_pending_seen_by_author_and_moderators_only(app):
    ada, grace, mod = (
        await person(app, "Ada"),
        await person(app, "Grace"),
        await person(app, "Mo", "moderator"),
    )
    async with app.state.db.session() as db:
        asked = await qa.ask(db, ada, "session:1", "Held?", moderated=True)

    async with app.state.db.reader() as db:
        seen = {
            who.name: [q.id for q in await qa.for_viewer(db, who, "session:1")] for who in (ada, grace, mod)
        }
        with pytest.raises(NotFound):
            await qa.vote(db, grace, asked.id)

    assert seen == {"Ada": [asked.id], "Grace": [], "Mo": [asked.id]}


async def test_question_moderate_by_attendee_is_forbidden(app):
    ada, grace = await person(app, "Ada"), await person(app, "Grace")
    async with app.state.db.session() as db:
        asked = await qa.ask(db, ada, "session:1", "Q", moderated=False)

    with pytest.raises(Forbidden):
        async with app.state.db.session() as db:
            await qa.moderate(db, grace, asked.id, "pinned")


async def test_poll_vote_change_and_counts_align_with_options(app):
    mod, ada, grace = (
        await person(app, "Mo", "moderator"),
        await person(app, "Ada"),
        await person(app, "Grace"),
    )
    async with app.state.db.session() as db:
        created = await polls.create(db, mod, "session:1", "Best?", ["A", "B", "C"])

    for who, option in ((ada, 0), (grace, 0), (ada, 2)):
        async with app.state.db.session() as db:
            result = await polls.vote(db, who, await polls.get(db, created.id), option)

    assert result.event() == {
        "type": "poll",
        "channel": "session:1",
        "id": created.id,
        "question": "Best?",
        "options": ["A", "B", "C"],
        "counts": [1, 0, 1],
        "closed": False,
        "version": 4,
    }


@pytest.mark.parametrize("option", [-1, 3, "0", True, None, 1.0])
async def test_poll_vote_bad_option_is_invalid(app, option):
    mod, ada = await person(app, "Mo", "moderator"), await person(app, "Ada")
    async with app.state.db.session() as db:
        created = await polls.create(db, mod, "session:1", "Best?", ["A", "B", "C"])

    with pytest.raises(Invalid):
        async with app.state.db.session() as db:
            await polls.vote(db, ada, await polls.get(db, created.id), option)


async def test_poll_vote_after_close_is_refused(app):
    mod, ada = await person(app, "Mo", "moderator"), await person(app, "Ada")
    async with app.state.db.session() as db:
        created = await polls.create(db, mod, "session:1", "Best?", ["A", "B"])
        closed, changed = await polls.close(db, mod, await polls.get(db, created.id))

    with pytest.raises(Conflict):
        async with app.state.db.session() as db:
            await polls.vote(db, ada, await polls.get(db, created.id), 1)

    assert (closed.closed, changed) == (True, True)


@pytest.mark.parametrize(
    ("question", "options"),
    [
        ("", ["A", "B"]),
        ("Q", ["A"]),
        ("Q", ["A", " "]),
        ("Q", ["A", "a"]),
        ("Q", "A,B"),
        ("Q", [str(i) for i in range(11)]),
    ],
)
async def test_poll_create_bad_input_is_invalid(app, question, options):
    mod = await person(app, "Mo", "moderator")

    with pytest.raises(Invalid):
        async with app.state.db.session() as db:
            await polls.create(db, mod, "session:1", question, options)


async def test_mute_then_admit_raises_muted_and_zero_lifts_it(app):
    mod, ada = await person(app, "Mo", "moderator"), await person(app, "Ada")
    async with app.state.db.session() as db:
        await moderation.mute(db, mod, "session:1", ada.id, 5)

    with pytest.raises(Muted):
        async with app.state.db.session() as db:
            await moderation.admit_message(db, ada, "session:1")
    async with app.state.db.session() as db:
        await moderation.admit_message(db, ada, "session:2")
        await moderation.mute(db, mod, "session:1", ada.id, 0)
    async with app.state.db.session() as db:
        await moderation.admit_message(db, ada, "session:1")


async def test_slow_mode_admits_one_message_per_period(app):
    mod, ada = await person(app, "Mo", "moderator"), await person(app, "Ada")
    async with app.state.db.session() as db:
        await moderation.set_slow_mode(db, mod, "session:1", 30)
        await moderation.admit_message(db, ada, "session:1")

    with pytest.raises(RateLimited) as refused:
        async with app.state.db.session() as db:
            await moderation.admit_message(db, ada, "session:1")
    async with app.state.db.session() as db:
        await moderation.admit_message(db, mod, "session:1")
        await moderation.admit_message(db, mod, "session:1")

    assert 0 < refused.value.retry_after <= 30


async def test_block_works_both_ways(app):
    ada, grace, alan = await person(app, "Ada"), await person(app, "Grace"), await person(app, "Alan")
    async with app.state.db.session() as db:
        assert await moderation.block(db, grace.id, ada.id) is True
        assert await moderation.block(db, grace.id, ada.id) is False

    async with app.state.db.reader() as db:
        found = (
            await moderation.is_blocked(db, ada.id, grace.id),
            await moderation.is_blocked(db, grace.id, ada.id),
            await moderation.is_blocked(db, ada.id, alan.id),
        )

    assert found == (True, True, False)


async def test_send_rules_read_mute_and_slow_mode_together(app):
    mod, ada = await person(app, "Mo", "moderator"), await person(app, "Ada")
    async with app.state.db.session() as db:
        until = await moderation.mute(db, mod, "session:1", ada.id, 5)
        await moderation.set_slow_mode(db, mod, "session:1", 20)

    async with app.state.db.reader() as db:
        here = await moderation.send_rules(db, "session:1", ada.id)
        elsewhere = await moderation.send_rules(db, "session:2", ada.id)

    assert here == moderation.SendRules(until, 20)
    assert elsewhere == moderation.SendRules(None, 0)


async def test_room_state_and_fingerprint_follow_every_change(app):
    mod, ada, bob = await person(app, "Mo", "moderator"), await person(app, "Ada"), await person(app, "Bob")
    async with app.state.db.reader() as db:
        empty = await live_state.fingerprint(db, "session:1")
    async with app.state.db.session() as db:
        asked = await qa.ask(db, ada, "session:1", "Q?", moderated=False)
        created = await polls.create(db, mod, "session:1", "P?", ["A", "B"])
    async with app.state.db.reader() as db:
        before = await live_state.fingerprint(db, "session:1")
    async with app.state.db.session() as db:
        await qa.vote(db, bob, asked.id)
        await polls.vote(db, bob, await polls.get(db, created.id), 1)
        await moderation.set_slow_mode(db, mod, "session:1", 15)
        await moderation.mute(db, mod, "session:1", ada.id, 3)

    async with app.state.db.reader() as db:
        after = await live_state.fingerprint(db, "session:1")
        state = await live_state.room_state(db, bob, "session:1")
        rules = await moderation.channel_rules(db, "session:1")

    assert (empty, before, after) == ((0, 0, 0, 0, 0), (1, 1, 1, 1, 0), (1, 2, 1, 2, 15))
    assert state.fingerprint == after
    assert [(q["id"], q["votes"], q["voted"]) for q in state.questions] == [(asked.id, 1, True)]
    assert [(p["id"], p["counts"], p["my_vote"]) for p in state.polls] == [(created.id, [0, 1], 1)]
    assert (state.slow_mode, state.muted_until) == (15, None)
    assert (rules.slow_mode_seconds, sorted(rules.muted), rules.muted_until(ada.id) is not None) == (
        15,
        [ada.id],
        True,
    )
