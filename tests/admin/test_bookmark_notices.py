from tests.admin.helpers import API, session_by_key
from tests.support import make_account


async def bookmark(client, account, session_id: int) -> None:
    response = await client.put(f"{API}/me/bookmarks/{session_id}", headers=account.headers)
    assert response.status_code == 200


async def notifications(client, account) -> dict:
    return (await client.get(f"{API}/me/notifications", headers=account.headers)).json()


async def agenda_flags(client, account) -> list[tuple[str, bool]]:
    body = (await client.get(f"{API}/me/agenda", headers=account.headers)).json()
    return [(item["session"]["key"], item["changed"]) for item in body["items"]]


async def test_moving_a_bookmarked_session_notifies_and_flags_its_holders(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    holder = await make_account(client, app)
    bystander = await make_account(client, app)
    session = await session_by_key(client, "session-legal-research")
    await bookmark(client, holder, session["id"])

    await client.patch(
        f"{API}/sessions/{session['id']}",
        json={"start": "2021-09-13T16:00:00+02:00", "end": "2021-09-13T16:45:00+02:00"},
        headers=organiser.headers,
    )

    got = await notifications(client, holder)
    [notice] = got["items"]
    assert got["unread"] == 1
    assert {
        k: notice[k] for k in ("type", "kind", "session_id", "start", "cancelled", "changes", "before")
    } == {
        "type": "notification",
        "kind": "session.changed",
        "session_id": session["id"],
        "start": "2021-09-13T16:00:00+02:00",
        "cancelled": False,
        "changes": ["start", "end"],
        "before": {"start": "2021-09-13T14:00:00+02:00", "end": "2021-09-13T15:00:00+02:00"},
    }
    assert notice["message"] == f"“{session['title']}”, which you bookmarked, changed: time."
    assert await agenda_flags(client, holder) == [("session-legal-research", True)]
    assert await notifications(client, bystander) == {"items": [], "unread": 0}


async def test_a_description_edit_does_not_notify(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    holder = await make_account(client, app)
    session = await session_by_key(client, "session-legal-research")
    await bookmark(client, holder, session["id"])

    await client.patch(
        f"{API}/sessions/{session['id']}", json={"description": "Typo fixed."}, headers=organiser.headers
    )

    assert await notifications(client, holder) == {"items": [], "unread": 0}
    assert await agenda_flags(client, holder) == [("session-legal-research", False)]


async def test_cancelling_a_bookmarked_session_notifies_its_holders(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    holder = await make_account(client, app)
    session = await session_by_key(client, "breakout-legal-forms")
    await bookmark(client, holder, session["id"])

    await client.delete(f"{API}/sessions/{session['id']}", headers=organiser.headers)

    [notice] = (await notifications(client, holder))["items"]
    assert (notice["kind"], notice["cancelled"], notice["title"], notice["message"]) == (
        "session.cancelled",
        True,
        session["title"],
        f"“{session['title']}”, which you bookmarked, was cancelled.",
    )


async def test_dismissing_clears_the_changed_flag(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    holder = await make_account(client, app)
    first = await session_by_key(client, "session-legal-research")
    second = await session_by_key(client, "breakout-legal-forms")
    for session in (first, second):
        await bookmark(client, holder, session["id"])
        await client.patch(
            f"{API}/sessions/{session['id']}", json={"title": "New"}, headers=organiser.headers
        )

    response = await client.post(
        f"{API}/me/agenda/seen", json={"session_ids": [first["id"]]}, headers=holder.headers
    )

    assert response.json() == {"cleared": 1}
    assert await agenda_flags(client, holder) == [
        ("session-legal-research", False),
        ("breakout-legal-forms", True),
    ]


async def test_marking_notifications_read(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    holder = await make_account(client, app)
    session = await session_by_key(client, "session-legal-research")
    await bookmark(client, holder, session["id"])
    await client.patch(f"{API}/sessions/{session['id']}", json={"title": "New"}, headers=organiser.headers)

    response = await client.post(f"{API}/me/notifications/read", json={}, headers=holder.headers)

    got = await notifications(client, holder)
    assert (response.json(), got["unread"], [n["read"] for n in got["items"]]) == ({"marked": 1}, 0, [True])


async def test_my_agenda_page_flags_a_change_once(client, app, loaded):
    organiser = await make_account(client, app, role="organiser")
    holder = await make_account(client, app)
    session = await session_by_key(client, "session-legal-research")
    await bookmark(client, holder, session["id"])
    await client.patch(
        f"{API}/sessions/{session['id']}", json={"title": "Moved on"}, headers=organiser.headers
    )

    first = await client.get("/agenda", headers=holder.headers)
    second = await client.get("/agenda", headers=holder.headers)

    assert "Changed since you bookmarked it" in first.text
    assert "Changed since you bookmarked it" not in second.text
    assert await agenda_flags(client, holder) == [("session-legal-research", False)]
