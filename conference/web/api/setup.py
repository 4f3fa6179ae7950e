"""First-run set-up: the one-time organiser sign-up behind the link `conference serve` prints."""

from __future__ import annotations

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conference import accounts
from conference.errors import Forbidden
from conference.web.http import read_json

SETUP_LOCK_KEY = 0x5E7_0001  # any constant nobody else locks on


async def create_first_organiser(request: Request) -> JSONResponse:
    """`{token, email, password, name}` -> 201 `{user}`; 403 once an organiser exists or on a bad token."""
    data = await read_json(request)
    token = data.get("token") if isinstance(data, dict) else None
    if not isinstance(token, str) or not request.app.state.signer.check_setup_token(token):
        raise Forbidden("this set-up link is not valid; use the one `conference serve` printed")
    async with request.app.state.db.session() as db:
        registration = accounts.Registration.parse(
            {k: v for k, v in data.items() if k != "token"}, await accounts.theme_slugs(db)
        )
        # Two set-ups racing must not both become organiser: SQLite writers already queue (BEGIN
        # IMMEDIATE); on Postgres a transaction-scoped advisory lock makes the second wait, then see
        # the first one's organiser.
        if db.bind.dialect.name == "postgresql":
            await db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SETUP_LOCK_KEY})
        if await accounts.has_organiser(db):
            raise Forbidden("an organiser account already exists; sign in instead")
        user = await accounts.create_user(
            db,
            registration.email,
            registration.password,
            registration.profile,
            role="organiser",
            hash_cost=request.app.state.settings.password_hash_cost,
        )
    return JSONResponse({"user": accounts.profile_dict(user, private=True)}, status_code=201)


routes = [Route("/auth/setup", create_first_organiser, methods=["POST"])]
