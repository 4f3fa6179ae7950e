"""Q&A over real websockets: ask, vote once, moderation, who sees pending and hidden questions."""

from __future__ import annotations

from conference import qa
from conference.db.models import User
from tests.rooms.rooms_support import answer, join_room, make_session, without


def question(id, channel, user, body, votes=0, status="visible", version=1):
    return {
        "type": "question",
        "channel": channel,
        "id": id,
        "body": body,
        "user": {"id": user.id, "name": user.name},
        "votes": votes,
        "status": status,
        "version": version,
    }


async def next_of(ws, *types):
    return await ws.expect(lambda e: e.get("type") in types)


async def test_question_ask_reaches_every_member_with_the_ref_for_the_asker(live_server):
    session = await make_session(live_server.app)
    channel = f"session:{session}"
    ada, bob = await live_server.account(name="Ada"), await live_server.account(name="Bob")
    async with live_server.ws(ada) as a, live_server.ws(bob) as b:
        await join_room(a, channel)
        await join_room(b, channel)

        reply = await answer(a, {"type": "question.ask", "channel": channel, "body": "  What next?  "}, "q1")
        seen = await b.expect("question")

    assert without(reply, "ts") == {**question(reply["id"], channel, ada, "What next?"), "ref": "q1"}
    assert without(seen, "ts") == question(reply["id"], channel, ada, "What next?")


async def test_question_vote_counts_once_and_a_repeat_changes_nothing(live_server):
    session = await make_session(live_server.app)
    channel = f"session:{session}"
    ada, bob = await live_server.account(name="Ada"), await live_server.account(name="Bob")
    async with live_server.ws(ada) as a, live_server.ws(bob) as b:
        await join_room(a, channel)
        await join_room(b, channel)
        asked = await answer(a, {"type": "question.ask", "channel": channel, "body": "Why?"})
        await b.expect("question")

        first = await answer(b, {"type": "question.vote", "channel": channel, "id": asked["id"]}, "v1")
        pushed = await a.expect("question")
        again = await answer(b, {"type": "question.vote", "id": asked["id"]}, "v2")

    assert (first["votes"], first["voted"], first["version"]) == (1, True, 2)
    assert without(pushed, "ts") == question(asked["id"], channel, ada, "Why?", votes=1, version=2)
    assert (again["type"], again["votes"], again["version"]) == ("question", 1, 2)


async def test_question_vote_own_is_forbidden(live_server):
    session = await make_session(live_server.app)
    channel = f"session:{session}"
    ada = await live_server.account()
    async with live_server.ws(ada) as a:
        await join_room(a, channel)
        asked = await answer(a, {"type": "question.ask", "channel": channel, "body": "Mine"})

        refused = await answer(a, {"type": "question.vote", "id": asked["id"]}, "v")

    assert (refused["type"], refused["code"]) == ("error", "forbidden")


async def test_question_vote_unknown_or_in_other_channel_is_not_found(live_server):
    session = await make_session(live_server.app)
    channel = f"session:{session}"
    ada, bob = await live_server.account(), await live_server.account()
    async with live_server.ws(ada) as a, live_server.ws(bob) as b:
        asked = await answer(a, {"type": "question.ask", "channel": channel, "body": "Q"})

        unknown = await answer(b, {"type": "question.vote", "id": asked["id"] + 100}, "v1")
        elsewhere = await answer(
            b, {"type": "question.vote", "channel": "session:999", "id": asked["id"]}, "v2"
        )

    assert (unknown["code"], elsewhere["code"]) == ("not_found", "not_found")


async def test_question_in_moderated_session_is_seen_by_author_and_moderators_until_approved(live_server):
    session = await make_session(live_server.app, qa_moderated=True)
    channel = f"session:{session}"
    ada, bob = await live_server.account(name="Ada"), await live_server.account(name="Bob")
    mod = await live_server.account(role="moderator", name="Mo")
    async with live_server.ws(ada) as a, live_server.ws(bob) as b, live_server.ws(mod) as m:
        for ws in (a, b, m):
            await join_room(ws, channel)

        asked = await answer(a, {"type": "question.ask", "channel": channel, "body": "Held?"})
        moderator_copy = await m.expect("question")
        hidden_vote = await answer(b, {"type": "question.vote", "id": asked["id"]}, "v")
        await a.chat(channel, "marker", "m1")
        bob_next = await next_of(b, "question", "chat.message")
        approved = await answer(m, {"type": "question.moderate", "id": asked["id"], "status": "approved"})
        bob_after = await b.expect("question")

    assert (asked["status"], moderator_copy["status"], moderator_copy["body"]) == (
        "pending",
        "pending",
        "Held?",
    )
    assert hidden_vote["code"] == "not_found"
    assert (bob_next["type"], bob_next["body"]) == ("chat.message", "marker")
    assert without(approved, "ts", "ref") == question(
        asked["id"], channel, ada, "Held?", status="approved", version=2
    )
    assert without(bob_after, "ts") == question(
        asked["id"], channel, ada, "Held?", status="approved", version=2
    )


async def test_question_moderate_by_attendee_is_forbidden(live_server):
    session = await make_session(live_server.app)
    channel = f"session:{session}"
    ada, bob = await live_server.account(), await live_server.account()
    async with live_server.ws(ada) as a, live_server.ws(bob) as b:
        asked = await answer(a, {"type": "question.ask", "channel": channel, "body": "Q"})

        refused = await answer(b, {"type": "question.moderate", "id": asked["id"], "status": "pinned"}, "x")
        own = await answer(a, {"type": "question.moderate", "id": asked["id"], "status": "hidden"}, "y")

    assert (refused["code"], own["code"]) == ("forbidden", "forbidden")


async def test_question_moderate_unknown_status_is_invalid(live_server):
    session = await make_session(live_server.app)
    channel = f"session:{session}"
    ada, mod = await live_server.account(), await live_server.account(role="moderator")
    async with live_server.ws(ada) as a, live_server.ws(mod) as m:
        asked = await answer(a, {"type": "question.ask", "channel": channel, "body": "Q"})

        refused = await answer(m, {"type": "question.moderate", "id": asked["id"], "status": "deleted"}, "x")

    assert (refused["code"], sorted(refused["fields"])) == ("invalid", ["status"])


async def test_question_hidden_is_withdrawn_from_attendees_and_kept_for_moderators(live_server):
    session = await make_session(live_server.app)
    channel = f"session:{session}"
    ada = await live_server.account(name="Ada")
    bob = await live_server.account(name="Bob")
    carl = await live_server.account(name="Carl")
    mod = await live_server.account(role="moderator", name="Mo")
    async with live_server.ws(ada) as a, live_server.ws(bob) as b, live_server.ws(mod) as m:
        for ws in (a, b, m):
            await join_room(ws, channel)
        asked = await answer(a, {"type": "question.ask", "channel": channel, "body": "Rude?"})
        await b.expect("question")

        await answer(m, {"type": "question.moderate", "id": asked["id"], "status": "hidden"})
        withdrawn = await b.expect("question")
        author_copy = await a.expect(
            lambda e: e.get("type") == "question" and e.get("body") is not None and e["status"] == "hidden"
        )
        async with live_server.ws(carl) as c, live_server.ws(mod) as m2:
            carl_state = await join_room(c, channel)
            mod_state = await join_room(m2, channel)

    assert without(withdrawn, "ts") == {
        **question(asked["id"], channel, ada, None, status="hidden", version=2),
        "user": None,
    }
    assert author_copy["body"] == "Rude?"
    assert "questions" not in carl_state  # nothing to show an attendee: `joined` as the core has it
    assert [(q["id"], q["status"], q["body"]) for q in mod_state["questions"]] == [
        (asked["id"], "hidden", "Rude?")
    ]


async def test_question_ask_bad_input_is_invalid(live_server):
    ada, bob = await live_server.account(), await live_server.account()
    async with live_server.ws(ada) as a:
        empty = await answer(a, {"type": "question.ask", "channel": "session:1", "body": "   "}, "1")
        long = await answer(a, {"type": "question.ask", "channel": "session:1", "body": "x" * 2001}, "2")
        number = await answer(a, {"type": "question.ask", "channel": "session:1", "body": 5}, "3")
        dm = await answer(
            a,
            {
                "type": "question.ask",
                "channel": f"dm:{min(ada.id, bob.id)}:{max(ada.id, bob.id)}",
                "body": "hi",
            },
            "4",
        )
        bad_channel = await answer(a, {"type": "question.ask", "channel": "lobby", "body": "hi"}, "5")

    assert [e["code"] for e in (empty, long, number, dm, bad_channel)] == ["invalid"] * 5


async def test_question_ask_when_muted_is_refused_muted(live_server):
    session = await make_session(live_server.app)
    channel = f"session:{session}"
    ada, mod = await live_server.account(), await live_server.account(role="moderator")
    async with live_server.ws(ada) as a, live_server.ws(mod) as m:
        await answer(m, {"type": "moderation.mute", "channel": channel, "user_id": ada.id, "minutes": 5})

        refused = await answer(a, {"type": "question.ask", "channel": channel, "body": "Let me"}, "q")

    assert refused["code"] == "muted"


async def test_room_state_after_join_lists_visible_questions_with_own_votes(live_server):
    session = await make_session(live_server.app, qa_moderated=True)
    channel = f"session:{session}"
    ada, bob = await live_server.account(name="Ada"), await live_server.account(name="Bob")
    mod = await live_server.account(role="moderator")
    async with live_server.ws(ada) as a, live_server.ws(bob) as b, live_server.ws(mod) as m:
        public = await answer(a, {"type": "question.ask", "channel": channel, "body": "One"})
        pending = await answer(a, {"type": "question.ask", "channel": channel, "body": "Two"})
        await answer(m, {"type": "question.moderate", "id": public["id"], "status": "approved"})
        await answer(b, {"type": "question.vote", "id": public["id"]})

        state = await join_room(b, channel)
        author_state = await join_room(a, channel)

    assert state["type"] == "joined"
    assert [(q["id"], q["votes"], q["voted"], q["status"]) for q in state["questions"]] == [
        (public["id"], 1, True, "approved")
    ]
    assert [(q["id"], q["voted"], q["status"]) for q in author_state["questions"]] == [
        (public["id"], False, "approved"),
        (pending["id"], False, "pending"),
    ]
    assert (state["polls"], "slow_mode" in state, "muted_until" in state) == ([], False, False)


async def test_session_questions_api_shows_what_the_viewer_may_see(live_server):
    session = await make_session(live_server.app, qa_moderated=True)
    channel = f"session:{session}"
    ada, bob = await live_server.account(name="Ada"), await live_server.account(name="Bob")
    async with live_server.ws(ada) as a:
        asked = await answer(a, {"type": "question.ask", "channel": channel, "body": "Pending one"})

    http = live_server.http
    by_author = await http.get(f"/api/v1/sessions/{session}/questions", headers=ada.headers)
    by_other = await http.get(f"/api/v1/sessions/{session}/questions", headers=bob.headers)
    anonymous = await http.get(f"/api/v1/sessions/{session}/questions")
    missing = await http.get("/api/v1/sessions/9999/questions", headers=ada.headers)

    assert by_author.status_code == 200
    assert [without(q, "ts") for q in by_author.json()["questions"]] == [
        {
            **without(question(asked["id"], channel, ada, "Pending one", status="pending"), "type"),
            "voted": False,
        }
    ]
    assert (by_other.status_code, by_other.json()) == (200, {"questions": []})
    assert (anonymous.status_code, anonymous.json()["error"]["code"]) == (401, "unauthorized")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")


async def test_join_of_a_plain_room_has_exactly_the_core_keys(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada) as a:
        joined = await a.join("session:77")

    assert sorted(joined) == ["channel", "history", "last_id", "presence", "truncated", "type"]


async def test_change_landing_during_a_join_still_reaches_the_joiner(live_server):
    session = await make_session(live_server.app)
    channel = f"session:{session}"
    ada, bob, carl = (await live_server.account(), await live_server.account(), await live_server.account())
    async with live_server.ws(ada) as a:
        asked = await answer(a, {"type": "question.ask", "channel": channel, "body": "Racing?"})

    async def vote_while_bob_joins(conn, joining):
        # Runs after the live room read its state for `joined`, before Bob is a member.
        if conn.user_id == bob.id:
            async with live_server.app.state.db.session() as db:
                voted, _ = await qa.vote(db, await db.get(User, carl.id), asked["id"])
            await live_server.hub.publish(joining.name, voted.event())

    live_server.hub.join_extras.append(vote_while_bob_joins)
    async with live_server.ws(bob) as b:
        joined = await b.join(channel)
        caught_up = await b.expect("question")

    assert [(q["votes"], q["version"]) for q in joined["questions"]] == [(0, 1)]
    assert (caught_up["id"], caught_up["votes"], caught_up["version"]) == (asked["id"], 1, 2)
