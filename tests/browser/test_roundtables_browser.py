"""Roundtables in real browsers: taking a seat updates everyone's seats left live, and opens the table."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.video_rooms import VIDEO_BASE, person_page, session_id

pytestmark = pytest.mark.browser

SILK = "Social Solidarity Economy International Learning and Knowledge"


@pytest.fixture
def live_settings(live_settings):
    return live_settings.with_(video_base_url=VIDEO_BASE)


def test_taking_a_seat_updates_seats_left_for_everyone(browser, live_server):
    sid = session_id(live_server, "roundtable-plp")
    ana, ben = live_server.create_user(name="Ana Ruiz"), live_server.create_user(name="Ben Okafor")
    contexts = []
    try:
        pages = []
        for person in (ana, ben):
            context, page = person_page(browser, live_server, person, f"/sessions/{sid}")
            contexts.append(context)
            expect(page.locator("[data-live-part='status']")).to_have_attribute("data-state", "open")
            pages.append(page)
        silk = [page.locator(".table-item", has_text=SILK) for page in pages]
        expect(silk[1].locator(".table-item__left")).to_have_text("8 seats left")

        silk[0].get_by_role("button", name=f"Take a seat at {SILK}", exact=False).click()

        expect(silk[0].locator(".table-item__mine")).to_have_text("Your seat")
        expect(silk[1].locator(".table-item__left")).to_have_text("7 seats left")
        expect(silk[1].locator(".seats")).to_have_text("1 / 8")
        room = pages[0].locator(".tables__room")
        expect(room.get_by_role("heading")).to_contain_text(f"Your table: {SILK}")
        assert room.locator("iframe").get_attribute("src").startswith(f"{VIDEO_BASE}/room")
        room.locator(".chat__input").fill("Hello table")
        room.locator(".chat__input").press("Enter")
        expect(room.locator(".msg__body")).to_have_text(["Hello table"])
        pages[0].locator("#tables-heading").scroll_into_view_if_needed()
        screenshot(pages[0], "roundtable-seated")

        silk[0].get_by_role("button", name=f"Leave {SILK}", exact=False).click()

        expect(silk[1].locator(".table-item__left")).to_have_text("8 seats left")
        expect(room).to_be_hidden()
    finally:
        for context in contexts:
            context.close()
