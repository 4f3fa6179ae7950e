"""Recommendations: reasons true to the profiles, scores, limits, every exclusion, settings."""

from __future__ import annotations

from tests.networking.conftest import MONDAY_1330

ANA = {
    "name": "Ana",
    "org_type": "cooperative",
    "country": "FR",
    "themes": ["impact-measurement"],
    "seeks": ["funding"],
    "offers": ["peer_learning"],
    "languages": ["fr", "en"],
}
BEN = {
    "name": "Ben",
    "org_type": "funder",
    "country": "DE",
    "themes": ["impact-measurement"],
    "offers": ["funding"],
    "seeks": ["peer_learning"],
    "languages": ["de", "en"],
}


async def recommended(client, account, limit: int = 10) -> list[dict]:
    response = await client.get(f"/api/v1/me/recommendations?limit={limit}", headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_recommendations_give_reasons_true_to_both_profiles(client, person):
    ana = await person(**ANA)
    ben = await person(**BEN)

    found = await recommended(client, ana)

    assert [r["user"]["id"] for r in found] == [ben.id]
    assert found[0]["reasons"] == [
        "You both work on social impact measurement",
        "Practitioner ↔ funder",
        "You offer peer learning, which they seek",
        "They offer funding, which you seek",
        "Peer from Germany",
    ]
    assert 0 < found[0]["score"] <= 1
    assert "email" not in found[0]["user"] and "@" not in str(found)


async def test_recommendations_are_best_first_and_never_oneself_or_unlisted(client, person):
    ana = await person(**ANA)
    strong = await person(**BEN)
    weak = await person(name="Weak", org_type="business", country="FR", languages=["en"])
    await person(**{**BEN, "name": "Hidden profile", "listed": False})

    found = await recommended(client, ana)

    assert [r["user"]["id"] for r in found] == [strong.id, weak.id]
    assert found[0]["score"] > found[1]["score"]
    assert all(r["reasons"] for r in found)


async def test_recommendations_limit_is_1_to_50(client, person):
    ana = await person(**ANA)
    for n in range(3):
        await person(**{**BEN, "name": f"Ben {n}"})

    one = await recommended(client, ana, limit=1)
    zero = await client.get("/api/v1/me/recommendations?limit=0", headers=ana.headers)
    many = await client.get("/api/v1/me/recommendations?limit=51", headers=ana.headers)

    assert len(one) == 1
    assert (zero.status_code, many.status_code) == (422, 422)
    assert zero.json()["error"]["fields"] == {"limit": "must be 1–50"}


async def test_profile_edit_changes_recommendations_at_once(client, person):
    ana = await person(**ANA)
    ben = await person(**BEN)

    await client.patch("/api/v1/me", json={"themes": ["women-in-sse"]}, headers=ben.headers)
    found = await recommended(client, ana)

    assert found[0]["user"]["id"] == ben.id
    assert "You both work on social impact measurement" not in found[0]["reasons"]
    assert found[0]["user"]["themes"] == ["women-in-sse"]


async def test_registration_makes_a_person_recommendable_at_once(client, person):
    ana = await person(**ANA)
    await recommended(client, ana)

    response = await client.post(
        "/api/v1/auth/register", json={**BEN, "email": "ben.new@example.org", "password": "long enough pw"}
    )
    found = await recommended(client, ana)

    assert [r["user"]["id"] for r in found] == [response.json()["user"]["id"]]


async def test_hidden_person_is_never_recommended_again_until_unhidden(client, person):
    ana = await person(**ANA)
    ben = await person(**BEN)

    await client.post(f"/api/v1/people/{ben.id}/hide", headers=ana.headers)
    after_hide = await recommended(client, ana)
    await client.delete(f"/api/v1/people/{ben.id}/hide", headers=ana.headers)
    after_undo = await recommended(client, ana)

    assert after_hide == []
    assert [r["user"]["id"] for r in after_undo] == [ben.id]


async def test_block_excludes_recommendations_both_ways(client, person):
    ana = await person(**ANA)
    ben = await person(**BEN)

    await client.post(f"/api/v1/people/{ana.id}/block", headers=ben.headers)

    assert (await recommended(client, ana), await recommended(client, ben)) == ([], [])


async def test_accepted_meeting_and_declined_request_exclude_the_pair(client, person):
    ana = await person(**ANA)
    ben = await person(**BEN)
    cat = await person(**{**BEN, "name": "Cat"})
    met = await client.post(
        "/api/v1/meetings", json={"invitee_id": ben.id, "start": MONDAY_1330}, headers=ana.headers
    )
    await client.post(f"/api/v1/meetings/{met.json()['id']}/accept", headers=ben.headers)
    asked = await client.post(
        "/api/v1/meetings",
        json={"invitee_id": cat.id, "start": "2021-09-13T14:00:00+02:00"},
        headers=ana.headers,
    )

    before_decline = [r["user"]["id"] for r in await recommended(client, ana)]
    await client.post(f"/api/v1/meetings/{asked.json()['id']}/decline", headers=cat.headers)
    after_decline = await recommended(client, ana)

    assert before_decline == [cat.id]
    assert after_decline == []
    assert [r["user"]["id"] for r in await recommended(client, ben)] == [cat.id]


async def test_matchmaking_settings_round_trip_and_change_scores(client, person):
    organiser = await person(role="organiser", name="Org")
    ana = await person(**ANA)
    await person(**BEN)
    before = (await recommended(client, ana))[0]["score"]
    current = (await client.get("/api/v1/admin/matchmaking", headers=organiser.headers)).json()
    current["complementarity"]["cooperative"]["funder"] = 0.0
    current["weights"]["org_types"] = 0.9

    saved = await client.put("/api/v1/admin/matchmaking", json=current, headers=organiser.headers)
    again = await client.get("/api/v1/admin/matchmaking", headers=organiser.headers)
    after = (await recommended(client, ana))[0]

    assert saved.status_code == 200
    assert again.json() == {**current, "version": 1}
    assert after["score"] < before
    assert "Practitioner ↔ funder" not in after["reasons"]


async def test_matchmaking_settings_reject_bad_values_naming_each_field(client, person):
    organiser = await person(role="organiser", name="Org")

    response = await client.put(
        "/api/v1/admin/matchmaking",
        json={
            "weights": {"themes": -1},
            "complementarity": {"guild": {"funder": 0.5}, "funder": {"cooperative": 2}},
            "exposure_cap": 0,
        },
        headers=organiser.headers,
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "weights.themes": "must be a number of at least 0",
        "complementarity.guild": "unknown organisation type",
        "complementarity.funder.cooperative": "must be a number from 0 to 1",
        "exposure_cap": "must be a whole number of at least 1",
    }


async def test_matchmaking_settings_are_for_organisers(client, person):
    moderator = await person(role="moderator", name="Mod")

    read = await client.get("/api/v1/admin/matchmaking", headers=moderator.headers)
    write = await client.put("/api/v1/admin/matchmaking", json={}, headers=moderator.headers)

    assert (read.status_code, write.status_code) == (403, 403)


async def test_the_periodic_refresh_picks_up_what_other_processes_changed(app, person):
    from sqlalchemy import update

    from conference.db.models import User

    ana = await person(**ANA)
    ben = await person(**BEN)
    recommender = app.state.recommender
    async with app.state.db.session() as db:  # as another process would: straight to the database
        await db.execute(update(User).where(User.id == ana.id).values(country="KR"))
        await db.execute(update(User).where(User.id == ben.id).values(active=False))

    await recommender.refresh()

    assert recommender.profiles[ana.id].country == "KR"
    assert ben.id not in recommender.profiles and ben.id not in recommender.index


async def test_a_refresh_of_many_people_lets_other_tasks_run_between_chunks(app, loaded, monkeypatch):
    import asyncio

    from sqlalchemy import insert

    from conference import recommendations
    from conference.db.models import User

    n = recommendations.CHUNK * 4
    async with app.state.db.session() as db:
        await db.execute(
            insert(User),
            [{"email": f"bulk{i}@example.org", "password_hash": "-", "name": f"P {i}"} for i in range(n)],
        )
    ticks = 0
    seen: list[int] = []  # the ticker's count each time a profile is made
    make = recommendations.match_profile

    def watched(user, free=frozenset()):
        seen.append(ticks)
        return make(user, free)

    monkeypatch.setattr(recommendations, "match_profile", watched)

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        await app.state.recommender.refresh()
    finally:
        task.cancel()

    assert len(seen) >= n
    # Other tasks ran between chunks of profiles, not only before and after all of them.
    assert len(set(seen)) >= 4
