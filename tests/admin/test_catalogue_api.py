import pytest

from tests.admin.helpers import API, history, new_session, session_by_key
from tests.support import make_account


async def items(client, organiser, kind: str) -> list[dict]:
    return (await client.get(f"{API}/admin/{kind}", headers=organiser.headers)).json()["items"]


async def test_create_speaker_then_use_it_in_a_session(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")

    response = await client.post(
        f"{API}/admin/speakers",
        json={
            "name": "Ada Lovelace",
            "organisation": "Analytical Engines",
            "country": "gb",
            "job_title": "CEO",
        },
        headers=organiser.headers,
    )
    speaker = response.json()
    created = await client.post(
        f"{API}/sessions", json=new_session(speakers=[speaker["id"]]), headers=organiser.headers
    )

    assert response.status_code == 201
    assert speaker == {
        "id": speaker["id"],
        "key": "ada-lovelace",
        "name": "Ada Lovelace",
        "job_title": "CEO",
        "organisation": "Analytical Engines",
        "country": "GB",
        "bio": "",
    }
    assert [s["name"] for s in created.json()["speakers"]] == ["Ada Lovelace"]


async def test_create_speaker_with_bad_fields_is_422_naming_them(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")

    response = await client.post(
        f"{API}/admin/speakers",
        json={"name": " ", "country": "XX", "shoe_size": 9},
        headers=organiser.headers,
    )

    assert response.status_code == 422
    assert sorted(response.json()["error"]["fields"]) == ["country", "name", "shoe_size"]


async def test_create_theme_with_a_taken_slug_is_409(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")

    response = await client.post(
        f"{API}/admin/themes", json={"slug": "legal-frameworks", "name": "Again"}, headers=organiser.headers
    )

    assert (response.status_code, response.json()["error"]["fields"]) == (409, {"slug": "is taken"})


async def test_create_stage_with_a_taken_name_is_422(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")

    response = await client.post(
        f"{API}/admin/stages", json={"name": "Main stage"}, headers=organiser.headers
    )

    assert (response.status_code, list(response.json()["error"]["fields"])) == (422, ["name"])


async def test_renaming_a_stage_shows_in_its_sessions_and_is_recorded(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    stage = next(s for s in await items(client, organiser, "stages") if s["key"] == "room-b")

    response = await client.patch(
        f"{API}/admin/stages/{stage['id']}", json={"name": "Studio B"}, headers=organiser.headers
    )

    [entry] = await history(client, organiser, entity="stage")
    assert response.json() == {"id": stage["id"], "key": "room-b", "name": "Studio B"}
    assert (await session_by_key(client, "session-legal-research"))["stage"] == "Studio B"
    assert (entry["entity_id"], entry["before"]["name"], entry["after"]["name"]) == (
        stage["id"],
        "Room B",
        "Studio B",
    )


async def test_changing_a_key_is_refused(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    theme = (await items(client, organiser, "themes"))[0]

    response = await client.patch(
        f"{API}/admin/themes/{theme['id']}", json={"slug": "other"}, headers=organiser.headers
    )

    assert (response.status_code, list(response.json()["error"]["fields"])) == (422, ["slug"])


@pytest.mark.parametrize(
    ("kind", "key_field", "key"),
    [("speakers", "key", "cepes-rep"), ("themes", "slug", "legal-frameworks"), ("stages", "key", "room-b")],
)
async def test_deleting_something_sessions_use_is_409(client, app, loaded, kind, key_field, key):
    organiser = await make_account(client, app, role="organiser")
    item = next(i for i in await items(client, organiser, kind) if i[key_field] == key)

    response = await client.delete(f"{API}/admin/{kind}/{item['id']}", headers=organiser.headers)

    assert response.status_code == 409
    assert item["sessions"] > 0
    assert len(response.json()["error"]["fields"]["sessions"].split(", ")) == item["sessions"]
    assert key in [i[key_field] for i in await items(client, organiser, kind)]


async def test_deleting_an_unused_theme_removes_it_from_profiles(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    created = (
        await client.post(f"{API}/admin/themes", json={"name": "Housing"}, headers=organiser.headers)
    ).json()
    person = await make_account(client, app, themes=["housing", "legal-frameworks"])

    response = await client.delete(f"{API}/admin/themes/{created['id']}", headers=organiser.headers)

    me = (await client.get(f"{API}/me", headers=person.headers)).json()
    assert response.json() == {"deleted": {"id": created["id"], "slug": "housing", "name": "Housing"}}
    assert me["themes"] == ["legal-frameworks"]
    assert "housing" not in [t["slug"] for t in await items(client, organiser, "themes")]


async def test_unknown_item_is_404(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")

    response = await client.patch(
        f"{API}/admin/speakers/99999", json={"name": "x"}, headers=organiser.headers
    )

    assert response.status_code == 404
