"""Ranked roundtable seating in real browsers: the organiser switches the roundtable to ranked, two
attendees rank tables (one with the keyboard alone), the organiser seats everyone, each attendee sees
their table at once without reloading, and the organiser sees who sits where and who could not be seated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from conference.db.models import Session
from tests.browser.conftest import ARTIFACTS
from tests.browser.pngshrink import shrink
from tests.browser.test_small_screens import NARROW, SCREENSHOTS, UPDATE_SCREENSHOTS, narrow_overflow
from tests.browser.video_rooms import VIDEO_BASE, person_page, session_id

pytestmark = pytest.mark.browser

MAX_TABS = 80
VIEW_MAX_HEIGHT = {1280: 1400, 360: 2000}


@pytest.fixture
def live_settings(live_settings):
    return live_settings.with_(video_base_url=VIDEO_BASE)


def tab_to(page, selector: str) -> None:
    """Presses Tab until `selector` has the focus, as a keyboard user would."""
    for _ in range(MAX_TABS):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} never got the focus in {MAX_TABS} presses of Tab")


def choose_with_keys(page, select_id: str, topic: str) -> None:
    """Moves a focused native <select> down to the option whose text starts with `topic`."""
    texts = page.locator(f"#{select_id} option").all_inner_texts()
    wanted = next(n for n, text in enumerate(texts) if text.startswith(topic))
    current = page.eval_on_selector(f"#{select_id}", "s => s.selectedIndex")
    for _ in range(wanted - current):
        page.keyboard.press("ArrowDown")
    expect(page.locator(f"#{select_id}")).to_have_js_property("selectedIndex", wanted)


def save_view(page, name: str, selector: str) -> None:
    """Screenshots of the part of the page `selector` shows, at 1280 and 360 px, into docs/screenshots/
    (shrunk) when CONFERENCE_UPDATE_SCREENSHOTS=1, otherwise into test-artifacts/."""
    folder = SCREENSHOTS if UPDATE_SCREENSHOTS else ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for width, most in VIEW_MAX_HEIGHT.items():
        page.set_viewport_size({"width": width, "height": 900})
        box = page.eval_on_selector(
            selector,
            "e => { const r = e.getBoundingClientRect(); return {y: r.top + scrollY, height: r.height}; }",
        )
        top = max(0, box["y"] - 24)
        clip = {"x": 0, "y": top, "width": width, "height": min(box["height"] + 48, most)}
        path = folder / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True, clip=clip, animations="disabled")
        if UPDATE_SCREENSHOTS:
            shrink(path)
    if original:
        page.set_viewport_size(original)


def bearer(context, user: dict) -> dict[str, str]:
    """Signs in through the API of a browser context (whose cookies it then holds) for a bearer header."""
    answer = context.request.post(
        "/api/v1/auth/login", data={"email": user["email"], "password": user["password"]}
    )
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def test_ranked_seating_from_switch_to_seats_seen_live(browser, live_server):
    sid = session_id(live_server, "roundtable-plp")
    organiser = live_server.create_user(role="organiser", name="Olga Organiser")
    ana = live_server.create_user(name="Ana Ruiz", languages=["en"], country="ES", timezone="Europe/London")
    ben = live_server.create_user(name="Ben Okafor", languages=["en"], country="NG")
    kim = live_server.create_user(
        name="Kim Min-jun", languages=["ko"], country="KR"
    )  # no table speaks Korean
    # Next year's conference week, before the session starts: summer time in Paris and in London.
    deadline = f"{datetime.now(UTC).year + 1}-09-13T13:00"
    contexts = []
    try:
        # The organiser finds the seating from the session page and switches it to ranked.
        context, admin = person_page(browser, live_server, organiser, f"/sessions/{sid}")
        contexts.append(context)
        admin.get_by_role("link", name="Manage the seating (organisers)").click()
        expect(admin.get_by_role("heading", level=1)).to_have_text("Peer Learning Partnership roundtables")
        run = admin.get_by_role("button", name="Seat everyone now")
        expect(run).to_be_disabled()
        admin.get_by_label("Ranked: attendees rank up to three tables").check()
        admin.get_by_label("Ranking deadline, CEST (optional)").fill(deadline)
        admin.get_by_role("button", name="Save the seating mode").click()
        expect(admin.locator("[data-seating-notice]")).to_have_text(
            "Saved: attendees can now rank the tables."
        )
        expect(run).to_be_enabled()

        # Ana ranks two tables with the mouse; her ranking comes back after a reload.
        context, ana_page = person_page(browser, live_server, ana, f"/sessions/{sid}")
        contexts.append(context)
        expect(ana_page.locator("[data-live-part='status']")).to_have_attribute("data-state", "open")
        topics = ana_page.locator(".table-item__topic").all_inner_texts()
        ana_first, ana_second, ben_first = topics[2], topics[1], topics[3]
        form = ana_page.locator("[data-ranking-form]")
        expect(form).to_be_visible()
        expect(ana_page.locator(".ranking__deadline")).to_contain_text("12:00 your time (BST)")
        expect(ana_page.locator(".ranking__deadline .when__conference")).to_contain_text("13:00 CEST")
        expect(ana_page.get_by_role("button", name="Take a seat", exact=False)).to_have_count(0)
        form.get_by_label("1st choice").select_option(label=ana_first)
        form.get_by_label("2nd choice (optional)").select_option(label=ana_second)
        form.get_by_role("button", name="Save my ranking").click()
        expect(form.locator("[data-ranking-status]")).to_have_text(
            "Your ranking is saved. Your table will show here when everyone is seated."
        )
        expect(ana_page.locator("[data-ranking-saved] li")).to_have_text([ana_first, ana_second])
        ana_page.reload()
        expect(ana_page.get_by_label("1st choice")).to_have_value(
            ana_page.locator(".table-item", has_text=ana_first).get_attribute("data-table-id")
        )
        expect(ana_page.locator("[data-ranking-saved] li")).to_have_text([ana_first, ana_second])
        expect(ana_page.locator("[data-live-part='status']")).to_have_attribute("data-state", "open")
        ana_page.set_viewport_size({"width": NARROW, "height": 800})
        overflow = narrow_overflow(ana_page)
        assert overflow == [], overflow
        ana_page.set_viewport_size({"width": 1280, "height": 900})
        save_view(ana_page, "seating-ranking", ".tables-card")

        # Ben ranks with the keyboard alone; naming a table twice is caught before anything is sent.
        context, ben_page = person_page(browser, live_server, ben, f"/sessions/{sid}")
        contexts.append(context)
        expect(ben_page.locator("[data-ranking-form]")).to_be_visible()
        expect(ben_page.locator("[data-live-part='status']")).to_have_attribute("data-state", "open")
        tab_to(ben_page, "#ranking-choice-1")
        choose_with_keys(ben_page, "ranking-choice-1", ben_first)
        ben_page.keyboard.press("Tab")
        choose_with_keys(ben_page, "ranking-choice-2", ben_first)
        tab_to(ben_page, "[data-ranking-form] button[type=submit]")
        ben_page.keyboard.press("Enter")
        expect(ben_page.locator("#ranking-error")).to_have_text(
            "You chose the same table twice: name each table once."
        )
        expect(ben_page.locator("#ranking-choice-2")).to_be_focused()
        expect(ben_page.locator("#ranking-choice-2")).to_have_attribute("aria-invalid", "true")
        ben_page.keyboard.press("Home")  # back to "No table"
        tab_to(ben_page, "[data-ranking-form] button[type=submit]")
        ben_page.keyboard.press("Enter")
        expect(ben_page.locator("[data-ranking-status]")).to_contain_text("Your ranking is saved.")
        expect(ben_page.locator("[data-ranking-saved] li")).to_have_text([ben_first])

        # Kim ranks through the API (in a context of his own); no table speaks his language.
        kim_table = ana_page.locator(".table-item", has_text=ana_first).get_attribute("data-table-id")
        kim_context = browser.new_context(base_url=live_server.url)
        contexts.append(kim_context)
        ranked = kim_context.request.put(
            f"/api/v1/sessions/{sid}/preferences",
            data={"tables": [int(kim_table)]},
            headers=bearer(kim_context, kim),
        )
        assert ranked.status == 200, ranked.text()

        # The organiser seats everyone; both attendees see their table at once.
        admin.reload()
        expect(admin.locator("[data-seating-count]")).to_have_text("3 people have ranked tables.")
        admin.get_by_role("button", name="Seat everyone now").click()

        for page, topic in ((ana_page, ana_first), (ben_page, ben_first)):
            outcome = page.locator("[data-ranking-outcome]")
            expect(outcome).to_contain_text(f"Your table: {topic}")
            expect(outcome).to_contain_text("It was your first choice.")
            expect(page.locator("[data-ranking-form]")).to_have_count(0)
            room = page.locator(".tables__room")
            expect(room.get_by_role("heading")).to_contain_text(f"Your table: {topic}")
            mine = page.locator(".table-item", has_text=topic)
            expect(mine.locator(".table-item__mine")).to_have_text("Your seat")
            expect(mine.get_by_role("button", name=f"Leave {topic}")).to_be_visible()
        expect(ana_page.locator("[data-first-come-lead]")).to_be_visible()
        ana_page.locator(".tables__room .chat__input").fill("Hello from my first choice")
        ana_page.locator(".tables__room .chat__input").press("Enter")
        expect(ana_page.locator(".tables__room .msg__body")).to_have_text(["Hello from my first choice"])
        save_view(ana_page, "seating-seated", ".tables-card")

        expect(admin.get_by_role("heading", name="Who sits where")).to_be_focused()
        expect(admin.locator("[data-seating-notice]")).to_have_text(
            "Seating done: 1 person could not be seated."
        )
        for name, topic in (("Ana Ruiz", ana_first), ("Ben Okafor", ben_first)):
            seated = admin.locator(".seating-table", has_text=topic).locator("li", has_text=name)
            expect(seated.locator(".rank-chip")).to_have_text("1st choice")
        unseated = admin.locator("[data-seating-unseated]")
        expect(unseated.get_by_role("heading")).to_have_text("Could not be seated")
        expect(unseated.locator("li")).to_have_text(["Kim Min-jun"])
        expect(run).to_be_hidden()
        expect(admin.locator("[data-seating-run-hint]")).to_contain_text("Seated on ")
        expect(admin.get_by_label("Ranked: attendees rank up to three tables")).to_be_disabled()
        admin.set_viewport_size({"width": NARROW, "height": 800})
        # The organisers' section links scroll sideways in their own strip by design (admin.css).
        overflow = [o for o in narrow_overflow(admin) if not o.startswith(("LI ", "admin-nav__link "))]
        assert overflow == [], overflow
        save_view(admin, "seating-organiser", "main")
    finally:
        for context in contexts:
            context.close()


def test_ranking_errors_are_shown_by_the_form(browser, live_server):
    sid = session_id(live_server, "roundtable-plp")
    organiser = live_server.create_user(role="organiser", name="Olga Organiser")
    ana = live_server.create_user(name="Ana Ruiz", languages=["en"])
    context, page = person_page(browser, live_server, ana, f"/sessions/{sid}")
    organiser_context = browser.new_context(base_url=live_server.url)
    try:
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        switched = organiser_context.request.put(
            f"/api/v1/sessions/{sid}/seating",
            data={"mode": "ranked", "ranking_deadline": tomorrow},
            headers=bearer(organiser_context, organiser),
        )
        assert switched.status == 200, switched.text()
        page.reload()
        form = page.locator("[data-ranking-form]")
        form.get_by_label("1st choice").select_option(index=1)
        # A table the organisers removed after the page loaded: the server names the field's problem.
        page.eval_on_selector("#ranking-choice-1", "s => { s.options[s.selectedIndex].value = '999999'; }")

        form.get_by_role("button", name="Save my ranking").click()

        expect(page.locator("#ranking-error")).to_have_text(
            "Your ranking was not saved: not tables of this session: 999999"
        )
        expect(page.locator("#ranking-choice-1")).to_be_focused()

        # The deadline passes while the seating waits (the timer that runs it is stopped here).
        live_server.run(stop_timer(live_server))
        live_server.run(move_deadline(live_server, sid, datetime.now(UTC) - timedelta(minutes=1)))
        form.get_by_label("1st choice").select_option(index=2)

        form.get_by_role("button", name="Save my ranking").click()

        expect(page.locator("[data-ranking-outcome]")).to_have_text(
            "Ranking closed at the deadline, so this change was not saved. Everyone who ranked is being "
            "seated now; your table will show here."
        )
        expect(page.locator("[data-ranking-form]")).to_have_count(0)
        expect(page.get_by_role("button", name="Take a seat", exact=False)).to_have_count(0)
    finally:
        organiser_context.close()
        context.close()


def test_the_organisers_page_follows_a_run_made_elsewhere(browser, live_server):
    sid = session_id(live_server, "roundtable-plp")
    olga = live_server.create_user(role="organiser", name="Olga Organiser")
    otto = live_server.create_user(role="organiser", name="Otto Organiser")
    ana = live_server.create_user(name="Ana Ruiz", languages=["en"])
    api = browser.new_context(base_url=live_server.url)
    context, page = person_page(browser, live_server, olga, f"/sessions/{sid}/seating")
    try:
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        otto_auth = bearer(api, otto)
        switched = api.request.put(
            f"/api/v1/sessions/{sid}/seating",
            data={"mode": "ranked", "ranking_deadline": tomorrow},
            headers=otto_auth,
        )
        assert switched.status == 200, switched.text()
        tables = switched.json()["tables"]
        english = next(t for t in tables if t["language"] == "en")
        ranked = api.request.put(
            f"/api/v1/sessions/{sid}/preferences", data={"tables": [english["id"]]}, headers=bearer(api, ana)
        )
        assert ranked.status == 200, ranked.text()
        page.reload()
        expect(page.locator("[data-seating-run]")).to_be_enabled()

        # Otto seats everyone from elsewhere; Olga's open page follows without a reload.
        assert api.request.post(f"/api/v1/sessions/{sid}/seating/run", headers=otto_auth).status == 200

        notice = page.locator("[data-seating-notice]")
        expect(notice).to_have_text("Seating done: 0 people could not be seated.")
        expect(page.locator(f".seating-table[data-table-id='{english['id']}']")).to_contain_text("Ana Ruiz")
        expect(page.locator("[data-seating-run]")).to_be_hidden()
    finally:
        api.close()
        context.close()


def stop_timer(live_server):
    async def stop() -> None:
        live_server.app.state.networking_timer.stop()

    return stop


def move_deadline(live_server, sid: int, when: datetime):
    async def move() -> None:
        async with live_server.app.state.db.session() as db:
            await db.execute(update(Session).where(Session.id == sid).values(ranking_deadline=when))

    return move


def test_ranked_session_reads_without_javascript(browser, live_server):
    sid = session_id(live_server, "roundtable-plp")
    organiser = live_server.create_user(role="organiser", name="Olga Organiser")
    ana = live_server.create_user(name="Ana Ruiz", languages=["en"])
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        switched = context.request.put(
            f"/api/v1/sessions/{sid}/seating", data={"mode": "ranked"}, headers=bearer(context, organiser)
        )
        assert switched.status == 200, switched.text()
        context.clear_cookies()
        signed_in = context.request.post(
            "/api/v1/auth/login", data={"email": ana["email"], "password": ana["password"]}
        )
        assert signed_in.status == 200, signed_in.text()
        page = context.new_page()

        page.goto(f"/sessions/{sid}")

        expect(page.locator(".table-item")).to_have_count(6)
        expect(page.locator(".ranking__deadline")).to_have_text(
            "Ranking closes when the organisers seat everyone."
        )
        expect(page.locator("[data-ranking-saved]")).to_have_text("You have not ranked any table yet.")
        # Playwright's own text matching does not see into <noscript>; the page's reader does.
        note = page.eval_on_selector(".ranking noscript", "e => [getComputedStyle(e).display, e.innerText]")
        assert note[0] != "none" and "Ranking the tables needs JavaScript." in note[1], note
        expect(page.locator("[data-ranking-form]")).to_be_hidden()
    finally:
        context.close()
