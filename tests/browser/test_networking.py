"""Networking in a real browser: two attendees see each other recommended with reasons, one asks for a
meeting in a slot shown in both time zones, the other accepts, and both find it in My agenda."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

ANA = {
    "name": "Ana Ferreira",
    "organisation": "Cooperativa Aurora",
    "job_title": "Director",
    "org_type": "cooperative",
    "country": "PT",
    "timezone": "Europe/Lisbon",
    "themes": ["impact-measurement"],
    "seeks": ["funding"],
    "offers": ["peer_learning"],
    "languages": ["pt", "en"],
}
BEN = {
    "name": "Kim Min-jun",
    "organisation": "Seoul Impact Fund",
    "job_title": "Investment manager",
    "org_type": "funder",
    "country": "KR",
    "timezone": "Asia/Seoul",
    "themes": ["impact-measurement"],
    "offers": ["funding"],
    "seeks": ["peer_learning"],
    "languages": ["ko", "en"],
}


def new_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, timezone_id="Europe/London"
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def test_networking_recommend_request_accept_and_agenda(page, browser, live_server):
    ana = live_server.create_user(**ANA)
    ben = live_server.create_user(**BEN)
    ben_page = new_page(browser, live_server)

    sign_in(page, ana["email"], ana["password"], "/people")
    card = page.locator(".people__recommended .person-card", has_text=BEN["name"])
    expect(card).to_be_visible()
    expect(card.locator(".person-card__reasons")).to_contain_text("They offer funding, which you seek")
    expect(card.locator(".person-card__reasons")).to_contain_text(
        "You both work on social impact measurement"
    )
    screenshot(page, "networking-people")

    sign_in(ben_page, ben["email"], ben["password"], "/people")
    ben_card = ben_page.locator(".people__recommended .person-card", has_text=ANA["name"])
    expect(ben_card.locator(".person-card__reasons")).to_contain_text("You offer funding, which they seek")

    card.get_by_role("link", name="Ask for a meeting").click()
    expect(page.get_by_role("heading", name=f"Ask {BEN['name']} for a meeting")).to_be_visible()
    # 13:30 in Paris is 12:30 in Lisbon (Ana) and 20:30 in Seoul (Kim), side by side.
    row = page.locator("tr.slot", has_text="12:30").first
    expect(row.locator("td").nth(0)).to_contain_text("12:30 WEST")
    expect(row.locator("td").nth(1)).to_contain_text("20:30 KST")
    page.get_by_label("Message (optional)").fill("Could we talk about your impact fund?")
    row.get_by_role("button", name="Request").click()
    expect(page.locator(".meet .form-status")).to_contain_text("Request sent")
    screenshot(page, "networking-person-slots")

    ben_page.goto("/meetings")
    incoming = ben_page.locator(".meeting", has_text=ANA["name"])
    expect(incoming).to_contain_text("20:30")
    expect(incoming).to_contain_text("Could we talk about your impact fund?")
    screenshot(ben_page, "networking-meetings-incoming")
    incoming.get_by_role("button", name="Accept").click()
    expect(ben_page.locator(".meeting .status--accepted")).to_be_visible()

    ben_page.goto("/agenda")
    expect(ben_page.locator(".agenda-meeting")).to_contain_text(f"Meeting with {ANA['name']}")
    expect(ben_page.locator(".agenda-meeting")).to_contain_text("20:30–20:45")
    screenshot(ben_page, "networking-agenda-invitee")
    page.goto("/agenda")
    expect(page.locator(".agenda-meeting")).to_contain_text(f"Meeting with {BEN['name']}")
    expect(page.locator(".agenda-meeting")).to_contain_text("12:30–12:45")
    screenshot(page, "networking-agenda-requester")

    page.locator(".agenda-meeting").get_by_role("link").click()
    expect(page.get_by_role("link", name="Join the video call")).to_be_visible()
    expect(page.locator("[data-live-status]")).to_have_text("Live")
    screenshot(page, "networking-meeting-room")
    ben_page.context.close()


def test_speed_networking_lobby_pairs_counts_down_and_offers_to_connect(page, browser, live_server):
    from datetime import timedelta

    from sqlalchemy import update

    from conference import programme
    from conference.db.base import utcnow
    from conference.db.models import NetworkingRound

    async def lobby_id() -> int:
        async with live_server.app.state.db.reader() as db:
            return (await programme.session_ids(db))["networking-tue"]

    async def end_round() -> None:
        async with live_server.app.state.db.session() as db:
            await db.execute(update(NetworkingRound).values(ends_at=utcnow() - timedelta(seconds=1)))
        await live_server.app.state.networking_timer.look_now()

    session_id = live_server.run(lobby_id)
    moderator = live_server.create_user(role="moderator", name="Moderator Mo")
    ana = live_server.create_user(**ANA)
    ben = live_server.create_user(**BEN)
    ben_page = new_page(browser, live_server)
    mod_page = new_page(browser, live_server)
    sign_in(page, ana["email"], ana["password"], f"/networking/{session_id}")
    sign_in(ben_page, ben["email"], ben["password"], f"/networking/{session_id}")
    sign_in(mod_page, moderator["email"], moderator["password"], f"/networking/{session_id}")
    expect(page.locator("[data-lobby-present]")).to_have_text("3 people in the lobby")

    mod_page.get_by_label("Round length in seconds (60–1800)").fill("120")
    mod_page.get_by_role("button", name="Start a round").click()
    expect(mod_page.locator("[data-lobby-start] .form-status")).to_contain_text("Round 1 started: 1 group")
    expect(page.locator("[data-lobby-partners]")).to_contain_text(BEN["name"])
    expect(page.locator("[data-lobby-reason]")).to_contain_text("Why: ")
    expect(page.locator("[data-lobby-countdown]")).to_contain_text("left in this round")
    expect(ben_page.locator("[data-lobby-partners]")).to_contain_text(ANA["name"])
    screenshot(page, "networking-lobby-paired")
    screenshot(mod_page, "networking-lobby-moderator")

    live_server.run(end_round)
    connect = page.get_by_role("button", name=f"Connect with {BEN['name']}")
    expect(connect).to_be_visible()
    connect.click()
    expect(page.locator("[data-lobby-connect]")).to_contain_text("Asked")
    ben_page.get_by_role("button", name=f"Connect with {ANA['name']}").click()
    expect(ben_page.locator("[data-lobby-connect]")).to_contain_text("Connected")
    screenshot(ben_page, "networking-lobby-after")
    ben_page.context.close()
    mod_page.context.close()
