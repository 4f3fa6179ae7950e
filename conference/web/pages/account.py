"""Pages of one's own account: sign in, register, first-run organiser set-up, profile, My agenda."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from conference import accounts, agenda, programme
from conference.auth import current_viewer
from conference.db.base import utcnow
from conference.errors import Forbidden, NotFound
from conference.i18n import N_, get_locale, gettext, language_label, territory_name
from conference.validation import country_codes
from conference.web.pages.common import (
    chosen_timezone,
    conference_abbreviation,
    parse_now,
    render,
    safe_next,
    signed_in_or_redirect,
    theme_names,
    timezone_groups,
)
from conference.web.pages.public import session_statuses

ORG_TYPE_LABELS = {
    "cooperative": N_("Cooperative"),
    "social_enterprise": N_("Social enterprise"),
    "association": N_("Association"),
    "foundation": N_("Foundation"),
    "government": N_("Government or public body"),
    "international_org": N_("International organisation"),
    "research": N_("Research or academia"),
    "funder": N_("Funder or investor"),
    "network": N_("Network or federation"),
    "business": N_("Business"),
    "other": N_("Other"),
}
INTENT_LABELS = {
    "funding": N_("Funding"),
    "partnership": N_("Partnerships"),
    "expertise": N_("Expertise"),
    "policy_dialogue": N_("Policy dialogue"),
    "research_collab": N_("Research collaboration"),
    "market_access": N_("Market access"),
    "peer_learning": N_("Peer learning"),
    "visibility": N_("Visibility"),
    "data_evidence": N_("Data and evidence"),
    "mentoring": N_("Mentoring"),
}
# The EU's official languages and those of the other countries the Global Action covers.
COMMON_LANGUAGES = (
    "en", "fr", "es", "pt", "de", "it", "nl", "pl", "sv", "fi", "da", "el", "cs", "hu", "ro", "bg",
    "hr", "sl", "sk", "lt", "lv", "et", "ga", "mt", "ko", "ja", "zh", "hi", "ar", "ru", "tr", "uk",
)  # fmt: skip


def country_options() -> list[tuple[str, str]]:
    return _country_options(get_locale())


@cache
def _country_options(locale: str) -> list[tuple[str, str]]:
    # Sorted by the name in the page's language, so a French reader finds "Allemagne" under A.
    return sorted(((code, territory_name(code)) for code in country_codes()), key=lambda item: item[1])


def language_options(held: list[str]) -> list[tuple[str, str]]:
    """Common languages first, then any other the person already listed (so none is dropped on save)."""
    codes = list(COMMON_LANGUAGES) + [code for code in held if code not in COMMON_LANGUAGES]
    return [(code, language_label(code)) for code in codes]


def translated(labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(key, gettext(text)) for key, text in labels.items()]


async def login_page(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next"))
    if await current_viewer(request):
        return RedirectResponse(next_url, status_code=303)
    return render(request, "account/login.html", {"next": next_url})


async def register_page(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next"))
    if await current_viewer(request):
        return RedirectResponse(next_url, status_code=303)
    return render(
        request,
        "account/register.html",
        {
            "next": safe_next(request.query_params.get("next"), "/profile?welcome=1"),
            "countries": country_options(),
        },
    )


async def setup_page(request: Request) -> Response:
    await current_viewer(request)
    token = request.query_params.get("token", "")
    if not request.app.state.signer.check_setup_token(token):
        raise Forbidden("this set-up link is not valid; use the one `conference serve` printed")
    async with request.app.state.db.reader() as db:
        if await accounts.has_organiser(db):
            raise Forbidden("an organiser account already exists; sign in instead")
    return render(request, "account/setup.html", {"token": token})


async def profile_page(request: Request) -> Response:
    viewer = await signed_in_or_redirect(request)
    if isinstance(viewer, Response):
        return viewer
    async with request.app.state.db.reader() as db:
        themes = await theme_names(db)
    profile = accounts.profile_dict(viewer.user, private=True)
    return render(
        request,
        "account/profile.html",
        {
            "profile": profile,
            "welcome": bool(request.query_params.get("welcome")),
            "countries": country_options(),
            "org_types": translated(ORG_TYPE_LABELS),
            "intents": translated(INTENT_LABELS),
            "themes": list(themes.items()),
            "languages": language_options(profile["languages"]),
            "timezone_groups": timezone_groups(),
        },
    )


def by_day(items: list[dict[str, Any]], meetings: list[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """Agenda items grouped by their local date (the ISO start's date part is already in the zone)."""
    days: dict[str, list[dict[str, Any]]] = defaultdict(list)
    met: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        days[item["start"][:10]].append(item["session"])
    for item in meetings:
        met[item["start"][:10]].append(item["meeting"])
    return [{"date": day, "sessions": days[day], "meetings": met[day]} for day in sorted({*days, *met})]


async def agenda_page(request: Request) -> Response:
    viewer = await signed_in_or_redirect(request)
    if isinstance(viewer, Response):
        return viewer
    async with request.app.state.db.reader() as db:
        try:
            conference = programme.conference_dict(await programme.get_conference(db))
        except NotFound:
            return render(request, "programme/empty.html", {"nav": "agenda"})
        tz = chosen_timezone(request, viewer, conference["timezone"])
        view = await agenda.agenda_view(db, viewer.id, ZoneInfo(tz))
        themes = await theme_names(db)
    items = [item for item in view["items"] if item["type"] == "session"]
    meetings = [item for item in view["items"] if item["type"] == "meeting"]
    sessions = [item["session"] for item in items]
    now_override = parse_now(request.query_params.get("now"))
    changed_ids = {item["session"]["id"] for item in items if item["changed"]}
    if changed_ids:  # shown once: viewing My agenda counts as having seen the changes
        async with request.app.state.db.session() as db:
            await agenda.clear_changes(db, viewer.id, sorted(changed_ids))
    return render(
        request,
        "agenda/index.html",
        {
            "nav": "agenda",
            "conference": conference,
            "conference_abbr": conference_abbreviation(conference),
            "tz": tz,
            "days": by_day(items, meetings),
            "count": len(items),
            "meeting_count": len(meetings),
            "changed_ids": changed_ids,
            "changed_count": len(changed_ids),
            "theme_names": themes,
            "statuses": session_statuses(sessions, now_override or utcnow()),
            "bookmarked": {s["id"] for s in sessions},
            "now_override": now_override.isoformat() if now_override else "",
        },
    )


routes = [
    Route("/login", login_page, name="login_page"),
    Route("/register", register_page, name="register_page"),
    Route("/setup", setup_page, name="setup_page"),
    Route("/profile", profile_page, name="profile_page"),
    Route("/agenda", agenda_page, name="agenda_page"),
]
