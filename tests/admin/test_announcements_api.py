from tests.admin.helpers import API, session_by_key
from tests.support import make_account


async def test_announcements_are_listed_newest_first(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    session = await session_by_key(client, "session-legal-research")
    first = (
        await client.post(f"{API}/announcements", json={"body": "Welcome!"}, headers=organiser.headers)
    ).json()
    second = (
        await client.post(
            f"{API}/announcements",
            json={"body": "Slides posted", "session_id": session["id"]},
            headers=organiser.headers,
        )
    ).json()

    response = await client.get(f"{API}/announcements")

    assert response.json() == {"items": [second, first]}
    assert second == {
        "id": second["id"],
        "body": "Slides posted",
        "ts": second["ts"],
        "session_id": session["id"],
        "session_title": session["title"],
    }


async def test_announcements_of_one_session_include_those_to_everyone(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    one = await session_by_key(client, "session-legal-research")
    other = await session_by_key(client, "breakout-legal-forms")
    for body, session_id in (("To all", None), ("To one", one["id"]), ("To other", other["id"])):
        payload = {"body": body} | ({"session_id": session_id} if session_id else {})
        await client.post(f"{API}/announcements", json=payload, headers=organiser.headers)

    response = await client.get(f"{API}/announcements", params={"session_id": one["id"]})

    assert [a["body"] for a in response.json()["items"]] == ["To one", "To all"]


async def test_announcement_body_is_required_and_bounded(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")

    empty = await client.post(f"{API}/announcements", json={"body": "   "}, headers=organiser.headers)
    long = await client.post(f"{API}/announcements", json={"body": "x" * 2001}, headers=organiser.headers)

    assert (empty.status_code, empty.json()["error"]["fields"]) == (422, {"body": "is required"})
    assert (long.status_code, list(long.json()["error"]["fields"])) == (422, ["body"])
    assert (await client.get(f"{API}/announcements")).json() == {"items": []}


async def test_announcement_to_an_unknown_session_is_404(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")

    response = await client.post(
        f"{API}/announcements", json={"body": "hi", "session_id": 99999}, headers=organiser.headers
    )

    assert response.status_code == 404
