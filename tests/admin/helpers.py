"""Helpers of the organiser tests: finding sessions, a session body, bookmarking."""

from __future__ import annotations

API = "/api/v1"


async def session_by_key(client, key: str) -> dict:
    body = (await client.get(f"{API}/programme")).json()
    return next(s for day in body["days"] for s in day["sessions"] if s["key"] == key)


def new_session(**changes) -> dict:
    """A session that fits: Room B is free on the first day from 13:00 to 14:00."""
    body = {
        "title": "Extra session",
        "kind": "session",
        "start": "2021-09-13T13:00:00+02:00",
        "end": "2021-09-13T13:30:00+02:00",
        "stage": "room-b",
        "themes": ["legal-frameworks"],
        "speakers": [],
        "description": "Added on the day.",
    }
    return body | changes


async def history(client, organiser, **params) -> list[dict]:
    response = await client.get(f"{API}/admin/history", params=params, headers=organiser.headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]
