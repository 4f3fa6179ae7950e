"""Fixtures for roundtable tests: the real programme's roundtable session and its tables."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from conference import accounts
from conference.db.models import RoundTable, Session

_emails = itertools.count(1)


@pytest.fixture
async def roundtable(app, loaded) -> dict:
    """{"session_id": id, "tables": {key: id}, "seats": {key: seats}} of the roundtable session."""
    async with app.state.db.reader() as db:
        session_id = await db.scalar(select(Session.id).where(Session.key == "roundtable-plp"))
        rows = (await db.execute(select(RoundTable.key, RoundTable.id, RoundTable.seats))).all()
    return {
        "session_id": session_id,
        "tables": {key: id_ for key, id_, _ in rows},
        "seats": {key: seats for key, _, seats in rows},
    }


@pytest.fixture
def people(app):
    """`await people(n, role=...)` -> the new users' ids (created directly, no sign-in)."""

    async def make(count: int, role: str = "attendee") -> list[int]:
        ids = []
        async with app.state.db.session() as db:
            for _ in range(count):
                n = next(_emails)
                user = await accounts.create_user(
                    db, f"table{n}@example.org", "x" * 12, {"name": f"Guest {n}"}, role, 10
                )
                ids.append(user.id)
        return ids

    return make
