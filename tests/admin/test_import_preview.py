import yaml

from tests.admin.helpers import API, history, session_by_key
from tests.support import make_account


async def exported(client) -> dict:
    return yaml.safe_load((await client.get(f"{API}/schedule.yaml")).text)


async def put_schedule(client, organiser, data: dict | str, **params):
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return await client.put(
        f"{API}/schedule.yaml", params=params, content=text.encode(), headers=organiser.headers
    )


def edited_programme(data: dict) -> tuple[dict, dict, dict]:
    """Renames the opening, removes the last session and adds a new one; returns those three."""
    data["sessions"][0]["title"] = "Renamed opening"
    removed = data["sessions"].pop()
    added = dict(data["sessions"][1], key="late-coffee", title="Late coffee", start="16:00", end="16:30")
    data["sessions"].append(added)
    return data["sessions"][0], removed, added


async def test_preview_lists_what_would_be_added_changed_and_removed(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    data = await exported(client)
    renamed, removed, added = edited_programme(data)
    before = (await client.get(f"{API}/programme")).json()

    response = await put_schedule(client, organiser, data, dry_run="true", details="true")

    body = response.json()
    assert (body["applied"], body["added"], body["changed"], body["removed"]) == (
        False,
        ["late-coffee"],
        [renamed["key"]],
        [removed["key"]],
    )
    assert body["preview"]["added"] == [
        {
            "key": "late-coffee",
            "title": "Late coffee",
            "start": "2021-09-13T16:00:00+02:00",
            "end": "2021-09-13T16:30:00+02:00",
            "stage": added["stage"],
        }
    ]
    assert [(c["key"], c["title"], c["fields"]) for c in body["preview"]["changed"]] == [
        (renamed["key"], "Renamed opening", ["title"])
    ]
    assert [r["title"] for r in body["preview"]["removed"]] == [removed["title"]]
    assert (await client.get(f"{API}/programme")).json() == before
    assert await history(client, organiser) == []


async def test_applying_records_each_session_and_notifies_holders(client, app, loaded):
    organiser = await make_account(client, app, role="organiser", name="Grace")
    holder = await make_account(client, app)
    data = await exported(client)
    renamed, removed, _ = edited_programme(data)
    for key in (renamed["key"], removed["key"]):
        session = await session_by_key(client, key)
        await client.put(f"{API}/me/bookmarks/{session['id']}", headers=holder.headers)

    response = await put_schedule(client, organiser, data)

    entries = await history(client, organiser)
    notices = (await client.get(f"{API}/me/notifications", headers=holder.headers)).json()["items"]
    assert (response.status_code, response.json()["applied"]) == (200, True)
    assert sorted((e["action"], e["source"], (e["after"] or e["before"])["key"]) for e in entries) == sorted(
        [
            ("created", "import", "late-coffee"),
            ("updated", "import", renamed["key"]),
            ("deleted", "import", removed["key"]),
        ]
    )
    assert {e["user"]["name"] for e in entries} == {"Grace"}
    assert sorted((n["kind"], n["title"]) for n in notices) == sorted(
        [("session.changed", "Renamed opening"), ("session.cancelled", removed["title"])]
    )


async def test_a_file_with_one_bad_session_changes_nothing(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    data = await exported(client)
    edited_programme(data)
    data["sessions"][5]["end"] = data["sessions"][5]["start"]  # ends when it starts
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    before = (await client.get(f"{API}/programme")).json()

    response = await put_schedule(client, organiser, text)

    problems = response.json()["error"]["problems"]
    assert response.status_code == 422
    assert len(problems) == 1
    assert problems[0]["line"] > 1
    assert text.splitlines()[problems[0]["line"] - 1].strip().startswith(("end:", "start:", "- key:"))
    assert (await client.get(f"{API}/programme")).json() == before
    assert await history(client, organiser) == []


async def test_import_then_export_round_trips_after_console_edits(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    session = await session_by_key(client, "session-legal-research")
    await client.patch(
        f"{API}/sessions/{session['id']}", json={"title": "Edited live"}, headers=organiser.headers
    )
    first = (await client.get(f"{API}/schedule.yaml")).text

    await put_schedule(client, organiser, first)

    assert (await client.get(f"{API}/schedule.yaml")).text == first
