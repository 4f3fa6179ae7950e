"""Interface languages: the catalogs, the locale of the current request, and locale-aware formatting."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from datetime import date
from functools import cache
from pathlib import Path

from babel import Locale
from babel.core import UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LOCALE = "en"
DOMAIN = "messages"
# Messages whose source lies under static/ are the ones the page scripts ask for through `t()`.
SCRIPT_SOURCE_PREFIX = "static/"
# Date patterns per locale; a locale missing here falls back to its CLDR "full" date and "MMMEd" skeleton.
LONG_DATE = {"en": "EEEE d MMMM y", "fr": "EEEE d MMMM y", "es": "EEEE, d 'de' MMMM 'de' y"}
SHORT_DATE = {"en": "EEE d MMM", "fr": "EEE d MMM", "es": "EEE d MMM"}

_current: ContextVar[str] = ContextVar("locale", default=DEFAULT_LOCALE)


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message


@cache
def available_locales() -> tuple[str, ...]:
    """English (the source language) and every locale with a catalog: adding a language is adding one."""
    found = sorted(p.parent.parent.name for p in LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (DEFAULT_LOCALE, *(code for code in found if code != DEFAULT_LOCALE))


def locale_name(code: str) -> str:
    """The language's name in itself ("Français"), as a language switcher shows it."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def _catalog_path(code: str) -> Path:
    return LOCALES_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _catalog(code: str) -> Catalog:
    with _catalog_path(code).open("rb") as fp:
        return read_po(fp, locale=code, domain=DOMAIN)


@cache
def translations(code: str) -> NullTranslations:
    """The compiled catalog of a locale, compiled from its `.po` in memory on first use (no build step)."""
    if code == DEFAULT_LOCALE or not _catalog_path(code).is_file():
        return NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, _catalog(code), use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@cache
def script_catalog(code: str) -> dict[str, str | list[str]]:
    """The translations the page scripts use: msgid → text, or → [forms] for plural messages."""
    if code == DEFAULT_LOCALE or not _catalog_path(code).is_file():
        return {}
    out: dict[str, str | list[str]] = {}
    for message in _catalog(code):
        if not message.id or message.fuzzy:
            continue
        if not any(path.startswith(SCRIPT_SOURCE_PREFIX) for path, _ in message.locations):
            continue
        if isinstance(message.id, tuple):
            if all(message.string):
                out[message.id[0]] = list(message.string)
        elif message.string:
            out[message.id] = message.string
    return out


def get_locale() -> str:
    return _current.get()


def set_locale(code: str) -> object:
    """Sets the current request's locale; returns the token `reset_locale` takes."""
    return _current.set(code if code in available_locales() else DEFAULT_LOCALE)


def reset_locale(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


def gettext(message: str) -> str:
    return translations(get_locale()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(get_locale()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(get_locale()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations(get_locale()).npgettext(context, singular, plural, n)


def supported(code: str | None) -> str | None:
    """A locale code this site speaks, from a tag like `fr-CA` or `es_419`, else None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in available_locales() else None


def from_accept_language(header: str | None) -> str | None:
    """The best supported language of an `Accept-Language` header (by q-value, then order), else None."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        if q > 0 and supported(tag):
            ranked.append((-q, index, supported(tag) or ""))
    return min(ranked)[2] if ranked else None


class Labels(Mapping[str, str]):
    """A table of English labels (marked with `N_`) read in the current request's language."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self._labels = dict(labels)

    def __getitem__(self, key: str) -> str:
        return gettext(self._labels[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


def _babel_locale(code: str) -> Locale:
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LOCALE)


def long_date(day: date) -> str:
    """`Monday 13 September 2021`, `lundi 13 septembre 2021`, `lunes, 13 de septiembre de 2021`."""
    code = get_locale()
    pattern = LONG_DATE.get(code)
    locale = _babel_locale(code)
    return format_date(day, pattern, locale=locale) if pattern else format_date(day, "full", locale=locale)


def short_date(day: date) -> str:
    """`Mon 13 Sep`, `lun. 13 sept.`, `lun 13 sept`."""
    code = get_locale()
    pattern = SHORT_DATE.get(code)
    locale = _babel_locale(code)
    return (
        format_date(day, pattern, locale=locale) if pattern else format_skeleton("MMMEd", day, locale=locale)
    )


def territory_name(code: str) -> str:
    return _babel_locale(get_locale()).territories.get(code, code)


def language_label(code: str) -> str:
    return _babel_locale(get_locale()).languages.get(code, code)
