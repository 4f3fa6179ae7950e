from datetime import datetime

import pytest
import yaml
from icalendar import Calendar

from tests.support import make_account

API = "/api/v1"


async def session_by_key(client, key: str) -> dict:
    body = (await client.get(f"{API}/programme")).json()
    return next(s for day in body["days"] for s in day["sessions"] if s["key"] == key)


async def test_programme_lists_the_four_conference_days(client, loaded):
    response = await client.get(f"{API}/programme")

    body = response.json()
    assert response.status_code == 200
    assert [day["date"] for day in body["days"]] == ["2021-09-13", "2021-09-14", "2021-09-15", "2021-09-16"]
    assert body["conference"]["timezone"] == "Europe/Paris"
    assert {t["slug"] for t in body["themes"]} >= {"legal-frameworks", "impact-measurement"}


async def test_programme_in_seoul_shows_opening_plenary_at_eight_pm(client, loaded):
    response = await client.get(f"{API}/programme", params={"tz": "Asia/Seoul"})

    first = response.json()["days"][0]["sessions"][0]
    assert (first["kind"], first["start"], first["conference_start"]) == (
        "plenary",
        "2021-09-13T20:00:00+09:00",
        "2021-09-13T13:00:00+02:00",
    )


async def test_programme_in_vancouver_groups_by_local_date(client, loaded):
    body = (await client.get(f"{API}/programme", params={"tz": "America/Vancouver"})).json()

    first = body["days"][0]["sessions"][0]
    assert (body["days"][0]["date"], first["start"]) == ("2021-09-13", "2021-09-13T04:00:00-07:00")


async def test_programme_unknown_timezone_is_422(client, loaded):
    response = await client.get(f"{API}/programme", params={"tz": "Mars/Olympus"})

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["tz"]


async def test_roundtable_has_six_tables_with_seats(client, loaded):
    body = (await client.get(f"{API}/programme")).json()

    roundtables = [
        s for d in body["days"] for s in d["sessions"] if s["kind"] == "roundtable" and s["tables"]
    ]
    tables = roundtables[0]["tables"]
    assert len(tables) == 6
    assert all(t["seats"] > 0 and t["taken"] == 0 for t in tables)


async def test_get_unknown_session_is_404(client, loaded):
    response = await client.get(f"{API}/sessions/99999")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_attendee_cannot_create_session(client, app, loaded):
    attendee = await make_account(client, app)

    response = await client.post(f"{API}/sessions", json={"title": "x"}, headers=attendee.headers)

    assert response.status_code == 403


async def test_anonymous_cannot_edit_session(client, loaded):
    response = await client.patch(f"{API}/sessions/1", json={"title": "x"})

    assert response.status_code == 401


async def test_organiser_creates_session(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    body = {
        "title": "Evening networking",
        "kind": "networking",
        "start": "2021-09-13T17:00:00+02:00",
        "end": "2021-09-13T17:30:00+02:00",
        "stage": loaded.stages[0].key,
        "themes": ["ecosystems"],
    }

    response = await client.post(f"{API}/sessions", json=body, headers=organiser.headers)

    created = response.json()
    assert response.status_code == 201
    assert (created["title"], created["start"], created["themes"], created["version"]) == (
        "Evening networking",
        "2021-09-13T17:00:00+02:00",
        ["ecosystems"],
        1,
    )
    assert (await client.get(f"{API}/sessions/{created['id']}")).json()["title"] == "Evening networking"


async def test_overlapping_session_on_same_stage_is_422(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    opening = loaded.sessions[0]
    body = {
        "title": "Clash",
        "kind": "session",
        "start": opening.start.isoformat(),
        "end": opening.end.isoformat(),
        "stage": opening.stage,
    }

    response = await client.post(f"{API}/sessions", json=body, headers=organiser.headers)

    assert response.status_code == 422
    assert "overlaps" in response.json()["error"]["fields"]["start"]


async def test_speaker_in_two_places_is_422(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    spoken = next(s for s in loaded.sessions if s.speakers)
    other_stage = next(st.key for st in loaded.stages if st.key != spoken.stage)
    busy = {s.stage for s in loaded.sessions if s.start < spoken.end and s.end > spoken.start}
    free_stages = [st.key for st in loaded.stages if st.key not in busy] or [other_stage]
    body = {
        "title": "Double booking",
        "kind": "session",
        "start": spoken.start.isoformat(),
        "end": spoken.end.isoformat(),
        "stage": free_stages[0],
        "speakers": [spoken.speakers[0]],
    }

    response = await client.post(f"{API}/sessions", json=body, headers=organiser.headers)

    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) & {"speakers", "start"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end": "2021-09-13T12:00:00+02:00"}, "end"),
        ({"start": "yesterday"}, "start"),
        ({"start": "2021-09-13T13:00:00"}, "start"),
        ({"kind": "party"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "t" * 201}, "title"),
        ({"stage": "nowhere"}, "stage"),
        ({"themes": ["astrology"]}, "themes"),
        ({"start": "2021-09-20T13:00:00+02:00", "end": "2021-09-20T14:00:00+02:00"}, "start"),
    ],
)
async def test_bad_session_edit_is_422_naming_field(client, app, loaded, change, field):
    organiser = await make_account(client, app, role="organiser")
    target = await session_by_key(client, loaded.sessions[0].key)

    response = await client.patch(f"{API}/sessions/{target['id']}", json=change, headers=organiser.headers)

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert (await client.get(f"{API}/sessions/{target['id']}")).json() == target


async def test_stale_version_is_409_with_current(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    target = await session_by_key(client, loaded.sessions[0].key)
    first = await client.patch(
        f"{API}/sessions/{target['id']}", json={"title": "New title", "version": 1}, headers=organiser.headers
    )

    stale = await client.patch(
        f"{API}/sessions/{target['id']}",
        json={"title": "Other title", "version": 1},
        headers=organiser.headers,
    )

    assert (first.status_code, first.json()["version"]) == (200, 2)
    assert stale.status_code == 409
    assert (stale.json()["current"]["title"], stale.json()["current"]["version"]) == ("New title", 2)


async def test_delete_session(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    target = await session_by_key(client, loaded.sessions[-1].key)

    response = await client.delete(f"{API}/sessions/{target['id']}", headers=organiser.headers)

    assert response.status_code == 204
    assert (await client.get(f"{API}/sessions/{target['id']}")).status_code == 404


async def test_schedule_yaml_round_trips(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    exported = (await client.get(f"{API}/schedule.yaml")).text

    imported = await client.put(f"{API}/schedule.yaml", content=exported.encode(), headers=organiser.headers)
    again = (await client.get(f"{API}/schedule.yaml")).text

    assert imported.status_code == 200
    assert imported.json() == {
        "applied": True,
        "added": [],
        "changed": [],
        "removed": [],
        "unchanged": len(loaded.sessions),
    }
    assert again == exported


async def test_invalid_schedule_import_is_422_with_lines_and_changes_nothing(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    before = (await client.get(f"{API}/programme")).json()
    exported = (await client.get(f"{API}/schedule.yaml")).text
    broken = exported.replace("kind: plenary", "kind: party", 1)

    response = await client.put(f"{API}/schedule.yaml", content=broken.encode(), headers=organiser.headers)

    error = response.json()["error"]
    assert response.status_code == 422
    assert all(key.startswith("line ") for key in error["fields"])
    assert error["problems"][0]["line"] == broken[: broken.index("kind: party")].count("\n") + 1
    assert (await client.get(f"{API}/programme")).json() == before


async def test_unparseable_yaml_import_is_422(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")

    response = await client.put(
        f"{API}/schedule.yaml", content=b"sessions: [unclosed", headers=organiser.headers
    )

    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["line"] >= 1


async def test_import_dry_run_reports_changes_without_applying(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    data = yaml.safe_load((await client.get(f"{API}/schedule.yaml")).text)
    data["sessions"][0]["title"] = "Renamed opening"
    removed = data["sessions"].pop()

    response = await client.put(
        f"{API}/schedule.yaml?dry_run=true", content=yaml.safe_dump(data).encode(), headers=organiser.headers
    )

    assert response.json() == {
        "applied": False,
        "added": [],
        "changed": [data["sessions"][0]["key"]],
        "removed": [removed["key"]],
        "unchanged": len(loaded.sessions) - 2,
    }
    assert (await session_by_key(client, data["sessions"][0]["key"]))["title"] != "Renamed opening"


async def test_import_keeps_ids_of_kept_sessions(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    before = await session_by_key(client, loaded.sessions[0].key)
    data = yaml.safe_load((await client.get(f"{API}/schedule.yaml")).text)
    data["sessions"][0]["title"] = "Renamed opening"

    await client.put(f"{API}/schedule.yaml", content=yaml.safe_dump(data).encode(), headers=organiser.headers)

    after = await session_by_key(client, loaded.sessions[0].key)
    assert (after["id"], after["title"], after["version"]) == (
        before["id"],
        "Renamed opening",
        before["version"] + 1,
    )


async def test_schedule_ics_has_utc_times(client, loaded):
    response = await client.get(f"{API}/schedule.ics")

    calendar = Calendar.from_ical(response.content)
    events = [e for e in calendar.walk("VEVENT")]
    opening = next(e for e in events if str(e["SUMMARY"]) == loaded.sessions[0].title)
    assert opening.decoded("DTSTART") == datetime.fromisoformat("2021-09-13T11:00:00+00:00")


async def test_schedule_xml_is_frab(client, loaded):
    import xml.etree.ElementTree as ET

    response = await client.get(f"{API}/schedule.xml")

    root = ET.fromstring(response.content)
    assert root.tag == "schedule"
    assert len(root.findall("day")) == 4
    assert len(root.findall(".//event")) == len(loaded.sessions)


async def test_bookmark_and_agenda(client, app, loaded):
    attendee = await make_account(client, app)
    opening = await session_by_key(client, loaded.sessions[0].key)

    put = await client.put(f"{API}/me/bookmarks/{opening['id']}", headers=attendee.headers)
    again = await client.put(f"{API}/me/bookmarks/{opening['id']}", headers=attendee.headers)
    agenda = (
        await client.get(f"{API}/me/agenda", params={"tz": "Asia/Seoul"}, headers=attendee.headers)
    ).json()

    assert (put.status_code, again.status_code) == (200, 200)
    assert [(i["title"], i["start"], i["changed"]) for i in agenda["items"]] == [
        (opening["title"], "2021-09-13T20:00:00+09:00", False)
    ]


async def test_unbookmark_removes_from_agenda(client, app, loaded):
    attendee = await make_account(client, app)
    opening = await session_by_key(client, loaded.sessions[0].key)
    await client.put(f"{API}/me/bookmarks/{opening['id']}", headers=attendee.headers)

    await client.delete(f"{API}/me/bookmarks/{opening['id']}", headers=attendee.headers)

    agenda = (await client.get(f"{API}/me/agenda", headers=attendee.headers)).json()
    assert agenda["items"] == []


async def test_bookmark_unknown_session_is_404(client, app, loaded):
    attendee = await make_account(client, app)

    response = await client.put(f"{API}/me/bookmarks/99999", headers=attendee.headers)

    assert response.status_code == 404


async def test_agenda_ics_contains_bookmarked_session(client, app, loaded):
    attendee = await make_account(client, app)
    opening = await session_by_key(client, loaded.sessions[0].key)
    await client.put(f"{API}/me/bookmarks/{opening['id']}", headers=attendee.headers)

    response = await client.get(f"{API}/me/agenda.ics", headers=attendee.headers)

    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert response.headers["content-type"].startswith("text/calendar")
    assert [(str(e["SUMMARY"]), e.decoded("DTSTART").isoformat()) for e in events] == [
        (opening["title"], "2021-09-13T11:00:00+00:00")
    ]
