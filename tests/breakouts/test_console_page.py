"""The moderator console page: moderators only; others are sent to sign in or refused."""

from __future__ import annotations

from tests.support import make_account


async def test_console_page_for_moderator_carries_the_session(client, app, breakout_session):
    moderator = await make_account(client, app, "moderator", name="Mona")

    response = await client.get(f"/sessions/{breakout_session}/console", headers=moderator.headers)

    assert response.status_code == 200
    assert f'data-session-id="{breakout_session}"' in response.text
    assert "js/console.js" in response.text
    assert "<script>" not in response.text  # no inline script (CSP)


async def test_console_page_refuses_attendees_and_sends_visitors_to_sign_in(client, app, breakout_session):
    attendee = await make_account(client, app)

    refused = await client.get(f"/sessions/{breakout_session}/console", headers=attendee.headers)
    visitor = await client.get(f"/sessions/{breakout_session}/console", follow_redirects=False)

    assert refused.status_code == 403
    assert (visitor.status_code, visitor.headers["location"]) == (
        303,
        f"/login?next=/sessions/{breakout_session}/console",
    )


async def test_console_page_for_unknown_session_is_404(client, app, loaded):
    moderator = await make_account(client, app, "moderator")

    response = await client.get("/sessions/999999/console", headers=moderator.headers)

    assert response.status_code == 404
