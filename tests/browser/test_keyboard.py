"""Keyboard only: register, bookmark a session (Tab, Enter and Space; never a click)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MAX_TABS = 120


def focused(page: Any) -> dict:
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          if (!el) return {tag: '', name: ''};
          const labels = el.labels ? Array.from(el.labels, (l) => l.textContent).join(' ') : '';
          const name = el.getAttribute('aria-label') || labels || el.textContent || '';
          return {tag: el.tagName.toLowerCase(), name: name.replace(/\\s+/g, ' ').trim()};
        }"""
    )


def tab_to(page: Any, name: str | re.Pattern[str], tag: str | None = None) -> dict:
    """Presses Tab until the focused element's accessible text matches; fails after MAX_TABS."""
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = focused(page)
        seen.append(now["name"][:30])
        matches = re.search(name, now["name"]) if isinstance(name, re.Pattern) else now["name"] == name
        if matches and (tag is None or now["tag"] == tag):
            return now
    raise AssertionError(f"Tab never reached {name!r}; focus went through {seen}")


def test_keyboard_registers_and_bookmarks_a_session(page, live_server):
    page.goto("/")
    page.wait_for_load_state("load")

    tab_to(page, "Register now")
    page.keyboard.press("Enter")
    page.wait_for_url("**/register")
    tab_to(page, re.compile(r"^Full name"), tag="input")
    page.keyboard.type("Keyboard Kim")
    page.keyboard.press("Tab")
    page.keyboard.type("kim@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("a long passphrase")
    tab_to(page, "Create my account")
    page.keyboard.press("Enter")
    page.wait_for_url("**/profile?welcome=1")
    expect(page.get_by_role("status").first).to_contain_text("Welcome")

    tab_to(page, "Programme", tag="a")
    page.keyboard.press("Enter")
    page.wait_for_url("**/programme")
    page.wait_for_load_state("load")
    tab_to(page, re.compile(r"^Bookmark Opening plenary"), tag="button")
    page.keyboard.press("Space")

    button = page.locator(".session-card", has_text="Opening plenary").get_by_role(
        "button", name=re.compile("Bookmark")
    )
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("status").last).to_have_text("Added to your agenda")
    tab_to(page, "My agenda", tag="a")  # past the end of the programme, round to the header again
    page.keyboard.press("Enter")
    page.wait_for_url("**/agenda")
    expect(page.locator(".session-card", has_text="Opening plenary")).to_be_visible()
