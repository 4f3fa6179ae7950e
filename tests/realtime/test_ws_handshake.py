"""The /ws handshake: bearer or cookie (with an allowed Origin); everything else is closed with 4401."""

from conference.db.models import User
from tests.conftest import make_settings


async def refused_with(server, **options):
    async with server.ws(**options) as ws:
        return await ws.closed()


async def test_handshake_without_credentials_is_closed_4401(live_server):
    assert await refused_with(live_server) == (4401, "sign in first")


async def test_handshake_with_forged_bearer_is_closed_4401(live_server):
    assert await refused_with(live_server, headers={"Authorization": "Bearer not-a-token"}) == (
        4401,
        "sign in first",
    )


async def test_handshake_with_bearer_needs_no_origin(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada) as ws:
        assert await ws.request({"type": "ping"}, "pong") == {"type": "pong"}


async def test_handshake_with_cookie_and_own_origin_is_accepted(live_server):
    ada = await live_server.account()
    async with live_server.ws(ada, cookie=True, origin=live_server.url) as ws:
        assert await ws.request({"type": "ping"}, "pong") == {"type": "pong"}


async def test_handshake_with_cookie_without_origin_is_closed_4401(live_server):
    ada = await live_server.account()
    assert await refused_with(live_server, account=ada, cookie=True) == (4401, "origin not allowed")


async def test_handshake_with_cookie_from_other_origin_is_closed_4401(live_server):
    ada = await live_server.account()
    options = {"account": ada, "cookie": True, "origin": "http://evil.example"}
    assert await refused_with(live_server, **options) == (4401, "origin not allowed")


async def test_handshake_cookie_origin_follows_allowed_origins_setting(sqlite_url, start_live_server):
    settings = make_settings(sqlite_url, allowed_origins=("https://conference.example",))
    async with start_live_server(settings) as server:
        ada = await server.account()

        async with server.ws(ada, cookie=True, origin="https://conference.example") as ws:
            pong = await ws.request({"type": "ping"}, "pong")
        own = await refused_with(server, account=ada, cookie=True, origin=server.url)

    assert (pong, own) == ({"type": "pong"}, (4401, "origin not allowed"))


async def test_handshake_after_logout_is_closed_4401(live_server):
    ada = await live_server.account()
    response = await live_server.http.post("/api/v1/auth/logout", headers=ada.headers)
    assert response.status_code == 200

    assert await refused_with(live_server, account=ada) == (4401, "sign in first")


async def test_handshake_of_deactivated_user_is_closed_4401(live_server):
    ada = await live_server.account()
    async with live_server.app.state.db.session() as db:
        (await db.get(User, ada.id)).active = False

    assert await refused_with(live_server, account=ada) == (4401, "sign in first")
