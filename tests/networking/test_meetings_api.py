"""1:1 meetings: the life cycle, conflicts at request and at accept, conference hours, the daily cap,
slots in two time zones, and My agenda."""

from __future__ import annotations

from icalendar import Calendar

from tests.networking.conftest import MONDAY_1330, NETWORKING_TUESDAY, session_id


async def ask(client, asker, invitee, start=MONDAY_1330, **extra):
    return await client.post(
        "/api/v1/meetings", json={"invitee_id": invitee.id, "start": start, **extra}, headers=asker.headers
    )


async def test_meeting_request_then_accept_shows_in_both_lists(client, person):
    ana = await person(name="Ana", timezone="Europe/Paris")
    ben = await person(name="Ben", timezone="Asia/Seoul")

    created = await ask(client, ana, ben, message="Shall we talk about funds?")
    accepted = await client.post(f"/api/v1/meetings/{created.json()['id']}/accept", headers=ben.headers)
    anas = (await client.get("/api/v1/me/meetings", headers=ana.headers)).json()
    bens = (await client.get("/api/v1/me/meetings", headers=ben.headers)).json()

    assert created.status_code == 201
    assert (created.json()["status"], created.json()["video_url"]) == ("pending", None)
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["video_url"].startswith("https://")
    assert [(m["id"], m["status"], m["start"], m["end"]) for m in anas] == [
        (created.json()["id"], "accepted", "2021-09-13T13:30:00+02:00", "2021-09-13T13:45:00+02:00")
    ]
    assert [(m["start"], m["role"], m["with"][0]["name"], m["message"]) for m in bens] == [
        ("2021-09-13T20:30:00+09:00", "invitee", "Ana", "Shall we talk about funds?")
    ]


async def test_meeting_duration_defaults_to_15_and_must_be_5_to_60(client, person):
    ana = await person(name="Ana")
    ben = await person(name="Ben")

    default = await ask(client, ana, ben)
    short = await ask(client, ana, ben, start="2021-09-13T14:00:00+02:00", duration_minutes=4)
    long = await ask(client, ana, ben, start="2021-09-13T14:00:00+02:00", duration_minutes=61)

    assert default.json()["duration_minutes"] == 15
    assert (short.status_code, short.json()["error"]["fields"]) == (
        422,
        {"duration_minutes": "must be at least 5"},
    )
    assert (long.status_code, long.json()["error"]["fields"]) == (
        422,
        {"duration_minutes": "must be at most 60"},
    )


async def test_meeting_outside_conference_hours_is_invalid_in_any_zone(client, person):
    ana = await person(name="Ana")
    ben = await person(name="Ben")

    early = await ask(client, ana, ben, start="2021-09-13T12:45:00+02:00")
    # 15:50 in Paris is inside the hours, but a 15-minute meeting would run past 16:00.
    overrun = await ask(client, ana, ben, start="2021-09-13T13:50:00+00:00")
    other_day = await ask(client, ana, ben, start="2021-09-17T13:30:00+02:00")
    seoul = await ask(client, ana, ben, start="2021-09-13T20:30:00+09:00")  # 13:30 in Paris

    for response in (early, overrun, other_day):
        assert (response.status_code, list(response.json()["error"]["fields"])) == (422, ["start"])
    assert seoul.status_code == 201


async def test_meeting_conflicts_with_bookmarked_session_or_accepted_meeting_at_request(client, app, person):
    ana = await person(name="Ana")
    ben = await person(name="Ben")
    cat = await person(name="Cat")
    opening = await session_id(app, "opening-plenary")
    await client.put(f"/api/v1/me/bookmarks/{opening}", headers=ben.headers)
    first = await ask(client, ana, cat, start="2021-09-14T14:00:00+02:00")
    await client.post(f"/api/v1/meetings/{first.json()['id']}/accept", headers=cat.headers)

    busy_session = await ask(client, ana, ben, start="2021-09-13T11:30:00Z")  # 13:30 Paris
    busy_meeting = await ask(client, ben, ana, start="2021-09-14T14:10:00+02:00")

    assert busy_session.status_code == 409
    assert busy_session.json()["error"]["message"].startswith('They have "Opening plenary')
    assert busy_session.json()["error"]["fields"] == {
        "invitee_id": busy_session.json()["error"]["message"].split(";")[0]
    }
    assert (busy_meeting.status_code, busy_meeting.json()["error"]["fields"]) == (
        409,
        {"invitee_id": "They have another meeting then"},
    )


async def test_meeting_conflict_is_checked_again_at_accept(client, person):
    ana = await person(name="Ana")
    ben = await person(name="Ben")
    cat = await person(name="Cat")
    to_ben = await ask(client, ana, ben)
    to_cat = await ask(client, ana, cat, start="2021-09-13T13:40:00+02:00")
    await client.post(f"/api/v1/meetings/{to_cat.json()['id']}/accept", headers=cat.headers)

    late = await client.post(f"/api/v1/meetings/{to_ben.json()['id']}/accept", headers=ben.headers)
    still = (await client.get("/api/v1/me/meetings", headers=ben.headers)).json()

    assert (late.status_code, late.json()["error"]["fields"]) == (
        409,
        {"invitee_id": "They have another meeting then"},
    )
    assert [m["status"] for m in still] == ["pending"]


async def test_networking_session_does_not_count_as_busy(client, app, person):
    ana = await person(name="Ana")
    ben = await person(name="Ben")
    networking = await session_id(app, "networking-tue")
    await client.put(f"/api/v1/me/bookmarks/{networking}", headers=ben.headers)

    response = await ask(client, ana, ben, start=NETWORKING_TUESDAY)

    assert response.status_code == 201


async def test_only_the_invitee_answers_and_either_cancels(client, person):
    ana = await person(name="Ana")
    ben = await person(name="Ben")
    cat = await person(name="Cat")
    meeting_id = (await ask(client, ana, ben)).json()["id"]

    by_requester = await client.post(f"/api/v1/meetings/{meeting_id}/accept", headers=ana.headers)
    by_stranger = await client.post(f"/api/v1/meetings/{meeting_id}/decline", headers=cat.headers)
    accepted = await client.post(f"/api/v1/meetings/{meeting_id}/accept", headers=ben.headers)
    again = await client.post(f"/api/v1/meetings/{meeting_id}/accept", headers=ben.headers)
    cancelled = await client.post(f"/api/v1/meetings/{meeting_id}/cancel", headers=ana.headers)
    twice = await client.post(f"/api/v1/meetings/{meeting_id}/cancel", headers=ben.headers)

    assert [r.status_code for r in (by_requester, by_stranger, accepted, again, cancelled, twice)] == [
        403,
        404,
        200,
        409,
        200,
        409,
    ]
    assert cancelled.json()["status"] == "cancelled"


async def test_blocked_people_cannot_meet_and_a_block_cancels_their_meetings(client, person):
    ana = await person(name="Ana")
    ben = await person(name="Ben")
    meeting_id = (await ask(client, ana, ben)).json()["id"]

    await client.post(f"/api/v1/people/{ana.id}/block", headers=ben.headers)
    refused = await ask(client, ana, ben, start="2021-09-13T14:30:00+02:00")
    mine = (await client.get("/api/v1/me/meetings", headers=ana.headers)).json()

    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden")
    assert [(m["id"], m["status"]) for m in mine] == [(meeting_id, "cancelled")]


async def test_meeting_requests_are_capped_per_day(client, person):
    ana = await person(name="Ana")
    others = [await person(name=f"Other {n}") for n in range(9)]
    starts = [
        f"2021-09-1{3 + n // 4}T1{3 + n % 4 // 2}:{'00' if n % 2 == 0 else '30'}:00+02:00" for n in range(9)
    ]

    answers = [
        await ask(client, ana, other, start=start) for other, start in zip(others, starts, strict=True)
    ]

    assert [a.status_code for a in answers] == [201] * 8 + [429]
    assert answers[-1].json()["error"]["message"].startswith("you have sent 8 meeting requests today")
    assert int(answers[-1].headers["retry-after"]) > 0


async def test_meeting_with_oneself_or_unknown_person_is_refused(client, person):
    ana = await person(name="Ana")

    myself = await client.post(
        "/api/v1/meetings", json={"invitee_id": ana.id, "start": MONDAY_1330}, headers=ana.headers
    )
    nobody = await client.post(
        "/api/v1/meetings", json={"invitee_id": 9999, "start": MONDAY_1330}, headers=ana.headers
    )
    naive = await client.post(
        "/api/v1/meetings", json={"invitee_id": 9999, "start": "2021-09-13T13:30:00"}, headers=ana.headers
    )

    assert (myself.status_code, nobody.status_code, naive.status_code) == (422, 404, 422)


async def test_slots_list_their_free_times_in_both_zones(client, app, person):
    ana = await person(name="Ana", timezone="America/New_York")
    ben = await person(name="Ben", timezone="Asia/Seoul")
    opening = await session_id(app, "opening-plenary")
    await client.put(f"/api/v1/me/bookmarks/{opening}", headers=ben.headers)
    await client.put(f"/api/v1/me/bookmarks/{opening}", headers=ana.headers)

    body = (await client.get(f"/api/v1/people/{ben.id}/slots", headers=ana.headers)).json()

    first = body["slots"][0]
    assert (body["timezone"], body["their_timezone"], body["duration_minutes"]) == (
        "America/New_York",
        "Asia/Seoul",
        15,
    )
    # The opening plenary (13:00-13:45 Paris) keeps Ben busy: his first free slot is 13:45 Paris.
    assert (first["start"], first["their_start"], first["conference_start"], first["you_free"]) == (
        "2021-09-13T07:45:00-04:00",
        "2021-09-13T20:45:00+09:00",
        "2021-09-13T13:45:00+02:00",
        True,
    )
    assert len(body["slots"]) == 4 * 12 - 3
    tuesday = [s for s in body["slots"] if s["networking"]]
    assert tuesday[0]["conference_start"] == "2021-09-14T15:00:00+02:00"  # Monday's lasts 10 minutes


async def test_slots_of_a_blocked_person_are_forbidden(client, person):
    ana = await person(name="Ana")
    ben = await person(name="Ben")
    await client.post(f"/api/v1/people/{ben.id}/block", headers=ana.headers)

    response = await client.get(f"/api/v1/people/{ben.id}/slots", headers=ana.headers)

    assert response.status_code == 403


async def test_accepted_meeting_is_in_agenda_and_its_calendar(client, app, person):
    ana = await person(name="Ana", timezone="Europe/Paris", job_title="Director", organisation="Coop")
    ben = await person(name="Ben", timezone="Asia/Seoul")
    opening = await session_id(app, "opening-plenary")
    await client.put(f"/api/v1/me/bookmarks/{opening}", headers=ben.headers)
    pending = await ask(client, ana, ben, start="2021-09-13T14:00:00+02:00")
    await client.post(f"/api/v1/meetings/{pending.json()['id']}/accept", headers=ben.headers)
    await ask(client, ben, ana, start="2021-09-13T15:00:00+02:00")  # still pending: not in agenda

    agenda = (await client.get("/api/v1/me/agenda", headers=ben.headers)).json()
    ics = Calendar.from_ical((await client.get("/api/v1/me/agenda.ics", headers=ben.headers)).content)

    assert [(i["type"], i["title"], i["start"]) for i in agenda["items"]] == [
        ("session", agenda["items"][0]["title"], "2021-09-13T20:00:00+09:00"),
        ("meeting", "Meeting with Ana", "2021-09-13T21:00:00+09:00"),
    ]
    events = [e for e in ics.walk("VEVENT") if "meeting" in str(e.get("uid"))]
    assert [(str(e["summary"]), str(e["description"])) for e in events] == [
        ("Meeting with Ana", "Ana, Director, Coop")
    ]
    assert events[0].decoded("dtstart").isoformat() == "2021-09-13T12:00:00+00:00"
