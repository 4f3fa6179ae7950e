from datetime import UTC, datetime

from tests.admin.helpers import API, history, new_session, session_by_key
from tests.support import make_account


async def programme_keys(client) -> list[str]:
    body = (await client.get(f"{API}/programme")).json()
    return [s["key"] for day in body["days"] for s in day["sessions"]]


async def test_create_session_is_recorded_with_who_when_and_after(client, app, loaded):
    organiser = await make_account(client, app, role="organiser", name="Ada Organiser")
    before = datetime.now(UTC)

    response = await client.post(f"{API}/sessions", json=new_session(), headers=organiser.headers)

    created = response.json()
    [entry] = await history(client, organiser, session_id=created["id"])
    assert response.status_code == 201
    assert (created["title"], created["stage"], created["start"], created["version"]) == (
        "Extra session",
        "Room B",
        "2021-09-13T13:00:00+02:00",
        1,
    )
    assert before <= datetime.fromisoformat(entry["at"]) <= datetime.now(UTC)
    assert (entry["user"], entry["action"], entry["source"], entry["before"], entry["after"]) == (
        {"id": organiser.id, "name": "Ada Organiser"},
        "created",
        "edit",
        None,
        created,
    )


async def test_create_session_with_bad_fields_names_each_and_saves_nothing(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    keys = await programme_keys(client)

    response = await client.post(
        f"{API}/sessions",
        json=new_session(title="", kind="keynote", start="tomorrow", stream_url="ftp://x"),
        headers=organiser.headers,
    )

    assert response.status_code == 422
    assert sorted(response.json()["error"]["fields"]) == ["kind", "start", "stream_url", "title"]
    assert await programme_keys(client) == keys
    assert await history(client, organiser) == []


async def test_create_session_ending_before_it_starts_is_422_on_end(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")

    response = await client.post(
        f"{API}/sessions", json=new_session(end="2021-09-13T12:00:00+02:00"), headers=organiser.headers
    )

    assert (response.status_code, response.json()["error"]["fields"]) == (422, {"end": "must be after start"})


async def test_create_session_overlapping_on_its_stage_is_422_on_start(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")

    response = await client.post(
        f"{API}/sessions",
        json=new_session(stage="main", start="2021-09-13T13:30:00+02:00", end="2021-09-13T14:30:00+02:00"),
        headers=organiser.headers,
    )

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["start"]
    assert "overlaps" in response.json()["error"]["fields"]["start"]


async def test_create_session_with_a_busy_speaker_is_422_on_speakers(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")

    response = await client.post(
        f"{API}/sessions",
        json=new_session(speakers=["oecd-sg-rep"]),  # already in the opening plenary at 13:00
        headers=organiser.headers,
    )

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["speakers"]


async def test_move_session_records_before_and_after(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    original = await session_by_key(client, "session-legal-research")

    response = await client.patch(
        f"{API}/sessions/{original['id']}",
        json={
            "start": "2021-09-13T16:00:00+02:00",
            "end": "2021-09-13T17:00:00+02:00",
            "stage": "main",
            "version": original["version"],
        },
        headers=organiser.headers,
    )

    moved = response.json()
    [entry] = await history(client, organiser, session_id=original["id"])
    assert response.status_code == 200
    assert (moved["start"], moved["end"], moved["stage"], moved["version"]) == (
        "2021-09-13T16:00:00+02:00",
        "2021-09-13T17:00:00+02:00",
        "Main stage",
        original["version"] + 1,
    )
    assert (entry["action"], entry["before"]["start"], entry["after"]["start"]) == (
        "updated",
        "2021-09-13T14:00:00+02:00",
        "2021-09-13T16:00:00+02:00",
    )
    assert entry["after"] == moved
    assert entry["summary"] == f"changed start, end, stage of session “{original['title']}”"


async def test_edit_with_a_stale_version_is_409_with_the_current_session(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    other = await make_account(client, app, role="organiser")
    original = await session_by_key(client, "session-legal-research")
    await client.patch(
        f"{API}/sessions/{original['id']}",
        json={"title": "Renamed by the other organiser", "version": original["version"]},
        headers=other.headers,
    )

    response = await client.patch(
        f"{API}/sessions/{original['id']}",
        json={"title": "My title", "version": original["version"]},
        headers=organiser.headers,
    )

    current = response.json()["current"]
    assert response.status_code == 409
    assert (current["title"], current["version"]) == (
        "Renamed by the other organiser",
        original["version"] + 1,
    )
    assert (await session_by_key(client, "session-legal-research"))[
        "title"
    ] == "Renamed by the other organiser"
    assert [e["user"]["id"] for e in await history(client, organiser, session_id=original["id"])] == [
        other.id
    ]


async def test_reapplying_on_the_current_version_succeeds(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    original = await session_by_key(client, "session-legal-research")
    await client.patch(f"{API}/sessions/{original['id']}", json={"title": "First"}, headers=organiser.headers)
    stale = await client.patch(
        f"{API}/sessions/{original['id']}",
        json={"title": "Second", "version": original["version"]},
        headers=organiser.headers,
    )

    again = await client.patch(
        f"{API}/sessions/{original['id']}",
        json={"title": "Second", "version": stale.json()["current"]["version"]},
        headers=organiser.headers,
    )

    assert (stale.status_code, again.status_code, again.json()["title"]) == (409, 200, "Second")


async def test_delete_session_records_the_before_snapshot(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    original = await session_by_key(client, "breakout-legal-forms")

    response = await client.delete(f"{API}/sessions/{original['id']}", headers=organiser.headers)

    [entry] = await history(client, organiser, session_id=original["id"])
    assert response.status_code == 204
    assert (await client.get(f"{API}/sessions/{original['id']}")).status_code == 404
    assert (entry["action"], entry["before"], entry["after"]) == ("deleted", original, None)


async def test_delete_with_a_stale_version_is_409_and_keeps_the_session(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    original = await session_by_key(client, "breakout-legal-forms")
    await client.patch(
        f"{API}/sessions/{original['id']}", json={"title": "Renamed"}, headers=organiser.headers
    )

    response = await client.delete(
        f"{API}/sessions/{original['id']}",
        params={"version": original["version"]},
        headers=organiser.headers,
    )

    assert (response.status_code, response.json()["current"]["title"]) == (409, "Renamed")
    assert (await client.get(f"{API}/sessions/{original['id']}")).status_code == 200


async def test_roundtable_tables_are_edited_with_the_session(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    roundtable = await session_by_key(client, "roundtable-plp")
    kept = roundtable["tables"][0]

    response = await client.patch(
        f"{API}/sessions/{roundtable['id']}",
        json={
            "tables": [
                {"id": kept["id"], "topic": "Renamed table", "host": kept["host"], "seats": 12},
                {"topic": "A new table", "host": "Ada", "seats": 6, "language": "fr"},
            ],
            "version": roundtable["version"],
        },
        headers=organiser.headers,
    )

    tables = response.json()["tables"]
    assert [(t["id"] == kept["id"], t["topic"], t["seats"], t["language"]) for t in tables] == [
        (True, "Renamed table", 12, "en"),
        (False, "A new table", 6, "fr"),
    ]


async def test_roundtable_table_with_bad_seats_is_422_naming_the_table(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    roundtable = await session_by_key(client, "roundtable-plp")

    response = await client.patch(
        f"{API}/sessions/{roundtable['id']}",
        json={"tables": [{"topic": "x", "seats": 0}, {"topic": "", "seats": 4}]},
        headers=organiser.headers,
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "tables[0].seats": "must be at least 1",
        "tables[1].topic": "is required",
    }


async def test_edit_answers_in_the_requested_time_zone(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    original = await session_by_key(client, "session-legal-research")

    response = await client.patch(
        f"{API}/sessions/{original['id']}",
        params={"tz": "Asia/Seoul"},
        json={"title": "Seoul"},
        headers=organiser.headers,
    )

    assert (response.json()["title"], response.json()["start"]) == ("Seoul", "2021-09-13T21:00:00+09:00")
