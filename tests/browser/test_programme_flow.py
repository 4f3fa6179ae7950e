"""The programme flow in a real browser: register, switch time zone, bookmark, agenda, .ics download."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

# The opening plenary is at 13:00 CEST on 13 September 2021, i.e. 20:00 in Seoul.
OPENING_TITLE = "Opening plenary"
OPENING_FULL_TITLE = "Opening plenary: the Social and Solidarity Economy, from the margins to the mainstream"
DURING_OPENING = "2021-09-13T13:20:00+02:00"


def test_programme_flow_register_switch_zone_bookmark_and_download_ics(page, live_server):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("From the Margins to the Mainstream")
    screenshot(page, "landing")

    page.get_by_role("link", name="Register now").click()
    page.get_by_label("Full name").fill("Hye-jin Park")
    page.get_by_label("E-mail").fill("hyejin@example.org")
    page.get_by_label("Password").fill("a long passphrase")
    page.get_by_label("Organisation").fill("Seoul Social Economy Centre")
    page.get_by_label("Country").select_option("KR")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/profile?welcome=1")
    expect(page.get_by_role("status").first).to_contain_text("Welcome")

    page.get_by_role("link", name="Programme", exact=True).first.click()
    page.wait_for_url("**/programme")
    page.get_by_label("Time zone").select_option("Asia/Seoul")
    expect(page.locator("#programme")).to_have_attribute("data-tz", "Asia/Seoul")
    opening = page.locator(".session-card", has_text=OPENING_TITLE).first
    expect(opening.locator(".when__local")).to_contain_text("20:00")
    expect(opening.locator(".when__conference")).to_contain_text("13:00")
    expect(opening.locator(".when__conference")).to_contain_text("CEST")

    opening.get_by_role("button", name=re.compile("Bookmark")).click()
    expect(opening.get_by_role("button", name=re.compile("Bookmark"))).to_have_attribute(
        "aria-pressed", "true"
    )
    page.goto(f"/programme?now={DURING_OPENING.replace('+', '%2B')}")
    expect(page.locator(".session-card.is-live", has_text=OPENING_TITLE)).to_be_visible()
    screenshot(page, "programme")

    page.locator(".session-card", has_text=OPENING_TITLE).first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(OPENING_TITLE)
    screenshot(page, "session")

    page.get_by_role("link", name="My agenda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My agenda")
    expect(page.locator(".session-card", has_text=OPENING_TITLE)).to_be_visible()
    screenshot(page, "agenda")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download .ics").click()
    raw = download_info.value.path().read_bytes()
    events = [(str(e["SUMMARY"]), e.decoded("DTSTART")) for e in Calendar.from_ical(raw).walk("VEVENT")]

    assert download_info.value.suggested_filename == "my-agenda.ics"
    assert b"SUMMARY:Opening plenary" in raw
    assert events == [(OPENING_FULL_TITLE, datetime(2021, 9, 13, 11, 0, tzinfo=UTC))]  # 13:00 CEST

    page.goto("/profile")
    screenshot(page, "profile")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_register_shows_each_field_error_beside_its_field(page, live_server):
    page.goto("/register")
    page.wait_for_load_state("load")

    page.get_by_label("E-mail").fill("not-an-address")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create my account").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("li")).to_have_text(
        [
            "E-mail is not an e-mail address",
            "Password must be at least 8 characters",
            "Full name is required",
        ]
    )
    expect(page.locator("#email-error")).to_have_text("E-mail is not an e-mail address")
    expect(page.get_by_label("E-mail")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("E-mail")).to_have_attribute("aria-describedby", "email-hint email-error")
    expect(page).to_have_url(re.compile(r"/register$"))


def test_profile_saves_through_the_api_with_csrf(page, live_server):
    user = live_server.create_user(name="Amara Diallo")
    sign_in(page, user["email"], user["password"], "/profile")

    page.get_by_label("Organisation", exact=True).fill("Dakar Solidarity Network")
    page.get_by_label("Type of organisation").select_option("network")
    page.get_by_label("Country").select_option("SN")
    page.get_by_role("group", name="Themes you work on").get_by_label("Women in the SSE").check()
    page.get_by_role("group", name="What you can offer").get_by_label("Peer learning").check()
    page.get_by_role("group", name="Languages you speak").get_by_label("French").check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".form-status")).to_have_text("Your profile is saved.")
    page.reload()

    expect(page.get_by_label("Organisation", exact=True)).to_have_value("Dakar Solidarity Network")
    expect(page.get_by_label("Type of organisation")).to_have_value("network")
    expect(page.get_by_label("Country")).to_have_value("SN")
    expect(
        page.get_by_role("group", name="Themes you work on").get_by_label("Women in the SSE")
    ).to_be_checked()
    expect(page.get_by_role("group", name="What you can offer").get_by_label("Peer learning")).to_be_checked()
    expect(page.get_by_role("group", name="Languages you speak").get_by_label("French")).to_be_checked()


def test_programme_tabs_follow_the_keyboard_and_filters_hide_sessions(page, live_server):
    page.goto("/programme?tz=Europe/Paris")
    page.wait_for_load_state("load")
    first = page.get_by_role("tab", name=re.compile("Mon 13 Sep"))
    second = page.get_by_role("tab", name=re.compile("Tue 14 Sep"))

    first.focus()
    page.keyboard.press("ArrowRight")

    expect(second).to_be_focused()
    expect(second).to_have_attribute("aria-selected", "true")
    expect(page.locator("#day-2021-09-14")).to_be_visible()
    expect(page.locator("#day-2021-09-13")).to_be_hidden()
    page.keyboard.press("End")
    expect(page.get_by_role("tab", name=re.compile("Thu 16 Sep"))).to_be_focused()

    page.get_by_label("Format").select_option("panel")

    panel = page.locator("#day-2021-09-16 .session-card")
    expect(panel.filter(has_text="Closing plenary")).to_be_hidden()
    expect(panel.filter(has_text="Panel: building conducive ecosystems")).to_be_visible()
    expect(page).to_have_url(re.compile(r"kind=panel"))
