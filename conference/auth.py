"""Who is asking: the signed-in viewer from the session cookie or a bearer token, roles and CSRF."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from starlette.requests import HTTPConnection

from conference import accounts
from conference.db.models import User
from conference.errors import CsrfFailed, Forbidden, Unauthorized

COOKIE_NAME = "conference_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Viewer:
    user: User
    login_id: int
    via: Literal["cookie", "bearer"]

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def role(self) -> str:
        return self.user.role

    def at_least(self, role: str) -> bool:
        return accounts.role_at_least(self.user.role, role)


def credentials(connection: HTTPConnection) -> tuple[int, Literal["cookie", "bearer"]] | None:
    """The login id the request carries, by signature only (not yet checked against the database)."""
    signer = connection.app.state.signer
    header = connection.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        login_id = signer.login_from_bearer(header[7:].strip())
        return (login_id, "bearer") if login_id is not None else None
    cookie = connection.cookies.get(COOKIE_NAME)
    if cookie:
        login_id = signer.login_from_cookie(cookie)
        return (login_id, "cookie") if login_id is not None else None
    return None


async def current_viewer(connection: HTTPConnection) -> Viewer | None:
    """The viewer, or None for anonymous visitors. Looked up on every request, so a logout or a role
    change applies at once to every session and token."""
    if hasattr(connection.state, "viewer"):
        return connection.state.viewer
    viewer = None
    found = credentials(connection)
    if found is not None:
        login_id, via = found
        async with connection.app.state.db.reader() as db:
            row = await accounts.active_login(db, login_id)
        if row is not None:
            viewer = Viewer(user=row[1], login_id=login_id, via=via)
    connection.state.viewer = viewer
    return viewer


async def require_viewer(connection: HTTPConnection, role: str = "attendee") -> Viewer:
    viewer = await current_viewer(connection)
    if viewer is None:
        raise Unauthorized("sign in first")
    method = connection.scope.get("method", "GET")
    if viewer.via == "cookie" and method not in SAFE_METHODS:
        token = connection.headers.get("x-csrf-token", "")
        if not token and "form" in connection.headers.get("content-type", ""):
            token = str((await connection.form()).get("csrf_token", ""))  # type: ignore[attr-defined]
        if not token or not connection.app.state.signer.check_csrf(viewer.login_id, token):
            raise CsrfFailed("missing or wrong CSRF token (send the X-CSRF-Token header)")
    if not viewer.at_least(role):
        raise Forbidden(f"this needs the {role} role")
    return viewer
