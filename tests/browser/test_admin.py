"""The organiser console in a real browser: a move shows up live on an attendee's open programme."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, screenshot, sign_in

pytestmark = pytest.mark.browser

MOVED_TITLE = "Designing legal frameworks for the SSE: new OECD research"


def dialog_shot(page, name: str) -> None:
    """What the organiser sees with a dialog open (a full-page shot would misplace the modal)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-1280.png"))


def session_id(live_server, key: str) -> int:
    from sqlalchemy import select

    from conference.db.models import Session

    async def find() -> int:
        async with live_server.app.state.db.reader() as db:
            return await db.scalar(select(Session.id).where(Session.key == key))

    return live_server.run(find)


def test_organiser_moves_a_session_and_an_open_programme_follows_without_reload(browser, live_server, page):
    organiser = live_server.create_user(role="organiser", name="Olga Organiser")
    attendee = live_server.create_user(name="Ada Attendee")
    moved = session_id(live_server, "session-legal-research")
    watcher = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        timezone_id="Europe/Paris",
    )
    try:
        attendee_page = watcher.new_page()
        sign_in(attendee_page, attendee["email"], attendee["password"], "/programme?tz=Europe/Paris")
        card = attendee_page.locator(f"#session-{moved}")
        expect(card.locator(".when__local")).to_contain_text("14:00")
        attendee_page.evaluate("window.__notReloaded = true")

        sign_in(page, organiser["email"], organiser["password"], "/admin/programme")
        row = page.locator(f"#row-{moved}")
        expect(row).to_contain_text("14:00–15:00")
        screenshot(page, "admin-console")
        row.get_by_role("button", name=re.compile("^Move")).click()
        dialog = page.locator("#move-dialog")
        expect(dialog).to_be_visible()
        dialog.get_by_label("Starts").fill("16:00")
        dialog.get_by_label("Starts").dispatch_event("change")
        expect(dialog.get_by_label("Ends")).to_have_value("17:00")
        dialog_shot(page, "admin-console-move")
        dialog.get_by_role("button", name="Move", exact=True).click()

        expect(page.locator("#console-notice")).to_contain_text(f"Moved “{MOVED_TITLE}”")
        expect(row).to_contain_text("16:00–17:00")
        expect(card.locator(".when__local")).to_contain_text("16:00", timeout=10_000)
        expect(card.locator(".when__local")).to_contain_text("17:00")
        expect(attendee_page.locator("#agenda-live-status")).to_contain_text(
            f"Programme updated: “{MOVED_TITLE}”"
        )
        assert attendee_page.evaluate("window.__notReloaded") is True
        screenshot(attendee_page, "programme-live-update", widths=(1280,))
    finally:
        watcher.close()


def test_organiser_sees_field_errors_and_a_conflict_then_reapplies(live_server, page):
    organiser = live_server.create_user(role="organiser", name="Olga Organiser")
    edited = session_id(live_server, "session-legal-research")
    sign_in(page, organiser["email"], organiser["password"], "/admin/programme")
    row = page.locator(f"#row-{edited}")
    row.get_by_role("button", name=re.compile("^Edit")).click()
    dialog = page.locator("#session-dialog")
    dialog.get_by_label("Title").fill("")
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog.locator('[data-field="title"] .field__error')).to_have_text("is required")
    expect(dialog.get_by_label("Title")).to_have_attribute("aria-invalid", "true")

    # Meanwhile another organiser renames it (version 1 -> 2).
    async def rename() -> None:
        from conference import programme

        async with live_server.app.state.db.session() as db:
            change = programme.SessionChange.parse({"title": "Renamed by Grace"}, partial=True)
            await programme.update_session(
                db, edited, change, __import__("zoneinfo").ZoneInfo("Europe/Paris")
            )

    live_server.run(rename)
    dialog.get_by_label("Title").fill("Legal frameworks: what the research says")
    dialog.get_by_role("button", name="Save changes").click()

    conflict = dialog.locator("#session-conflict")
    expect(conflict).to_contain_text("Someone else changed this session")
    expect(conflict).to_contain_text("Renamed by Grace")
    dialog_shot(page, "admin-console-conflict")
    conflict.get_by_role("button", name="Re-apply my changes on their version").click()
    expect(dialog).to_be_hidden()
    expect(row).to_contain_text("Legal frameworks: what the research says")
    expect(row).to_contain_text("v3")


def test_dashboard_shows_figures_and_charts(live_server, page):
    organiser = live_server.create_user(
        role="organiser", name="Olga Organiser", country="FR", org_type="government"
    )
    for n, (country, kind) in enumerate([("KR", "cooperative"), ("KR", "research"), ("ES", "cooperative")]):
        live_server.create_user(name=f"Attendee {n}", country=country, org_type=kind)
    sign_in(page, organiser["email"], organiser["password"], "/admin")

    expect(page.locator('[data-stat="registrations.total"]')).to_have_text("4")
    countries = page.locator('[data-chart="countries"] svg')
    expect(countries).to_have_attribute("role", "img")
    expect(countries.locator("desc")).to_have_text("4 people in all. South Korea: 2; France: 1; Spain: 1.")
    expect(
        page.get_by_role("link", name=re.compile("Data behind “Registrations by country”"))
    ).to_have_attribute("href", "/api/v1/admin/stats/countries.csv")
    live_server.create_user(name="Late registrant", country="BR")
    expect(page.locator('[data-stat="registrations.total"]')).to_have_text("5", timeout=15_000)
    expect(countries.locator("desc")).to_contain_text("5 people in all", timeout=15_000)
    screenshot(page, "admin-dashboard")


def test_attendee_gets_403_on_the_console(live_server, page):
    attendee = live_server.create_user(name="Ada Attendee")
    sign_in(page, attendee["email"], attendee["password"], "/programme")

    response = page.goto("/admin/programme")

    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_session_page_follows_a_rename_and_shows_an_announcement(browser, live_server, page):
    organiser = live_server.create_user(role="organiser", name="Olga Organiser")
    attendee = live_server.create_user(name="Ada Attendee")
    renamed = session_id(live_server, "session-legal-research")
    watcher = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        timezone_id="Europe/Paris",
    )
    try:
        attendee_page = watcher.new_page()
        sign_in(attendee_page, attendee["email"], attendee["password"], f"/sessions/{renamed}")
        expect(attendee_page.get_by_role("heading", level=1)).to_have_text(MOVED_TITLE)
        sign_in(page, organiser["email"], organiser["password"], "/announcements")
        csrf = page.locator('meta[name="csrf-token"]').get_attribute("content")

        response = page.request.patch(
            f"/api/v1/sessions/{renamed}",
            data={
                "title": "Legal frameworks: the research",
                "stage": "main",
                "start": "2021-09-13T16:00:00+02:00",
                "end": "2021-09-13T16:45:00+02:00",
            },
            headers={"X-CSRF-Token": csrf},
        )
        assert response.status == 200
        expect(attendee_page.get_by_role("heading", level=1)).to_have_text("Legal frameworks: the research")
        expect(attendee_page.locator(".session-facts")).to_contain_text("Main stage")
        expect(attendee_page.locator(".session-facts")).to_contain_text("16:00")

        page.get_by_label("Message").fill("The closing plenary starts 5 minutes late.")
        page.get_by_role("button", name="Send now").click()
        expect(page.locator("#announce-notice")).to_contain_text("Sent to everyone online")
        banner = attendee_page.locator("#announcements .announcement")
        expect(banner).to_contain_text("The closing plenary starts 5 minutes late.")
        screenshot(attendee_page, "session-live-update", widths=(1280,))
        banner.get_by_role("button", name=re.compile("Dismiss")).click()
        expect(banner).to_have_count(0)
        attendee_page.reload()
        expect(attendee_page.get_by_role("heading", level=1)).to_have_text("Legal frameworks: the research")
        expect(attendee_page.locator("#announcements .announcement")).to_have_count(0)  # stays dismissed
    finally:
        watcher.close()


def test_import_preview_then_apply_then_history(live_server, page, tmp_path):
    import yaml

    organiser = live_server.create_user(role="organiser", name="Olga Organiser")
    sign_in(page, organiser["email"], organiser["password"], "/admin/programme")
    exported = page.request.get("/api/v1/schedule.yaml").text()
    data = yaml.safe_load(exported)
    data["sessions"][0]["title"] = "Opening plenary (new title)"
    removed = data["sessions"].pop()
    good = tmp_path / "schedule.yaml"
    good.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    bad = tmp_path / "broken.yaml"
    bad.write_text(exported.replace("kind: plenary", "kind: party", 1), encoding="utf-8")

    page.get_by_role("tab", name="Import & export").click()
    page.get_by_label("Schedule file (.yaml)").set_input_files(str(bad))
    page.get_by_role("button", name="Preview changes").click()
    result = page.locator("#import-result")
    expect(result).to_contain_text("Nothing was changed")
    expect(result.locator(".problem-list__line").first).to_contain_text("Line ")

    page.get_by_label("Schedule file (.yaml)").set_input_files(str(good))
    page.get_by_role("button", name="Preview changes").click()
    expect(result).to_contain_text("Importing would add 0, change 1 and remove 1 session(s)")
    expect(result).to_contain_text("Opening plenary (new title) — Title")
    expect(result).to_contain_text(removed["title"])
    screenshot(page, "admin-import-preview", widths=(1280,))
    result.get_by_role("button", name="Apply this import").click()
    expect(result).to_contain_text("Imported: 0 added, 1 changed, 1 removed.")

    page.get_by_role("tab", name="History").click()
    items = page.locator("#history-list .history-item")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("Olga Organiser")
    expect(items.first).to_contain_text("schedule import")
    items.filter(has_text="changed title").locator("summary").click()
    expect(items.filter(has_text="changed title").locator(".history-diff")).to_contain_text(
        "Opening plenary (new title)"
    )
    screenshot(page, "admin-history", widths=(1280,))
