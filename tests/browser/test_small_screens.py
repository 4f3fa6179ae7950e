"""Slow or small screens: 360 px wide, a light first paint, reading without JavaScript, screenshots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, LiveServer, sign_in
from tests.browser.pngshrink import shrink
from tests.browser.test_accessibility import session_id
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

FIRST_PAINT_BUDGET_BYTES = 100 * 1024
NARROW = 360
SCREENSHOTS = ROOT / "docs" / "screenshots"
# Set to refresh the committed screenshots in docs/screenshots/ (otherwise they go to test-artifacts/).
UPDATE_SCREENSHOTS = os.environ.get("CONFERENCE_UPDATE_SCREENSHOTS", "") == "1"
SCREENSHOT_HEIGHTS = {1280: 1000, 360: 1800}  # tall enough to show the page, small enough to stay < 300 KB
FIRST_PARTY_TYPES = {"document", "stylesheet", "script"}


def first_party(server: LiveServer, response: Any) -> bool:
    request = response.request
    # A video embed's own frame is not ours to count; neither is anything from another site.
    return (
        request.resource_type in FIRST_PARTY_TYPES
        and response.url.startswith(server.url)
        and request.frame.parent_frame is None
    )


def sizes_of(responses: list[Any]) -> dict[str, int]:
    # Bodies are read afterwards: Playwright cannot fetch them from inside its event callback.
    return {urlsplit(r.url).path: len(r.body()) for r in responses}


def test_session_page_first_paint_stays_under_100_kb(page, live_server):
    user = live_server.create_user()
    # Signed in through the API, so the browser's cache is still empty when the page loads.
    page.request.post("/api/v1/auth/login", data={"email": user["email"], "password": user["password"]})
    path = f"/sessions/{session_id(live_server, 'opening-plenary')}?tz=America/Vancouver"
    responses: list[Any] = []
    page.on(
        "response",
        lambda response: responses.append(response) if first_party(live_server, response) else None,
    )

    page.goto(path)  # returns at the load event: everything the first paint needed has arrived
    first_paint = sizes_of(list(responses))
    expect(page.locator(".live-status")).to_have_attribute("data-state", "open")  # the live room follows
    everything = sizes_of(responses)

    total = sum(first_paint.values())
    print(
        f"\nsession page first paint: {total} bytes ({total / 1024:.1f} KiB) uncompressed: {first_paint}"
        f"\nwith the live room loaded after it: {sum(everything.values())} bytes: {everything}"
    )
    assert {p for p in first_paint if p.endswith((".css", ".js"))} >= {
        "/static/css/app.css",
        "/static/js/app.js",
    }
    assert "/static/js/live-room.js" in everything
    assert total < FIRST_PAINT_BUDGET_BYTES, first_paint


def test_static_files_are_versioned_and_cached_for_a_year(page, live_server):
    page.goto("/")
    page.wait_for_load_state("load")
    addresses = page.evaluate(
        "() => [...document.querySelectorAll('link[rel=stylesheet], script[src]')].map(e => e.href || e.src)"
    )

    responses = [page.request.get(address) for address in addresses]

    assert addresses and all("?v=" in a for a in addresses), addresses
    assert {r.headers["cache-control"] for r in responses} == {"public, max-age=31536000, immutable"}


def narrow_overflow(page: Any) -> list[str]:
    """Elements sticking out past the right edge of a 360 px viewport (what makes a page scroll sideways)."""
    return page.evaluate(
        """(width) => {
          const out = [];
          const scroll = document.documentElement.scrollWidth;
          if (scroll > width) out.push('page ' + scroll);
          for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            if (box.width && box.right > width + 1 && getComputedStyle(el).position !== 'fixed'
                && !el.closest('.visually-hidden, .skip-link, .skip-past')) {
              out.push((el.className || el.tagName).toString().slice(0, 40) + ' ' + Math.round(box.right));
            }
          }
          return out.slice(0, 10);
        }""",
        NARROW,
    )


def test_pages_fit_a_360px_screen(page, live_server):
    user = live_server.create_user()
    sign_in(page, user["email"], user["password"])
    page.set_viewport_size({"width": NARROW, "height": 800})
    paths = [
        "/",
        "/programme?tz=America/Vancouver",
        f"/sessions/{session_id(live_server, 'opening-plenary')}?tz=America/Vancouver",
        f"/sessions/{session_id(live_server, 'roundtable-plp')}",
        "/profile",
        "/agenda",
    ]

    overflowing = {}
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("load")
        found = narrow_overflow(page)
        if found:
            overflowing[path] = found

    assert overflowing == {}


@pytest.fixture
def no_script_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_programme_reads_without_javascript(no_script_page, live_server):
    page = no_script_page

    page.goto("/programme?tz=America/Vancouver&kind=plenary")

    expect(page.get_by_role("heading", level=1)).to_have_text("Programme")
    expect(page.get_by_role("tablist")).to_be_hidden()  # no tabs to operate: every day is listed
    expect(page.locator(".day-panel")).to_have_count(4)
    for day in ("Monday 13 September 2021", "Thursday 16 September 2021"):
        expect(page.get_by_role("heading", name=day)).to_be_visible()
    opening = page.locator(".session-card", has_text="Opening plenary")
    expect(opening.locator(".when__local")).to_contain_text("04:00")
    expect(opening.locator(".when__conference")).to_contain_text("13:00")
    expect(opening.locator(".when__night")).to_have_text("During your night")
    expect(page.locator(".session-card--panel").first).to_be_hidden()  # the filter applied on the server


def test_session_reads_without_javascript(no_script_page, live_server):
    page = no_script_page

    page.goto(f"/sessions/{session_id(live_server, 'opening-plenary')}?tz=America/Vancouver")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Opening plenary")
    expect(page.get_by_role("heading", name="About this session")).to_be_visible()
    expect(page.locator(".when__night")).to_have_text("13:00 CEST is 04:00 in Vancouver, during your night.")
    expect(page.get_by_role("heading", name="Speakers")).to_be_visible()


def save_screenshot(page: Any, name: str) -> list[Path]:
    """At 1280 and 360 px; into docs/screenshots/ (shrunk) when CONFERENCE_UPDATE_SCREENSHOTS=1."""
    folder = SCREENSHOTS if UPDATE_SCREENSHOTS else ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for width, height in SCREENSHOT_HEIGHTS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_load_state("load")
        full = page.evaluate("() => document.documentElement.scrollHeight")
        path = folder / f"{name}-{width}.png"
        clip = {"x": 0, "y": 0, "width": width, "height": min(full, height)}
        page.screenshot(path=str(path), full_page=True, clip=clip, animations="disabled")
        if UPDATE_SCREENSHOTS:
            shrink(path)
        paths.append(path)
    return paths


DIRECTORY = [
    ("Amara Diallo", "SN", "Dakar Solidarity Network"),
    ("Lucía Fernández", "ES", "Cooperativas Agro-alimentarias"),
    ("Min-jun Lee", "KR", "Seoul Social Economy Centre"),
    ("Jean Tremblay", "CA", "Chantier de l'économie sociale"),
    ("Priya Raman", "IN", "SEWA Federation"),
    ("Sofia Rossi", "IT", "Legacoop"),
]


def test_screenshots_of_the_main_pages(page, live_server):
    user = live_server.create_user(name="Ana Souza", timezone="America/Vancouver")
    sign_in(page, user["email"], user["password"])
    for n, (name, country, org) in enumerate(DIRECTORY):
        live_server.create_user(
            name=name,
            country=country,
            organisation=org,
            job_title="Director",
            listed=True,
            themes=["legal-frameworks"] if n % 2 else ["impact-measurement"],
            offers=["peer_learning"],
        )
    pages = {
        "landing": "/",
        "programme": "/programme?now=2021-09-13T13%3A20%3A00%2B02%3A00",
        "session": f"/sessions/{session_id(live_server, 'opening-plenary')}",
        "people": "/people",
    }

    written = []
    for name, path in pages.items():
        page.goto(path)
        written += save_screenshot(page, name)

    assert [p.name for p in written] == [f"{name}-{w}.png" for name in pages for w in SCREENSHOT_HEIGHTS]


def test_committed_screenshots_exist_and_stay_small():
    expected = [
        f"{name}-{w}.png" for name in ("landing", "programme", "session", "people") for w in (1280, 360)
    ]
    readme = (ROOT / "README.md").read_text()

    sizes = {name: (SCREENSHOTS / name).stat().st_size for name in expected if (SCREENSHOTS / name).exists()}

    assert sorted(sizes) == sorted(expected)
    assert [name for name, size in sizes.items() if size > 300 * 1024] == []
    assert [name for name in expected if f"docs/screenshots/{name}" not in readme] == []
