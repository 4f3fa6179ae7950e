"""Fixtures for breakout tests: a breakout session of the real programme and people in it."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from conference import accounts
from conference.db.models import Session

_emails = itertools.count(1)


@pytest.fixture
async def breakout_session(app, loaded) -> int:
    async with app.state.db.reader() as db:
        return await db.scalar(select(Session.id).where(Session.key == "breakout-legal-forms"))


@pytest.fixture
def people(app):
    """`await people(n, role=..., themes=...)` -> the new users' ids (created directly, no sign-in)."""

    async def make(count: int, role: str = "attendee", **profile) -> list[int]:
        ids = []
        async with app.state.db.session() as db:
            for _ in range(count):
                n = next(_emails)
                user = await accounts.create_user(
                    db, f"breakout{n}@example.org", "x" * 12, {"name": f"Guest {n}", **profile}, role, 10
                )
                ids.append(user.id)
        return ids

    return make
