"""The programme flow in a real browser: register, switch time zone, bookmark, agenda, .ics download."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

# The opening plenary is at 13:00 CEST on 13 September 2021, i.e. 20:00 in Seoul.
OPENING_TITLE = "Opening plenary"
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
    ics = download_info.value.path().read_text(encoding="utf-8")
    unfolded = ics.replace("\r\n ", "")

    assert "SUMMARY:" + "Opening plenary" in unfolded
    assert re.search(r"DTSTART[^:\r\n]*:20210913T(110000Z|130000)", unfolded), unfolded

    page.goto("/profile")
    screenshot(page, "profile")
