"""The live room of a plenary in real browsers: chat across an offline spell, Q&A, a poll, reactions."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from conference.db.models import Session
from tests.browser.conftest import ARTIFACTS, screenshot, sign_in

pytestmark = pytest.mark.browser

STREAM = "https://stream.example.org/live/opening.m3u8"


def opening_plenary(live_server) -> int:
    """The opening plenary's id, with a stream address set (an HLS stream gets a <video> player)."""

    async def prepare() -> int:
        async with live_server.app.state.db.session() as db:
            session_id = await db.scalar(select(Session.id).where(Session.key == "opening-plenary"))
            await db.execute(update(Session).where(Session.id == session_id).values(stream_url=STREAM))
            return session_id

    return live_server.run(prepare)


def enter(browser, live_server, person, path, problems):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Script errors and CSP violations (inline script or style) show up here.
    page.on("pageerror", lambda error: problems.append(f"{person['name']}: {error}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and problems.append(f"{person['name']}: {response.status} {response.url}")
        ),
    )
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and problems.append(f"{person['name']}: {message.text} at {message.location.get('url')}")
        ),
    )
    sign_in(page, person["email"], person["password"], path)
    expect(page.locator(".live-status")).to_have_attribute("data-state", "open")
    return context, page


def chat_bodies(page):
    return page.locator(".chat__log .msg:not(.msg--pending) .msg__body")


def send_chat(page, text):
    box = page.get_by_label("Message to chat")
    box.fill(text)
    box.press("Enter")


def test_live_room_chat_offline_resume_qa_poll_and_reactions(browser, live_server):
    session_id = opening_plenary(live_server)
    path = f"/sessions/{session_id}"
    ada = live_server.create_user(name="Ada Lovelace")
    bob = live_server.create_user(name="Bob Marley")
    mod = live_server.create_user(role="moderator", name="Mo Moderator")
    problems: list[str] = []
    ada_context, ada_page = enter(browser, live_server, ada, path, problems)
    bob_context, bob_page = enter(browser, live_server, bob, path, problems)
    mod_context, mod_page = enter(browser, live_server, mod, path, problems)
    try:
        # The stream is a <video> (an HLS address); the room counts the three of us.
        expect(ada_page.locator("video.live__video")).to_have_attribute("src", STREAM)
        expect(ada_page.locator(".live__presence")).to_have_text("3 watching")

        send_chat(ada_page, "Hello from Ada <b>not bold</b>")
        expect(chat_bodies(bob_page)).to_have_text(["Hello from Ada <b>not bold</b>"])
        expect(bob_page.locator(".chat__log b")).to_have_count(0)

        # Bob drops off the network; Ada keeps talking and Bob writes while offline.
        bob_context.set_offline(True)
        expect(bob_page.locator(".live-status")).to_have_attribute("data-state", "offline")
        for n in range(1, 4):
            send_chat(ada_page, f"While you were away {n}")
        expect(chat_bodies(ada_page)).to_have_count(4)
        send_chat(bob_page, "Typed on the train")
        expect(bob_page.locator(".msg--pending .msg__state")).to_have_text("Waiting for the connection…")
        screenshot(bob_page, "live-room-offline", widths=(1280,))

        bob_context.set_offline(False)
        expect(bob_page.locator(".live-status")).to_have_attribute("data-state", "open")
        expected = [
            "Hello from Ada <b>not bold</b>",
            "While you were away 1",
            "While you were away 2",
            "While you were away 3",
            "Typed on the train",
        ]
        expect(chat_bodies(bob_page)).to_have_text(expected)
        expect(chat_bodies(ada_page)).to_have_text(expected)
        expect(bob_page.locator(".msg--pending")).to_have_count(0)
        ids = bob_page.locator(".chat__log .msg").evaluate_all(
            "items => items.map(i => Number(i.dataset.id))"
        )
        assert ids == sorted(set(ids)) and len(ids) == 5
        screenshot(ada_page, "live-room-chat")
        ada_page.locator(".live").screenshot(path=str(ARTIFACTS / "live-room-panel-chat.png"))

        # Q&A in a moderated plenary: Ada asks, the moderator approves, Bob votes.
        ada_page.get_by_role("tab", name=re.compile("Q&A")).click()
        ada_page.get_by_label("Your question").fill("How do we measure social impact?")
        ada_page.get_by_role("button", name="Ask").click()
        expect(ada_page.locator(".qa__item .badge")).to_have_text("Awaiting approval")
        mod_page.get_by_role("tab", name=re.compile("Q&A")).click()
        mod_page.get_by_role("button", name="Approve").click()
        bob_page.get_by_role("tab", name=re.compile("Q&A")).click()
        question = bob_page.locator(".qa__item", has_text="How do we measure social impact?")
        question.get_by_role("button", name=re.compile("Upvote")).focus()
        bob_page.keyboard.press("Enter")
        expect(question.locator(".qa__vote")).to_have_attribute("aria-pressed", "true")
        expect(question.locator(".qa__vote")).to_be_focused()  # the re-render keeps keyboard focus
        expect(ada_page.locator(".qa__item .qa__votes")).to_have_text("1")
        expect(ada_page.locator(".qa__item .qa__vote")).to_be_disabled()  # one's own question
        screenshot(mod_page, "live-room-qa-moderator", widths=(1280,))
        screenshot(ada_page, "live-room-qa")

        # A poll: the moderator starts it, Bob and Ada answer, Ada changes her mind.
        mod_page.get_by_role("tab", name=re.compile("Polls")).click()
        mod_page.locator(".polls__create-box summary").click()
        mod_page.get_by_label("Poll question").fill("Which tool matters most?")
        mod_page.get_by_label("Option 1").fill("Legal frameworks")
        mod_page.get_by_label("Option 2").fill("Impact measurement")
        mod_page.get_by_role("button", name="Start poll").click()
        for page in (ada_page, bob_page):
            page.get_by_role("tab", name=re.compile("Polls")).click()
            expect(page.locator(".poll__question")).to_have_text("Which tool matters most?")
        bob_page.get_by_role("button", name=re.compile("^Impact measurement")).click()
        ada_page.get_by_role("button", name=re.compile("^Legal frameworks")).click()
        ada_page.get_by_role("button", name=re.compile("^Impact measurement")).click()
        expect(mod_page.locator(".poll__state")).to_contain_text("2 votes")
        expect(mod_page.locator(".poll__count")).to_have_text(["0% · 0", "100% · 2"])
        screenshot(bob_page, "live-room-poll")
        mod_page.locator(".live").screenshot(path=str(ARTIFACTS / "live-room-panel-poll-moderator.png"))

        # Reactions reach the others within the push interval.
        ada_page.get_by_role("button", name="Applause").click()
        expect(bob_page.locator(".reaction", has_text="👏").locator(".reaction__count")).to_have_text("1")

        # Going offline makes Chromium log the dropped socket, and the site has no favicon yet (the
        # browser asks for one on its own); nothing else may be in the console.
        expected_noise = ("WebSocket", "ERR_INTERNET_DISCONNECTED", "/favicon.ico")
        assert [p for p in problems if not any(noise in p for noise in expected_noise)] == []
    finally:
        for context in (ada_context, bob_context, mod_context):
            context.close()


def test_live_room_asks_anonymous_visitors_to_sign_in(page, live_server):
    session_id = opening_plenary(live_server)

    page.goto(f"/sessions/{session_id}")

    expect(page.get_by_role("link", name="Sign in to join the conversation")).to_be_visible()
    expect(page.locator("[data-live-room]")).to_have_count(0)
    expect(page.locator("video, iframe.live__frame")).to_have_count(0)


# Every websocket of the page goes to a port where nothing listens: the handshake fails.
DEAD_WEBSOCKET = """
(() => {
  const Real = window.WebSocket;
  window.WebSocket = class extends Real {
    constructor(url, protocols) { super("ws://127.0.0.1:9/ws", protocols); }
  };
})();
"""


def test_live_room_says_clearly_when_the_websocket_cannot_connect(page, live_server):
    session_id = opening_plenary(live_server)
    person = live_server.create_user(name="Cut Off")
    page.add_init_script(DEAD_WEBSOCKET)

    sign_in(page, person["email"], person["password"], f"/sessions/{session_id}")

    status = page.locator(".live-status")
    expect(status).to_have_attribute("data-state", "failed")
    expect(status).to_contain_text("Can't connect to the live room")
    expect(status.get_by_role("button", name="Retry now")).to_be_visible()
    status.screenshot(path=str(ARTIFACTS / "live-room-cannot-connect.png"))


def test_live_room_stops_and_asks_to_sign_in_when_the_server_says_4401(page, live_server):
    session_id = opening_plenary(live_server)
    person = live_server.create_user(name="Signed Out")
    page.route_web_socket("**/ws", lambda ws: ws.close(code=4401, reason="sign in first"))

    sign_in(page, person["email"], person["password"], f"/sessions/{session_id}")

    status = page.locator(".live-status")
    expect(status).to_have_attribute("data-state", "unauthorized")
    expect(status.get_by_role("link", name="Sign in")).to_be_visible()
