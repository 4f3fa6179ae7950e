"""Ranked roundtable seating on pages, read without JavaScript: the ranking on a session page in each
state, and the organisers' seating page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from conference.web.pages.seating import ranking_state
from tests.conftest import ROOT
from tests.networking.conftest import session_id
from tests.networking.test_pages import as_cookie
from tests.web.test_i18n import english_interface_strings, visible_text

DEADLINE = "2099-09-15T11:30:00+00:00"  # 13:30 CEST, 20:30 KST; ranking stays open in tests


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


async def tables_of(client, account, sid: int) -> list[dict]:
    return (await client.get(f"/api/v1/sessions/{sid}/tables", headers=account.headers)).json()["tables"]


async def ranked(client, app, person, deadline: str | None = DEADLINE):
    organiser = await person(role="organiser", name="Olga Organiser")
    sid = await session_id(app, "roundtable-plp")
    body = {"mode": "ranked", **({"ranking_deadline": deadline} if deadline else {})}
    switched = await client.put(f"/api/v1/sessions/{sid}/seating", json=body, headers=organiser.headers)
    assert switched.status_code == 200, switched.text
    return organiser, sid


def seating(mode="ranked", deadline=None, seated_at=None, my_table_id=None, unseated=False) -> dict:
    return {
        "seating_mode": mode,
        "ranking_deadline": deadline,
        "seated_at": seated_at,
        "my_table_id": my_table_id,
        "unseated": unseated,
    }


NOW = datetime(2021, 9, 15, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (None, None),
        (seating(mode="first_come"), None),
        (seating(), "open"),
        (seating(deadline=(NOW + timedelta(minutes=1)).isoformat()), "open"),
        (seating(deadline=NOW.isoformat()), "closed"),
        (seating(seated_at=NOW.isoformat(), my_table_id=4), "seated"),
        (seating(seated_at=NOW.isoformat(), unseated=True), "unseated"),
        (seating(seated_at=NOW.isoformat(), my_table_id=4, unseated=True), "seated"),
        (seating(seated_at=NOW.isoformat()), "done"),
    ],
)
def test_ranking_state_follows_mode_deadline_and_seat(view, expected):
    assert ranking_state(view, NOW) == expected


async def test_session_page_offers_the_ranking_form_with_the_saved_ranking_and_deadline(client, app, person):
    _, sid = await ranked(client, app, person)
    ana = await person(name="Ana")
    tables = await tables_of(client, ana, sid)
    await client.put(
        f"/api/v1/sessions/{sid}/preferences",
        json={"tables": [tables[2]["id"], tables[0]["id"]]},
        headers=ana.headers,
    )
    as_cookie(client, app, ana)
    client.cookies.set("tz", "Asia/Seoul")

    page = await client.get(f"/sessions/{sid}")

    html = page.text
    assert page.status_code == 200
    assert 'data-ranking data-state="open"' in html
    assert "Ranking closes Tuesday 15 September 2099, 20:30 your time (KST) · 13:30 CEST" in text(html)
    saved = re.search(r"data-ranking-saved>.*?<ol>(.*?)</ol>", html, re.S).group(1)
    assert text(saved) == f"{tables[2]['topic']} {tables[0]['topic']}"
    selected = re.findall(r'<option value="(\d+)" data-details="[^"]*" selected>', html)
    assert selected == [str(tables[2]["id"]), str(tables[0]["id"])]
    for label in ("1st choice", "2nd choice (optional)", "3rd choice (optional)"):
        assert re.search(rf'<label for="ranking-choice-\d">{re.escape(label)}</label>', html)
    assert "Ranking the tables needs JavaScript" in html
    assert "Manage the seating" not in html


async def test_session_page_asks_visitors_to_sign_in_to_rank(client, app, person):
    _, sid = await ranked(client, app, person, deadline=None)

    page = await client.get(f"/sessions/{sid}")

    assert "Sign in to rank the tables" in page.text
    assert "Ranking closes when the organisers seat everyone." in page.text
    assert "data-ranking-form" not in page.text


async def test_session_page_after_the_deadline_shows_ranking_closed(client, app, person):
    _, sid = await ranked(client, app, person)
    ana = await person(name="Ana")
    as_cookie(client, app, ana)

    page = await client.get(f"/sessions/{sid}?now=2099-09-15T12:00:00%2B00:00")

    assert 'data-state="closed"' in page.text
    assert "Ranking has closed. Everyone who ranked is being seated now" in page.text
    assert "data-ranking-form" not in page.text


async def test_session_page_after_the_seating_shows_the_table_or_a_kind_word(client, app, person):
    organiser, sid = await ranked(client, app, person, deadline=None)
    ana = await person(name="Ana", languages=["en"])
    kim = await person(name="Kim", languages=["ko"])  # no table speaks Korean
    latecomer = await person(name="Lee", languages=["en"])
    english = next(t for t in await tables_of(client, ana, sid) if t["language"] == "en")
    for who in (ana, kim):
        await client.put(
            f"/api/v1/sessions/{sid}/preferences", json={"tables": [english["id"]]}, headers=who.headers
        )
    await client.post(f"/api/v1/sessions/{sid}/seating/run", headers=organiser.headers)

    pages = {}
    for who in (ana, kim, latecomer):
        as_cookie(client, app, who)
        pages[who.name] = (await client.get(f"/sessions/{sid}")).text

    assert 'data-state="seated"' in pages["Ana"]
    assert f"Your table: {english['topic']}" in text(pages["Ana"])
    assert "It was your first choice." in pages["Ana"]
    assert 'data-state="unseated"' in pages["Kim"]
    assert "We are sorry: no seat was left for you" in pages["Kim"]
    assert 'data-state="done"' in pages["Lee"]
    assert "Free seats are now first come" in pages["Lee"]
    assert all("data-ranking-form" not in html for html in pages.values())


async def test_first_come_session_page_has_no_ranking(client, app, person):
    sid = await session_id(app, "roundtable-plp")
    ana = await person(name="Ana")
    as_cookie(client, app, ana)

    page = await client.get(f"/sessions/{sid}")

    assert "data-ranking" not in page.text
    assert "Pick a table; each seats a small group" in page.text


async def test_seating_page_is_for_organisers_of_roundtables(client, app, person):
    sid = await session_id(app, "roundtable-plp")
    plenary = await session_id(app, "opening-plenary")
    ana = await person(name="Ana")
    olga = await person(role="organiser", name="Olga")

    anonymous = await client.get(f"/sessions/{sid}/seating")
    as_cookie(client, app, ana)
    attendee = await client.get(f"/sessions/{sid}/seating")
    as_cookie(client, app, olga)
    organiser = await client.get(f"/sessions/{sid}/seating")
    not_roundtable = await client.get(f"/sessions/{plenary}/seating")
    session_page = await client.get(f"/sessions/{sid}")

    assert (anonymous.status_code, anonymous.headers["location"]) == (
        303,
        f"/login?next=/sessions/{sid}/seating",
    )
    assert (attendee.status_code, organiser.status_code, not_roundtable.status_code) == (403, 200, 404)
    assert "How people get a seat" in organiser.text
    assert re.search(r'value="first_come" checked', organiser.text)
    assert "Switch the session to ranked seating first." in organiser.text
    assert re.search(r"data-seating-run [^>]*disabled", organiser.text)
    assert f'/sessions/{sid}/seating">Manage the seating (organisers)' in session_page.text


async def test_seating_page_shows_who_sits_where_with_ranks_and_the_unseated(client, app, person):
    organiser, sid = await ranked(client, app, person)
    ana = await person(name="Ana Ruiz", languages=["en"])
    kim = await person(name="Kim Min-jun", languages=["ko"])
    english = [t for t in await tables_of(client, ana, sid) if t["language"] == "en"]
    await client.put(
        f"/api/v1/sessions/{sid}/preferences",
        json={"tables": [english[1]["id"], english[0]["id"]]},
        headers=ana.headers,
    )
    await client.put(
        f"/api/v1/sessions/{sid}/preferences", json={"tables": [english[0]["id"]]}, headers=kim.headers
    )
    before = await client.get(f"/sessions/{sid}/seating", headers=organiser.headers)
    await client.post(f"/api/v1/sessions/{sid}/seating/run", headers=organiser.headers)
    as_cookie(client, app, organiser)

    after = await client.get(f"/sessions/{sid}/seating")

    assert "2 people have ranked tables." in text(after.text)
    assert 'value="2099-09-15T13:30"' in after.text
    table = re.search(rf'data-table-id="{english[1]["id"]}".*?</li>\s*</ul>', after.text, re.S).group(0)
    assert "Ana Ruiz" in table and "1st choice" in table
    unseated = re.search(r"data-seating-unseated.*?</div>", after.text, re.S).group(0)
    assert "Could not be seated" in unseated and "Kim Min-jun" in unseated
    assert (
        "Seated on" in after.text and "The tables have been seated: the seating mode is final." in after.text
    )
    assert re.search(r"data-seating-run [^>]*disabled hidden", after.text)
    assert "Seats so far" in before.text and "Nobody has been seated by ranking yet" in before.text
    assert re.search(r"data-seating-unseated hidden", before.text) and "Ana Ruiz" not in before.text
    assert not re.search(r"data-seating-run [^>]*disabled", before.text)


TRANSLATED_TITLES = {
    "fr": (
        "Vos trois tables préférées, la meilleure d’abord",
        "Comment les participants obtiennent une place",
    ),
    "es": ("Tus tres mesas preferidas, la mejor primero", "Cómo consigue sitio la gente"),
}


@pytest.mark.parametrize("code", ["fr", "es"])
async def test_seating_pages_speak_the_page_language(client, app, person, code):
    organiser, sid = await ranked(client, app, person)
    ana = await person(name="Ana")
    content = (ROOT / "schedule.yaml").read_text()
    english = [s for s in english_interface_strings() if s not in content]

    leftovers, pages = {}, []
    for who, path in ((ana, f"/sessions/{sid}"), (organiser, f"/sessions/{sid}/seating")):
        as_cookie(client, app, who)
        client.cookies.set("lang", code)
        page = visible_text((await client.get(path)).text)
        leftovers[path] = [s for s in english if s in page]
        pages.append(page)

    assert leftovers == {f"/sessions/{sid}": [], f"/sessions/{sid}/seating": []}
    assert TRANSLATED_TITLES[code][0] in pages[0] and TRANSLATED_TITLES[code][1] in pages[1]
