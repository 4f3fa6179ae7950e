"""Accounts API: register, login, logout, /me."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from conference import accounts
from conference.auth import COOKIE_NAME, require_viewer
from conference.errors import RateLimited, Unauthorized
from conference.security import DUMMY_HASH, verify_password
from conference.validation import Fields
from conference.web.http import client_address, read_json


async def profile_changed(request: Request, user_id: int) -> None:
    """Runs the app's profile hooks (after the change committed)."""
    for hook in request.app.state.profile_hooks:
        await hook(user_id)


async def register(request: Request) -> JSONResponse:
    data = await read_json(request)
    limits = request.app.state.limits
    wait = limits.registrations_by_address.take(client_address(request))
    if wait:
        raise RateLimited("too many registrations from this address; try again shortly", wait)
    async with request.app.state.db.session() as db:
        registration = accounts.Registration.parse(data, await accounts.theme_slugs(db))
        user = await accounts.create_user(
            db,
            registration.email,
            registration.password,
            registration.profile,
            hash_cost=request.app.state.settings.password_hash_cost,
        )
    await profile_changed(request, user.id)
    return JSONResponse({"user": accounts.profile_dict(user, private=True)}, status_code=201)


async def login(request: Request) -> JSONResponse:
    fields = Fields(await read_json(request))
    email = fields.text("email", required=True, max_length=254).lower()
    password = fields.text("password", required=True, max_length=200)
    fields.check()
    limits = request.app.state.limits
    address = client_address(request)
    wait = max(limits.login_failures_by_email.peek(email), limits.login_failures_by_address.peek(address))
    if wait:
        raise RateLimited("too many failed sign-ins; wait a moment and try again", wait)
    async with request.app.state.db.reader() as db:
        user = await accounts.user_by_email(db, email)
    # Verify against a dummy hash for unknown e-mails so the answer takes the same time.
    ok = await verify_password(password, user.password_hash if user else DUMMY_HASH)
    if not ok or user is None or not user.active:
        limits.login_failures_by_email.take(email)
        limits.login_failures_by_address.take(address)
        raise Unauthorized("wrong e-mail or password")
    limits.login_failures_by_email.reset(email)
    async with request.app.state.db.session() as db:
        login_row = await accounts.start_login(db, user)
    signer = request.app.state.signer
    response = JSONResponse(
        {
            "user": accounts.profile_dict(user, private=True),
            "token": signer.bearer_token(login_row.id),
            "csrf_token": signer.csrf_token(login_row.id),
        }
    )
    response.set_cookie(
        COOKIE_NAME,
        signer.cookie_value(login_row.id),
        max_age=14 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies or request.url.scheme == "https",
    )
    return response


async def logout(request: Request) -> Response:
    viewer = await require_viewer(request)
    async with request.app.state.db.session() as db:
        await accounts.end_login(db, viewer.login_id)
    response = JSONResponse({"ok": True})
    response.delete_cookie(COOKIE_NAME)
    return response


async def me(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    body = accounts.profile_dict(viewer.user, private=True)
    body["csrf_token"] = request.app.state.signer.csrf_token(viewer.login_id)
    return JSONResponse(body)


async def update_me(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    data = await read_json(request)
    async with request.app.state.db.session() as db:
        fields = Fields(data)
        changes = accounts.parse_profile(fields, await accounts.theme_slugs(db), partial=True)
        if not changes:
            fields.fail("body", "send at least one profile field")
        fields.check()
        user = await accounts.get_user(db, viewer.id)
        for name, value in changes.items():
            setattr(user, name, value)
    await profile_changed(request, user.id)
    body = accounts.profile_dict(user, private=True)
    body["csrf_token"] = request.app.state.signer.csrf_token(viewer.login_id)
    return JSONResponse(body)


routes = [
    Route("/auth/register", register, methods=["POST"]),
    Route("/auth/login", login, methods=["POST"]),
    Route("/auth/logout", logout, methods=["POST"]),
    Route("/me", me, methods=["GET"]),
    Route("/me", update_me, methods=["PATCH"]),
]
