"""Languages: complete catalogs, the locale of a page (cookie, account, browser), translated pages."""

import asyncio
import json
import re
import runpy

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from conference import i18n
from conference.db.models import User
from tests.conftest import ROOT
from tests.support import make_account
from tests.web.test_pages import client_csrf, sign_in_with_cookie, text

TRANSLATED = [code for code in i18n.available_locales() if code != i18n.DEFAULT_LOCALE]
PYTHON_FORMAT = re.compile(r"%\(\w+\)[sd]")
SCRIPT_FORMAT = re.compile(r"\{\w+\}")
NAV = {
    "fr": ["Programme", "Participants", "Mon agenda", "Se connecter", "S’inscrire", "Aller au contenu"],
    "es": ["Programa", "Participantes", "Mi agenda", "Iniciar sesión", "Inscribirse", "Saltar al contenido"],
}


def catalog(code: str):
    with (i18n.LOCALES_DIR / code / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=code)


def placeholders(value: str) -> set[str]:
    return set(PYTHON_FORMAT.findall(value)) | set(SCRIPT_FORMAT.findall(value))


def visible_text(html: str) -> str:
    return text(re.sub(r"<script\b.*?</script>", "", html, flags=re.S))


def english_interface_strings() -> list[str]:
    """msgids of several words whose French and Spanish differ from the English (so a hit is a miss)."""
    translated = {code: catalog(code) for code in TRANSLATED}
    out = []
    for message in translated[TRANSLATED[0]]:
        if not message.id or isinstance(message.id, tuple) or PYTHON_FORMAT.search(message.id):
            continue
        plain = re.sub(r"<[^>]+>", "", message.id)
        if len(plain.split()) < 2 or "<" in message.id:
            continue
        if all((translated[code].get(message.id).string or "") != message.id for code in TRANSLATED):
            out.append(plain)
    return out


def test_languages_are_english_french_and_spanish():
    assert i18n.available_locales() == ("en", "es", "fr")
    assert [i18n.locale_name(code) for code in i18n.available_locales()] == ["English", "Español", "Français"]


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalog_translates_every_message_without_fuzzy_entries(code):
    problems = []

    for message in catalog(code):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        for translation in strings:
            if translation and placeholders(translation) != placeholders(source[-1]):
                problems.append(f"placeholders differ: {message.id!r} -> {translation!r}")

    assert problems == []


def test_catalogs_hold_every_string_of_the_sources():
    tool = runpy.run_path(str(ROOT / "scripts" / "update_catalogs.py"))
    wanted = {m.id for m in tool["extract"]() if m.id}

    for code in TRANSLATED:
        held = {m.id for m in catalog(code) if m.id}
        assert (code, sorted(map(str, wanted - held))) == (code, []), "run scripts/update_catalogs.py"
        assert (code, sorted(map(str, held - wanted))) == (code, []), "run scripts/update_catalogs.py"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE,es;q=0.7,fr;q=0.6", "es"),
        ("en;q=0.2, es-419;q=0.9", "es"),
        ("de, ja", None),
        ("fr;q=0", None),
        ("", None),
        ("fr;q=banana, es", "es"),
    ],
)
def test_accept_language_picks_best_supported(header, expected):
    assert i18n.from_accept_language(header) == expected


async def test_landing_in_french_for_a_french_browser(client, loaded):
    response = await client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})

    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert response.headers["content-language"] == "fr"
    page = text(response.text)
    for expected in NAV["fr"] + [
        "Pourquoi participer",
        "Le programme en un coup d’œil",
        "lundi 13 septembre 2021",
    ]:
        assert expected in page, expected


async def test_landing_in_spanish_from_the_cookie_over_the_browser(client, loaded):
    client.cookies.set("lang", "es")

    response = await client.get("/", headers={"Accept-Language": "fr"})

    page = text(response.text)
    assert '<html lang="es">' in response.text
    for expected in NAV["es"] + ["Por qué participar", "lunes, 13 de septiembre de 2021"]:
        assert expected in page, expected


@pytest.mark.parametrize("code", TRANSLATED)
async def test_main_pages_show_no_english_interface_string(client, loaded, app, code):
    account = await make_account(client, app)
    await sign_in_with_cookie(client, account)
    client.cookies.set("lang", code)
    content = (ROOT / "schedule.yaml").read_text()  # titles and descriptions are the event's own words
    english = [s for s in english_interface_strings() if s not in content]
    paths = [
        "/",
        "/programme?tz=America/Vancouver",
        "/sessions/1?tz=America/Vancouver",
        "/profile",
        "/agenda",
        "/people",
        "/meetings",
        "/announcements",
        "/programme/print",
    ]

    leftovers = {}
    for path in paths:
        response = await client.get(path)
        assert response.status_code == 200, path
        page = visible_text(response.text)
        found = [s for s in english if s in page]
        if found:
            leftovers[path] = found
    client.cookies.delete("conference_session")
    for path in ["/login", "/register"]:
        page = visible_text((await client.get(path)).text)
        found = [s for s in english if s in page]
        if found:
            leftovers[path] = found

    assert leftovers == {}


async def test_account_language_applies_without_a_cookie(client, loaded, app):
    account = await make_account(client, app)
    async with app.state.db.session() as db:
        user = await db.get(User, account.id)
        user.locale = "es"
    await sign_in_with_cookie(client, account)

    response = await client.get("/programme", headers={"Accept-Language": "fr"})

    assert '<html lang="es">' in response.text
    assert "Todos los formatos" in response.text


async def test_switcher_remembers_language_in_cookie_and_account(client, loaded, app):
    account = await make_account(client, app)
    await sign_in_with_cookie(client, account)

    response = await client.post(
        "/language",
        data={"lang": "fr", "next": "/programme?day=2021-09-14", "csrf_token": client_csrf(app, client)},
    )

    assert (response.status_code, response.headers["location"]) == (303, "/programme?day=2021-09-14")
    assert response.cookies.get("lang") == "fr"
    async with app.state.db.reader() as db:
        assert await db.scalar(select(User.locale).where(User.id == account.id)) == "fr"
    assert '<html lang="fr">' in (await client.get("/programme")).text


async def test_switcher_for_a_signed_in_person_needs_the_csrf_token(client, loaded, app):
    account = await make_account(client, app)
    await sign_in_with_cookie(client, account)

    response = await client.post("/language", data={"lang": "fr", "next": "/"})

    assert response.status_code == 403
    async with app.state.db.reader() as db:
        assert await db.scalar(select(User.locale).where(User.id == account.id)) == ""


async def test_switcher_for_visitors_sets_the_cookie_and_refuses_other_sites(client, loaded):
    response = await client.post("/language", data={"lang": "es", "next": "//evil.example/"})

    assert (response.status_code, response.headers["location"]) == (303, "/")
    assert response.cookies.get("lang") == "es"


async def test_switcher_refuses_an_unknown_language(client, loaded):
    response = await client.post(
        "/language", data={"lang": "xx", "next": "/"}, headers={"Accept": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"lang": "one of en, es, fr"}


async def test_page_scripts_get_their_catalog_in_french_only_when_needed(client, loaded):
    french = await client.get("/programme", headers={"Accept-Language": "fr"})
    english = await client.get("/programme", headers={"Accept-Language": "en"})

    block = re.search(r'<script type="application/json" id="i18n">(.*?)</script>', french.text, re.S)
    assert block is not None
    strings = json.loads(block.group(1))
    assert (strings["Live now"], strings["{n} session matches"]) == (
        "En direct",
        ["{n} session correspond", "{n} sessions correspondent"],
    )
    assert "Pourquoi participer" not in strings.values()  # only what the scripts use
    assert 'id="i18n"' not in english.text


async def test_concurrent_requests_keep_their_own_language(client, loaded):
    languages = ["fr", "es", "en"] * 5

    responses = await asyncio.gather(
        *(client.get("/programme", headers={"Accept-Language": code}) for code in languages)
    )

    assert [re.search(r'<html lang="(\w+)">', r.text).group(1) for r in responses] == languages
    assert all(
        ("Tous les formats" in r.text) == (code == "fr") for r, code in zip(responses, languages, strict=True)
    )


async def test_api_answers_in_english_whatever_the_language(client, loaded):
    response = await client.get("/api/v1/sessions/999", headers={"Accept-Language": "fr"})

    assert response.status_code == 404
    assert "content-language" not in response.headers
