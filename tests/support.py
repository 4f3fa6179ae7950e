"""Helpers the tests share: accounts with a role, signed-in clients."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import httpx

from conference import accounts

_counter = itertools.count(1)


@dataclass
class Account:
    id: int
    email: str
    password: str
    name: str
    token: str
    csrf_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def make_account(
    client: httpx.AsyncClient, app, role: str = "attendee", name: str | None = None, **profile
) -> Account:
    """Creates the user directly (registration is rate-limited per address) and signs in over HTTP."""
    n = next(_counter)
    name = name or f"Person {n}"
    email = f"person{n}@example.org"
    password = "correct horse battery"
    async with app.state.db.session() as db:
        user = await accounts.create_user(
            db, email, password, {"name": name, **profile}, role=role, hash_cost=10
        )
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    client.cookies.clear()  # callers choose cookie or bearer explicitly
    return Account(user.id, email, password, name, body["token"], body["csrf_token"])
