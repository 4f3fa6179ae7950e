"""Keyboard only: register, bookmark a session, chat and answer a poll (Tab, arrows, Enter and Space;
never a click). A moderator, in a browser of their own, starts the poll."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

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


def tab_to(page: Any, name: str | re.Pattern[str], tag: str | None = None, back: bool = False) -> dict:
    """Presses Tab (Shift+Tab with `back`) until the focused element's accessible text matches."""
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = focused(page)
        seen.append(now["name"][:30])
        matches = re.search(name, now["name"]) if isinstance(name, re.Pattern) else now["name"] == name
        if matches and (tag is None or now["tag"] == tag):
            return now
    raise AssertionError(f"Tab never reached {name!r}; focus went through {seen}")


POLL_QUESTION = "Which theme matters most to you?"


def start_poll(browser: Any, live_server: Any, path: str) -> Any:
    """A moderator (mouse allowed: they are not the person under test) starts a poll in the room."""
    moderator = live_server.create_user(role="moderator", name="Mo Derator")
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    sign_in(page, moderator["email"], moderator["password"], path)
    page.get_by_role("tab", name="Polls").click()
    page.get_by_text("Start a poll").click()
    page.get_by_label("Poll question").fill(POLL_QUESTION)
    page.get_by_label("Option 1").fill("Legal frameworks")
    page.get_by_label("Option 2").fill("Impact measurement")
    page.get_by_role("button", name="Start poll").click()
    expect(page.get_by_role("heading", name=POLL_QUESTION)).to_be_visible()
    return context


def test_keyboard_registers_bookmarks_chats_and_answers_a_poll(page, browser, live_server):
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

    tab_to(page, re.compile(r"^Opening plenary"), tag="a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sessions/\d+$"))
    moderator = start_poll(browser, live_server, urlsplit(page.url).path)
    try:
        expect(page.locator(".live-status")).to_have_attribute("data-state", "open")
        tab_to(page, "Message to chat", tag="textarea")
        page.keyboard.type("Hello from the keyboard")
        page.keyboard.press("Enter")
        expect(page.locator(".chat__log")).to_contain_text("Hello from the keyboard")

        tab_to(page, "Chat", back=True)
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        expect(page.get_by_role("tab", name="Polls")).to_be_focused()
        tab_to(page, re.compile(r"^Impact measurement: 0 votes"), tag="button")
        page.keyboard.press("Space")

        expect(page.get_by_role("button", name=re.compile(r"^Impact measurement: 1 vote"))).to_have_attribute(
            "aria-pressed", "true"
        )
    finally:
        moderator.close()
