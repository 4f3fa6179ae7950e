"""The directory and one person's profile: listed consent, never an e-mail, never oneself, filters."""

from __future__ import annotations

import json

from tests.networking.conftest import MONDAY_1330


async def test_directory_lists_only_listed_people_and_never_the_viewer(client, person):
    viewer = await person(name="Viewer")
    listed = await person(name="Ana Listed", organisation="Coop Uno")
    await person(name="Ben Unlisted", listed=False)

    response = await client.get("/api/v1/people", headers=viewer.headers)

    body = response.json()
    assert response.status_code == 200
    assert [p["name"] for p in body["items"]] == ["Ana Listed"]
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 1)
    assert body["items"][0]["id"] == listed.id


async def test_directory_never_shows_an_email_address(client, person):
    viewer = await person(name="Viewer")
    for n in range(3):
        await person(name=f"Someone {n}", bio="I work with people.")

    response = await client.get("/api/v1/people", headers=viewer.headers)

    text = response.text
    assert "@" not in text
    assert all("email" not in item and "contact" not in item for item in response.json()["items"])


async def test_directory_needs_sign_in(client, loaded):
    response = await client.get("/api/v1/people")

    assert (response.status_code, response.json()["error"]["code"]) == (401, "unauthorized")


async def test_directory_free_text_matches_name_organisation_and_bio_case_insensitively(client, person):
    viewer = await person(name="Viewer")
    await person(name="Émile ZOLA")
    await person(name="Other", organisation="Zolaville Cooperative")
    await person(name="Third", bio="Reads zola at night")
    await person(name="Nobody", bio="no match here")

    response = await client.get("/api/v1/people", params={"q": "zola"}, headers=viewer.headers)

    assert sorted(p["name"] for p in response.json()["items"]) == ["Other", "Third", "Émile ZOLA"]


async def test_directory_free_text_treats_like_wildcards_literally(client, person):
    viewer = await person(name="Viewer")
    await person(name="Percent 100% sure")
    await person(name="Plain")

    response = await client.get("/api/v1/people", params={"q": "%"}, headers=viewer.headers)

    assert [p["name"] for p in response.json()["items"]] == ["Percent 100% sure"]


async def test_directory_filters_by_country_theme_org_type_language_offers_and_seeks(client, person):
    viewer = await person(name="Viewer")
    match = await person(
        name="Match",
        country="KR",
        themes=["impact-measurement"],
        org_type="research",
        languages=["ko", "en"],
        offers=["data_evidence"],
        seeks=["policy_dialogue"],
    )
    await person(name="Wrong country", country="FR", themes=["impact-measurement"], org_type="research")
    await person(name="Wrong intent", country="KR", offers=["policy_dialogue"], seeks=["data_evidence"])
    params = {
        "country": "kr",
        "theme": "impact-measurement",
        "org_type": "research",
        "language": "ko",
        "offers": "data_evidence",
        "seeks": "policy_dialogue",
    }

    response = await client.get("/api/v1/people", params=params, headers=viewer.headers)

    assert [p["id"] for p in response.json()["items"]] == [match.id]


async def test_directory_rejects_unknown_filter_values_naming_each(client, person):
    viewer = await person(name="Viewer")

    response = await client.get(
        "/api/v1/people",
        params={"country": "XX", "theme": "nope", "org_type": "guild", "page": "0"},
        headers=viewer.headers,
    )

    assert response.status_code == 422
    assert sorted(response.json()["error"]["fields"]) == ["country", "org_type", "page", "theme"]


async def test_directory_paginates_in_name_order(client, person):
    viewer = await person(name="Viewer")
    for name in ["Delta", "alpha", "Charlie", "bravo", "Echo"]:
        await person(name=name)

    first = await client.get("/api/v1/people", params={"per_page": 2}, headers=viewer.headers)
    third = await client.get("/api/v1/people", params={"per_page": 2, "page": 3}, headers=viewer.headers)

    assert [p["name"] for p in first.json()["items"]] == ["alpha", "bravo"]
    assert ([p["name"] for p in third.json()["items"]], third.json()["total"]) == (["Echo"], 5)


async def test_directory_hides_people_blocked_either_way(client, person):
    viewer = await person(name="Viewer")
    blocker = await person(name="Blocker")
    blocked = await person(name="Blocked")
    await person(name="Visible")
    await client.post(f"/api/v1/people/{viewer.id}/block", headers=blocker.headers)
    await client.post(f"/api/v1/people/{blocked.id}/block", headers=viewer.headers)

    response = await client.get("/api/v1/people", headers=viewer.headers)

    assert [p["name"] for p in response.json()["items"]] == ["Visible"]


async def test_person_profile_of_unlisted_or_self_is_not_found(client, person):
    viewer = await person(name="Viewer")
    unlisted = await person(name="Unlisted", listed=False)

    hidden = await client.get(f"/api/v1/people/{unlisted.id}", headers=viewer.headers)
    myself = await client.get(f"/api/v1/people/{viewer.id}", headers=viewer.headers)

    assert (hidden.status_code, myself.status_code) == (404, 404)


async def test_connect_is_mutual_and_shares_contact_only_once_both_asked(client, person):
    ana = await person(name="Ana", contact="email me at ana@coop.example")
    ben = await person(name="Ben", contact="linkedin.com/in/ben")

    first = await client.post(f"/api/v1/people/{ben.id}/connect", headers=ana.headers)
    ben_sees_before = await client.get(f"/api/v1/people/{ana.id}", headers=ben.headers)
    second = await client.post(f"/api/v1/people/{ana.id}/connect", headers=ben.headers)
    ana_sees = await client.get(f"/api/v1/people/{ben.id}", headers=ana.headers)
    ben_connections = await client.get("/api/v1/me/connections", headers=ben.headers)

    assert first.json() == {"id": ben.id, "connection": "requested"}
    assert (ben_sees_before.json()["connection"], "contact" in ben_sees_before.json()) == ("incoming", False)
    assert second.json() == {
        "id": ana.id,
        "connection": "connected",
        "contact": "email me at ana@coop.example",
    }
    assert (ana_sees.json()["connection"], ana_sees.json()["contact"]) == ("connected", "linkedin.com/in/ben")
    assert [(p["name"], p["contact"]) for p in ben_connections.json()] == [
        ("Ana", "email me at ana@coop.example")
    ]


async def test_contact_stays_private_in_directory_and_withdrawing_ends_the_connection(client, person):
    ana = await person(name="Ana", contact="call +33 1 23")
    ben = await person(name="Ben")
    await client.post(f"/api/v1/people/{ben.id}/connect", headers=ana.headers)
    await client.post(f"/api/v1/people/{ana.id}/connect", headers=ben.headers)

    withdrawn = await client.delete(f"/api/v1/people/{ben.id}/connect", headers=ana.headers)
    ben_sees = await client.get(f"/api/v1/people/{ana.id}", headers=ben.headers)
    directory = await client.get("/api/v1/people", headers=ben.headers)

    assert withdrawn.json() == {"id": ben.id, "connection": "incoming"}
    assert (ben_sees.json()["connection"], "contact" in ben_sees.json()) == ("requested", False)
    assert "+33" not in directory.text


async def test_contact_is_part_of_my_own_profile(client, person):
    ana = await person(name="Ana")

    patched = await client.patch(
        "/api/v1/me", json={"contact": "  ana at coop dot example  "}, headers=ana.headers
    )
    too_long = await client.patch("/api/v1/me", json={"contact": "x" * 301}, headers=ana.headers)

    assert patched.json()["contact"] == "ana at coop dot example"
    assert (too_long.status_code, list(too_long.json()["error"]["fields"])) == (422, ["contact"])


async def test_connect_with_someone_blocked_is_forbidden(client, person):
    ana = await person(name="Ana")
    ben = await person(name="Ben")
    await client.post(f"/api/v1/people/{ana.id}/block", headers=ben.headers)

    response = await client.post(f"/api/v1/people/{ben.id}/connect", headers=ana.headers)

    assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")


async def test_hide_and_block_can_be_undone_and_are_listed_for_it(client, person):
    ana = await person(name="Ana")
    ben = await person(name="Ben")
    cat = await person(name="Cat")
    await client.post(f"/api/v1/people/{ben.id}/hide", headers=ana.headers)
    await client.post(f"/api/v1/people/{cat.id}/block", headers=ana.headers)

    listed = (await client.get("/api/v1/me/hidden", headers=ana.headers)).json()
    undo_hide = await client.delete(f"/api/v1/people/{ben.id}/hide", headers=ana.headers)
    undo_block = await client.delete(f"/api/v1/people/{cat.id}/block", headers=ana.headers)
    after = (await client.get("/api/v1/me/hidden", headers=ana.headers)).json()

    assert ([p["name"] for p in listed["hidden"]], [p["name"] for p in listed["blocked"]]) == (
        ["Ben"],
        ["Cat"],
    )
    assert (undo_hide.json(), undo_block.json()) == (
        {"id": ben.id, "hidden": False},
        {"id": cat.id, "blocked": False},
    )
    assert after == {"hidden": [], "blocked": []}


async def test_hiding_or_blocking_oneself_is_invalid(client, person):
    ana = await person(name="Ana")

    hide = await client.post(f"/api/v1/people/{ana.id}/hide", headers=ana.headers)
    block = await client.post(f"/api/v1/people/{ana.id}/block", headers=ana.headers)

    assert (hide.status_code, block.status_code) == (422, 422)


async def test_no_email_in_meetings_or_slots_either(client, person):
    ana = await person(name="Ana")
    ben = await person(name="Ben")

    created = await client.post(
        "/api/v1/meetings", json={"invitee_id": ben.id, "start": MONDAY_1330}, headers=ana.headers
    )
    mine = await client.get("/api/v1/me/meetings", headers=ben.headers)
    slots = await client.get(f"/api/v1/people/{ben.id}/slots", headers=ana.headers)

    for response in (created, mine, slots):
        assert "@example.org" not in json.dumps(response.json())
