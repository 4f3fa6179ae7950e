"""Helpers of the breakout and roundtable browser tests: video rooms answered locally, a signed-in page
per person in a browser context of its own."""

from __future__ import annotations

from sqlalchemy import select

from conference.db.models import Session
from tests.browser.conftest import sign_in

# Video rooms point at a loopback address the test answers itself (no Jitsi from the test machine).
VIDEO_BASE = "http://127.0.0.1:9"
PLACEHOLDER = (
    "<!doctype html><title>video</title><body style='margin:0;background:#1b2430;color:#fff;"
    "font:16px system-ui;display:grid;place-items:center;height:100vh'>Video room</body>"
)


def session_id(live_server, key: str) -> int:
    async def find() -> int:
        async with live_server.app.state.db.reader() as db:
            return await db.scalar(select(Session.id).where(Session.key == key))

    return live_server.run(find)


def person_page(browser, live_server, user: dict, path: str):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(10_000)
    context.route(f"{VIDEO_BASE}/**", lambda route: route.fulfill(body=PLACEHOLDER, content_type="text/html"))
    page = context.new_page()
    sign_in(page, user["email"], user["password"], path)
    return context, page
