"""Moderation over real websockets: mutes, slow mode, reports."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.rooms.rooms_support import answer, join_room, make_session, without


def send(channel, body, client_id):
    return {"type": "chat.send", "channel": channel, "body": body, "client_id": client_id}


async def test_mute_refuses_sends_with_muted_and_tells_the_person(live_server):
    session = await make_session(live_server.app)
    channel = f"session:{session}"
    mod, ada, bob = (
        await live_server.account(role="moderator"),
        await live_server.account(),
        await live_server.account(),
    )
    async with live_server.ws(mod) as m, live_server.ws(ada) as a, live_server.ws(bob) as b:
        await join_room(a, channel)

        reply = await answer(
            m, {"type": "moderation.mute", "channel": channel, "user_id": ada.id, "minutes": 10}
        )
        told = await a.expect("moderation.muted")
        refused = await answer(a, send(channel, "let me speak", "c1"), "s1")
        elsewhere = await a.chat("session:99", "other room is fine", "c2")
        others = await b.chat(channel, "bob may talk", "c3")
        state = await join_room(a, channel)

    assert without(reply, "until", "ref") == {
        "type": "moderation.muted",
        "channel": channel,
        "user_id": ada.id,
    }
    remaining = datetime.fromisoformat(reply["until"]) - datetime.now(UTC)
    assert 590 <= remaining.total_seconds() <= 600
    assert without(told, "ref") == without(reply, "ref")
    assert (refused["type"], refused["code"]) == ("error", "muted")
    assert (elsewhere["type"], others["type"]) == ("ack", "ack")
    assert state["muted_until"] == reply["until"]


async def test_mute_zero_minutes_lifts_the_mute(live_server):
    mod, ada = await live_server.account(role="moderator"), await live_server.account()
    async with live_server.ws(mod) as m, live_server.ws(ada) as a:
        await answer(m, {"type": "moderation.mute", "channel": "session:1", "user_id": ada.id, "minutes": 5})
        lifted = await answer(
            m, {"type": "moderation.mute", "channel": "session:1", "user_id": ada.id, "minutes": 0}
        )

        ack = await a.chat("session:1", "back", "c1")

    assert (lifted["until"], ack["type"]) == (None, "ack")


async def test_mute_by_attendee_or_of_a_moderator_is_forbidden_and_bad_values_invalid(live_server):
    mod, other_mod, ada = (
        await live_server.account(role="moderator"),
        await live_server.account(role="moderator"),
        await live_server.account(),
    )
    async with live_server.ws(mod) as m, live_server.ws(ada) as a:
        by_attendee = await answer(
            a, {"type": "moderation.mute", "channel": "session:1", "user_id": mod.id, "minutes": 5}, "1"
        )
        of_moderator = await answer(
            m, {"type": "moderation.mute", "channel": "session:1", "user_id": other_mod.id, "minutes": 5}, "2"
        )
        negative = await answer(
            m, {"type": "moderation.mute", "channel": "session:1", "user_id": ada.id, "minutes": -1}, "3"
        )
        nobody = await answer(
            m, {"type": "moderation.mute", "channel": "session:1", "user_id": 99999, "minutes": 5}, "4"
        )

    assert [e["code"] for e in (by_attendee, of_moderator, negative, nobody)] == [
        "forbidden",
        "forbidden",
        "invalid",
        "not_found",
    ]


async def test_slow_mode_allows_one_message_per_period_per_person(live_server):
    session = await make_session(live_server.app)
    channel = f"session:{session}"
    mod, ada, bob = (
        await live_server.account(role="moderator"),
        await live_server.account(),
        await live_server.account(),
    )
    async with live_server.ws(mod) as m, live_server.ws(ada) as a, live_server.ws(bob) as b:
        await join_room(b, channel)

        set_reply = await answer(
            m, {"type": "moderation.slow_mode", "channel": channel, "seconds": 30}, "set"
        )
        told = await b.expect("moderation.slow_mode")
        first = await a.chat(channel, "one", "c1")
        resend = await a.chat(channel, "one", "c1")
        bad_body = await answer(a, send(channel, "   ", "c2"), "bad")
        second = await answer(a, send(channel, "two", "c3"), "two")
        bob_first = await b.chat(channel, "bob one", "b1")
        moderator = [await m.chat(channel, f"mod {n}", f"m{n}") for n in range(3)]

    assert (
        without(set_reply, "ref")
        == told
        == {"type": "moderation.slow_mode", "channel": channel, "seconds": 30}
    )
    assert (first["type"], resend["type"], resend["id"]) == ("ack", "ack", first["id"])
    assert bad_body["code"] == "invalid"
    assert (second["code"], 0 < second["retry_after"] <= 30) == ("rate_limited", True)
    assert bob_first["type"] == "ack"
    assert [e["type"] for e in moderator] == ["ack"] * 3


async def test_slow_mode_off_lets_messages_through_again(live_server):
    mod, ada = await live_server.account(role="moderator"), await live_server.account()
    async with live_server.ws(mod) as m, live_server.ws(ada) as a:
        await answer(m, {"type": "moderation.slow_mode", "channel": "session:1", "seconds": 60})
        await a.chat("session:1", "one", "c1")
        await answer(m, {"type": "moderation.slow_mode", "channel": "session:1", "seconds": 0})

        again = await a.chat("session:1", "two", "c2")

    assert again["type"] == "ack"


async def test_slow_mode_by_attendee_is_forbidden_and_in_dm_invalid(live_server):
    mod, ada = await live_server.account(role="moderator"), await live_server.account()
    dm = f"dm:{min(mod.id, ada.id)}:{max(mod.id, ada.id)}"
    async with live_server.ws(mod) as m, live_server.ws(ada) as a:
        by_attendee = await answer(
            a, {"type": "moderation.slow_mode", "channel": "session:1", "seconds": 5}, "1"
        )
        in_dm = await answer(m, {"type": "moderation.slow_mode", "channel": dm, "seconds": 5}, "2")
        too_long = await answer(
            m, {"type": "moderation.slow_mode", "channel": "session:1", "seconds": 3601}, "3"
        )

    assert [e["code"] for e in (by_attendee, in_dm, too_long)] == ["forbidden", "invalid", "invalid"]


async def test_chat_report_is_stored_and_shown_to_moderators(live_server):
    session = await make_session(live_server.app)
    channel = f"session:{session}"
    mod, ada, bob = (
        await live_server.account(role="moderator"),
        await live_server.account(name="Ada"),
        await live_server.account(name="Bob"),
    )
    async with live_server.ws(mod) as m, live_server.ws(ada) as a, live_server.ws(bob) as b:
        await join_room(m, channel)
        await join_room(b, channel)
        message = await a.chat(channel, "something nasty", "c1")

        reply = await answer(
            b, {"type": "chat.report", "channel": channel, "id": message["id"], "reason": " spam "}, "rep"
        )
        alert = await m.expect("moderation.report")
        await a.chat(channel, "marker", "c2")
        bob_next = await b.expect(
            lambda e: (
                e.get("type") in ("moderation.report", "chat.message") and e.get("body") != "something nasty"
            )
        )

    listed = await live_server.http.get("/api/v1/moderation/reports", headers=mod.headers)
    as_attendee = await live_server.http.get("/api/v1/moderation/reports", headers=bob.headers)
    expected = {
        "id": alert["id"],
        "channel": channel,
        "message_id": message["id"],
        "message_user_id": ada.id,
        "message_body": "something nasty",
        "reporter_id": bob.id,
        "reason": "spam",
        "created_at": alert["created_at"],
        "resolved_at": None,
    }
    assert reply == {"type": "chat.reported", "channel": channel, "id": message["id"], "ref": "rep"}
    assert alert == {"type": "moderation.report", **expected, "reporter": {"id": bob.id, "name": "Bob"}}
    assert bob_next["type"] == "chat.message"
    assert (listed.status_code, listed.json()) == (200, {"reports": [expected]})
    assert as_attendee.status_code == 403


async def test_chat_report_of_missing_or_own_message_is_refused(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada) as a:
        own = await a.chat("session:1", "mine", "c1")

        missing = await answer(a, {"type": "chat.report", "channel": "session:1", "id": own["id"] + 10}, "1")
        mine = await answer(a, {"type": "chat.report", "channel": "session:1", "id": own["id"]}, "2")

    assert (missing["code"], mine["code"]) == ("not_found", "invalid")


async def test_join_tells_slow_mode(live_server):
    mod, ada = await live_server.account(role="moderator"), await live_server.account()
    async with live_server.ws(mod) as m, live_server.ws(ada) as a:
        await answer(m, {"type": "moderation.slow_mode", "channel": "session:5", "seconds": 10})

        joined = await join_room(a, "session:5")

    assert (joined["slow_mode"], "muted_until" in joined) == (10, False)


async def test_reports_api_filters_by_channel_and_resolves(live_server):
    mod, ada, bob = (
        await live_server.account(role="moderator"),
        await live_server.account(),
        await live_server.account(),
    )
    async with live_server.ws(ada) as a, live_server.ws(bob) as b:
        first = await a.chat("session:1", "one", "c1")
        second = await a.chat("session:2", "two", "c2")
        await answer(b, {"type": "chat.report", "channel": "session:1", "id": first["id"]}, "1")
        await answer(
            b, {"type": "chat.report", "channel": "session:2", "id": second["id"], "reason": "off topic"}, "2"
        )
    http = live_server.http

    only_two = (await http.get("/api/v1/moderation/reports?channel=session:2", headers=mod.headers)).json()
    report_id = only_two["reports"][0]["id"]
    resolved = await http.post(f"/api/v1/moderation/reports/{report_id}/resolve", headers=mod.headers)
    still_open = (await http.get("/api/v1/moderation/reports", headers=mod.headers)).json()
    everything = (await http.get("/api/v1/moderation/reports?all=1", headers=mod.headers)).json()
    by_attendee = await http.post(f"/api/v1/moderation/reports/{report_id}/resolve", headers=bob.headers)

    assert [(r["channel"], r["reason"]) for r in only_two["reports"]] == [("session:2", "off topic")]
    assert (resolved.status_code, resolved.json()["resolved_at"] is not None) == (200, True)
    assert [r["channel"] for r in still_open["reports"]] == ["session:1"]
    assert [r["channel"] for r in everything["reports"]] == ["session:2", "session:1"]
    assert by_attendee.status_code == 403
