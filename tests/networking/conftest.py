"""Fixtures of the networking tests: the app with the programme loaded, and people with profiles."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Account, make_account

# Times inside the conference hours (13:00-16:00 Europe/Paris, 13-16 September 2021).
MONDAY_1330 = "2021-09-13T13:30:00+02:00"
NETWORKING_TUESDAY = "2021-09-14T15:00:00+02:00"


@pytest.fixture
async def person(client, app, loaded):
    """`await person(name=..., **profile)` -> Account, with a full profile by default."""

    async def make(role: str = "attendee", **profile: Any) -> Account:
        profile.setdefault("languages", ["en"])
        return await make_account(client, app, role=role, **profile)

    return make


async def session_id(app, key: str) -> int:
    from conference import programme

    async with app.state.db.reader() as db:
        return (await programme.session_ids(db))[key]
