import re
from html import unescape

import pytest
from sqlalchemy import update

from conference import programme
from conference.db.base import utcnow
from conference.db.models import Bookmark
from tests.support import make_account

DURING_OPENING = "2021-09-13T13:20:00%2B02:00"


async def session_ids(app) -> dict[str, int]:
    async with app.state.db.reader() as db:
        return await programme.session_ids(db)


def card(html: str, session_id: int) -> str:
    """The programme card of one session, as HTML."""
    found = re.search(rf'<article[^>]*id="session-{session_id}"[^>]*>.*?</article>', html, re.S)
    assert found, f"no card for session {session_id}"
    return found.group(0)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()


async def sign_in_with_cookie(client, account) -> None:
    response = await client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": account.password}
    )
    assert response.status_code == 200


async def test_landing_presents_the_event(client, loaded):
    response = await client.get("/")

    assert response.status_code == 200
    page = text(response.text)
    for expected in (
        "The Social and Solidarity Economy: From the Margins to the Mainstream",
        "13–16 September 2021",
        "13:00–16:00 CEST",
        "legal frameworks",
        "measuring social impact",
        "Network",
        "Register now",
        "Legal Ecosystems for Social Economy (PL4SE)",
        "Social Impact Measurement for the SSE",
        "Internationalisation of SSE organisations and the role of women in the SSE",
        "Putting Stakeholders in the Center",
        "Respond Rebuild Reinvent (RRR)",
        "Social Solidarity Economy International Learning and Knowledge (SILK)",
    ):
        assert expected in page, expected


async def test_landing_without_programme_still_presents_the_event(client):
    response = await client.get("/")

    assert response.status_code == 200
    assert "From the Margins to the Mainstream" in response.text
    assert "programme at a glance" not in response.text


async def test_programme_in_seoul_shows_opening_plenary_at_20(client, loaded, app):
    opening = (await session_ids(app))["opening-plenary"]

    response = await client.get("/programme?tz=Asia/Seoul")

    assert response.status_code == 200
    assert text(card(response.text, opening)).startswith("20:00–20:45 your time (KST) · 13:00–13:45 CEST")
    assert response.cookies.get("tz") == "Asia/Seoul"


async def test_programme_without_tz_is_in_conference_time(client, loaded, app):
    opening = (await session_ids(app))["opening-plenary"]

    response = await client.get("/programme")

    assert text(card(response.text, opening)).startswith("13:00–13:45 CEST Plenary Main stage")
    assert 'data-tz="Europe/Paris"' in response.text


async def test_programme_follows_tz_cookie(client, loaded, app):
    opening = (await session_ids(app))["opening-plenary"]
    client.cookies.set("tz", "America/New_York")

    response = await client.get("/programme")

    assert text(card(response.text, opening)).startswith("07:00–07:45 your time (EDT) · 13:00–13:45 CEST")


async def test_programme_defaults_to_profile_timezone_when_signed_in(client, loaded, app):
    opening = (await session_ids(app))["opening-plenary"]
    account = await make_account(client, app, timezone="Asia/Tokyo")
    await sign_in_with_cookie(client, account)

    response = await client.get("/programme")

    assert text(card(response.text, opening)).startswith("20:00–20:45 your time (JST)")


async def test_programme_unknown_tz_falls_back_to_conference_zone(client, loaded):
    response = await client.get("/programme?tz=Mars/Olympus")

    assert response.status_code == 200
    assert 'data-tz="Europe/Paris"' in response.text
    assert "tz" not in response.cookies


async def test_programme_has_a_tab_per_day(client, loaded):
    response = await client.get("/programme")

    tabs = re.findall(r'role="tab"[^>]*id="tab-([0-9-]+)"', response.text)
    assert tabs == ["2021-09-13", "2021-09-14", "2021-09-15", "2021-09-16"]


async def test_programme_kind_filter_hides_other_kinds(client, loaded, app):
    ids = await session_ids(app)

    response = await client.get("/programme?kind=panel")

    opening_head = card(response.text, ids["opening-plenary"]).split(">", 1)[0]
    panel_head = card(response.text, ids["panel-legal-frameworks"]).split(">", 1)[0]
    assert (opening_head.endswith(" hidden"), panel_head.endswith(" hidden")) == (True, False)
    assert '<option value="panel" selected>' in response.text


async def test_programme_theme_filter_keeps_sessions_of_that_theme(client, loaded, app):
    ids = await session_ids(app)

    response = await client.get("/programme?theme=legal-frameworks")

    opening_head = card(response.text, ids["opening-plenary"]).split(">", 1)[0]
    panel_head = card(response.text, ids["panel-legal-frameworks"]).split(">", 1)[0]
    assert (opening_head.endswith(" hidden"), panel_head.endswith(" hidden")) == (True, False)


async def test_programme_marks_live_and_up_next(client, loaded, app):
    ids = await session_ids(app)

    response = await client.get(f"/programme?now={DURING_OPENING}")

    opening = card(response.text, ids["opening-plenary"])
    panel = card(response.text, ids["panel-legal-frameworks"])
    assert ("is-live" in opening, "Live now" in opening, "Up next" in opening) == (True, True, False)
    assert ("is-next" in panel, "Up next" in panel) == (True, True)
    assert response.text.count("Live now") == 1


async def test_programme_bookmark_buttons_only_for_signed_in(client, loaded, app):
    opening = (await session_ids(app))["opening-plenary"]
    anonymous = await client.get("/programme")
    account = await make_account(client, app)
    await sign_in_with_cookie(client, account)
    await client.put(f"/api/v1/me/bookmarks/{opening}", headers={"X-CSRF-Token": client_csrf(app, client)})

    signed_in = await client.get("/programme")

    assert "js-bookmark" not in anonymous.text
    assert 'aria-pressed="true"' in card(signed_in.text, opening)
    assert signed_in.text.count('aria-pressed="true"') == 1


def client_csrf(app, client) -> str:
    login_id = app.state.signer.login_from_cookie(client.cookies.get("conference_session"))
    return app.state.signer.csrf_token(login_id)


async def test_session_page_shows_roundtables_speakers_and_both_times(client, loaded, app):
    roundtable = (await session_ids(app))["roundtable-plp"]
    client.cookies.set("tz", "Asia/Seoul")

    response = await client.get(f"/sessions/{roundtable}")

    assert response.status_code == 200
    page = text(response.text)
    assert "Peer Learning Partnership roundtables" in page
    assert "20:50–22:00 your time (KST) · 13:50–15:00 CEST" in page
    assert (
        "Legal Ecosystems for Social Economy (PL4SE) Hosted by CEPES · in Spanish 0 / 12 seats taken" in page
    )
    assert "Spanish Social Economy Employers' Confederation (CEPES)" in page
    assert "Spain" in page
    assert "Sign in to bookmark" in page


async def test_session_page_unknown_id_is_friendly_404(client, loaded):
    response = await client.get("/sessions/999999")

    assert response.status_code == 404
    assert "We could not find that page" in response.text
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/profile", "/agenda", "/agenda?now=x"])
async def test_private_pages_redirect_anonymous_to_sign_in(client, loaded, path):
    response = await client.get(path)

    assert (response.status_code, response.headers["location"]) == (
        303,
        "/login?next=" + path.replace("?", "%3F").replace("=", "%3D"),
    )


async def test_sign_in_page_keeps_only_local_next(client):
    local = await client.get("/login?next=/agenda")
    foreign = await client.get("/login?next=//evil.example/")

    assert 'data-next="/agenda"' in local.text
    assert 'data-next="/"' in foreign.text


async def test_sign_in_page_redirects_when_already_signed_in(client, app):
    account = await make_account(client, app)
    await sign_in_with_cookie(client, account)

    response = await client.get("/login?next=/programme")

    assert (response.status_code, response.headers["location"]) == (303, "/programme")


async def test_register_page_has_labelled_fields_and_detects_timezone(client, loaded):
    response = await client.get("/register")

    assert response.status_code == 200
    for name in ("name", "email", "password", "organisation", "country"):
        assert f'<label for="{name}">' in response.text, name
        assert f'id="{name}-error"' in response.text
    assert 'class="js-detect-tz"' in response.text
    assert '<option value="KR">South Korea</option>' in response.text


async def test_profile_page_edits_every_profile_field(client, loaded, app):
    account = await make_account(
        client,
        app,
        organisation="Coop Lab",
        org_type="cooperative",
        country="FR",
        themes=["legal-frameworks"],
        offers=["mentoring"],
        seeks=["funding"],
        languages=["fr", "eu"],
        timezone="America/Montreal",
        bio="Working on cooperatives.",
    )
    await sign_in_with_cookie(client, account)

    response = await client.get("/profile")

    assert response.status_code == 200
    html = response.text
    for name in ("name", "job_title", "organisation", "org_type", "country", "timezone", "bio", "listed"):
        assert re.search(rf'<label for="{name}">|<input type="checkbox" id="{name}"', html), name
    for group in ("themes", "offers", "seeks", "languages"):
        assert f'data-list="{group}"' in html, group
    assert '<option value="cooperative" selected>' in html
    assert '<option value="FR" selected>' in html
    assert '<option value="America/Montreal" selected>' in html
    assert re.search(r'name="themes" value="legal-frameworks" checked', html)
    assert re.search(r'name="offers" value="mentoring" checked', html)
    assert re.search(r'name="seeks" value="funding" checked', html)
    assert re.search(r'name="languages" value="eu" checked> <span>Basque', html)
    assert "Working on cooperatives.</textarea>" in html
    assert (
        'id="listed" name="listed" value="true" data-type="bool" aria-describedby="listed-hint" checked'
        in html
    )


async def test_agenda_lists_bookmarks_by_day_and_flags_changed(client, loaded, app):
    ids = await session_ids(app)
    account = await make_account(client, app, timezone="Asia/Seoul")
    await sign_in_with_cookie(client, account)
    headers = {"X-CSRF-Token": client_csrf(app, client)}
    for key in ("opening-plenary", "plenary-impact-measurement"):
        await client.put(f"/api/v1/me/bookmarks/{ids[key]}", headers=headers)
    async with app.state.db.session() as db:
        await db.execute(
            update(Bookmark).where(Bookmark.session_id == ids["opening-plenary"]).values(changed_at=utcnow())
        )

    response = await client.get("/agenda")

    assert response.status_code == 200
    days = re.findall(r'<h2 class="day-panel__title"[^>]*>([^<]+)</h2>', response.text)
    assert days == ["Monday 13 September 2021", "Tuesday 14 September 2021"]
    assert "Changed since you bookmarked it" in card(response.text, ids["opening-plenary"])
    assert "Changed since" not in card(response.text, ids["plenary-impact-measurement"])
    assert text(card(response.text, ids["opening-plenary"])).startswith("20:00–20:45 your time (KST)")
    assert 'href="/api/v1/me/agenda.ics"' in response.text


async def test_agenda_empty_invites_to_browse(client, loaded, app):
    account = await make_account(client, app)
    await sign_in_with_cookie(client, account)

    response = await client.get("/agenda")

    assert "Your agenda is empty" in response.text
    assert "agenda.ics" not in response.text


async def test_user_text_is_escaped(client, loaded, app):
    account = await make_account(client, app, name="<script>alert(1)</script>", bio="<b>bold</b>")
    await sign_in_with_cookie(client, account)

    response = await client.get("/profile")

    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "&lt;b&gt;bold&lt;/b&gt;</textarea>" in response.text


@pytest.mark.parametrize(
    ("path", "signed_in"),
    [
        ("/", True),
        ("/programme", True),
        ("/sessions/1", True),
        ("/login", False),
        ("/register", False),
        ("/profile", True),
        ("/agenda", True),
        ("/nowhere", False),
    ],
)
async def test_pages_have_no_inline_script_or_style(client, loaded, app, path, signed_in):
    if signed_in:
        await sign_in_with_cookie(client, await make_account(client, app))

    response = await client.get(path)

    scripts = re.findall(r"<script\b[^>]*>", response.text)
    assert scripts and all(re.search(r'\bsrc="[^"]+"', tag) for tag in scripts)
    assert re.findall(r"</script>", response.text) == ["</script>"] * len(scripts)
    assert re.search(r"<style\b|\sstyle=|\son[a-z]+=", response.text) is None


async def test_pages_carry_csrf_token_for_signed_in(client, loaded, app):
    account = await make_account(client, app)
    await sign_in_with_cookie(client, account)

    response = await client.get("/programme")

    assert f'<meta name="csrf-token" content="{client_csrf(app, client)}">' in response.text
    assert '<div id="announcements" class="announcements" aria-live="polite">' in response.text


async def test_setup_page_needs_a_valid_token(client, app):
    token = app.state.signer.setup_token()

    good = await client.get(f"/setup?token={token}")
    bad = await client.get("/setup?token=forged")

    assert good.status_code == 200 and f'value="{token}"' in good.text
    assert bad.status_code == 403 and "You cannot do that" in bad.text


async def test_setup_creates_first_organiser_then_closes(client, app):
    token = app.state.signer.setup_token()
    body = {"token": token, "email": "Org@Example.org", "password": "a long passphrase", "name": "Olga"}

    first = await client.post("/api/v1/auth/setup", json=body)
    second = await client.post("/api/v1/auth/setup", json={**body, "email": "other@example.org"})
    page = await client.get(f"/setup?token={token}")

    assert first.status_code == 201
    assert (first.json()["user"]["email"], first.json()["user"]["role"]) == ("org@example.org", "organiser")
    assert (second.status_code, second.json()["error"]["code"]) == (403, "forbidden")
    assert page.status_code == 403


async def test_setup_refuses_a_wrong_token(client):
    body = {"token": "forged", "email": "org@example.org", "password": "a long passphrase", "name": "Olga"}

    response = await client.post("/api/v1/auth/setup", json=body)

    assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")


async def test_setup_reports_invalid_fields(client, app):
    body = {"token": app.state.signer.setup_token(), "email": "nope", "password": "short", "name": ""}

    response = await client.post("/api/v1/auth/setup", json=body)

    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"email", "password", "name"}
