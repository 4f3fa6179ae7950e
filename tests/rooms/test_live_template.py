"""The live room part of the session page (templates/sessions/_live.html), rendered by the server."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select, update

from conference import programme
from conference.db.models import Session
from tests.support import make_account


@pytest.fixture
async def app(sqlite_url):
    from conference.app import create_app
    from tests.conftest import make_settings

    application = create_app(make_settings(sqlite_url))
    async with application.router.lifespan_context(application):
        yield application


async def plenary_with_stream(app, stream_url):
    async with app.state.db.session() as db:
        ids = await programme.session_ids(db)
        await db.execute(
            update(Session).where(Session.id == ids["opening-plenary"]).values(stream_url=stream_url)
        )
    return ids


async def signed_in(client, app, **options):
    account = await make_account(client, app, **options)
    response = await client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": account.password}
    )
    assert response.status_code == 200
    return account


def live_room(html):
    found = re.search(r"<div class=\"live__layout[^\"]*\"(.*?)>", html, re.S)
    assert found and "data-live-room" in found.group(1), "no live room on the page"
    return dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', found.group(1)))


async def test_live_room_carries_channel_viewer_and_youtube_player(client, loaded, app):
    ids = await plenary_with_stream(app, "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    viewer = await signed_in(client, app, role="moderator", name='Zoë "<b>" O\'Neil')

    response = await client.get(f"/sessions/{ids['opening-plenary']}")

    assert response.status_code == 200
    assert {k: unescape(v) for k, v in live_room(response.text).items()} == {
        "data-channel": f"session:{ids['opening-plenary']}",
        "data-user-id": str(viewer.id),
        "data-user-name": 'Zoë "<b>" O\'Neil',
        "data-moderator": "true",
        "data-qa-moderated": "true",
    }
    assert '<b>" O' not in response.text  # the name is escaped, never markup
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in response.text
    assert "js/live-room.js" in response.text


async def test_live_room_for_attendee_without_stream_has_no_player(client, loaded, app):
    ids = await plenary_with_stream(app, None)
    await signed_in(client, app)

    response = await client.get(f"/sessions/{ids['opening-plenary']}")

    assert live_room(response.text)["data-moderator"] == "false"
    assert "<iframe" not in response.text and "<video" not in response.text
    assert "live__no-stream" in response.text


async def test_live_room_for_anonymous_visitor_is_a_sign_in_link(client, loaded, app):
    ids = await plenary_with_stream(app, "https://vimeo.com/76979871")

    response = await client.get(f"/sessions/{ids['opening-plenary']}")

    assert "Sign in to join the conversation" in response.text
    assert f'/login?next=/sessions/{ids["opening-plenary"]}"' in response.text
    assert "data-live-room" not in response.text and "player.vimeo.com" not in response.text


async def test_break_has_no_live_room(client, loaded, app):
    async with app.state.db.reader() as db:
        break_id = await db.scalar(select(Session.id).where(Session.kind == "break").limit(1))
    await signed_in(client, app)

    response = await client.get(f"/sessions/{break_id}")

    assert response.status_code == 200
    assert "data-live-room" not in response.text and "Sign in to join the conversation" not in response.text
