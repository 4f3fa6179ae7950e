"""What every page shares: the viewer's time zone, sign-in redirects, and the Jinja filters for times."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from conference import i18n
from conference.auth import Viewer, current_viewer
from conference.db.models import Theme
from conference.i18n import N_, Labels
from conference.validation import timezones
from conference.web.templating import templates

KIND_LABELS = Labels(
    {
        "plenary": N_("Plenary"),
        "panel": N_("Panel"),
        "session": N_("Session"),
        "breakout": N_("Breakout"),
        "roundtable": N_("Roundtables"),
        "networking": N_("Networking"),
        "break": N_("Break"),
    }
)
ROLE_LABELS = Labels(
    {
        "attendee": N_("Attendee"),
        "speaker": N_("Speaker"),
        "moderator": N_("Moderator"),
        "organiser": N_("Organiser"),
    }
)
MEETING_STATUS_LABELS = Labels(
    {
        "pending": N_("pending"),
        "accepted": N_("accepted"),
        "declined": N_("declined"),
        "cancelled": N_("cancelled"),
    }
)
# A session starting between these local hours falls in the viewer's night (a gentle note says so).
NIGHT_STARTS_HOUR = 22
NIGHT_ENDS_HOUR = 7
TZ_COOKIE = "tz"
TZ_COOKIE_MAX_AGE_SECS = 365 * 24 * 3600
# Areas of the canonical "Area/City" IANA names; legacy aliases (US/Eastern, Etc/GMT+3) only clutter a picker.
TZ_AREAS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


@cache
def timezone_groups() -> list[tuple[str, list[str]]]:
    """IANA zones for a <select>, grouped by area (UTC first)."""
    groups: list[tuple[str, list[str]]] = [("UTC", ["UTC"])]
    for area in TZ_AREAS:
        names = sorted(z for z in timezones() if z.startswith(area + "/"))
        groups.append((area, names))
    return groups


def valid_timezone(name: str | None) -> str | None:
    return name if name and name in timezones() else None


def chosen_timezone(request: Request, viewer: Viewer | None, default: str) -> str:
    """The zone a page shows times in: `?tz=`, then the `tz` cookie, then the profile, then `default`."""
    return (
        valid_timezone(request.query_params.get("tz"))
        or valid_timezone(unquote(request.cookies.get(TZ_COOKIE, "")))
        or (valid_timezone(viewer.user.timezone) if viewer else None)
        or default
    )


async def signed_in_or_redirect(request: Request) -> Viewer | Response:
    """The viewer, or a redirect to the sign-in page that comes back here afterwards."""
    viewer = await current_viewer(request)
    if viewer is not None:
        return viewer
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)


def safe_next(value: str | None, default: str = "/") -> str:
    """Only same-site paths: `//evil.example` and absolute URLs would make an open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


def parse_now(value: str | None) -> datetime | None:
    """`?now=ISO` lets tests and rehearsals see the programme as at another moment."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


async def theme_names(db: AsyncSession) -> dict[str, str]:
    rows = await db.execute(select(Theme.slug, Theme.name).order_by(Theme.position, Theme.id))
    return {slug: name for slug, name in rows.all()}


def conference_abbreviation(conference: dict[str, Any]) -> str:
    """The conference zone's abbreviation on its first day (`CEST` in September in Paris)."""
    first = datetime.fromisoformat(f"{conference['start_date']}T{conference['daily_start']}")
    return first.replace(tzinfo=ZoneInfo(conference["timezone"])).tzname() or conference["timezone"]


def http_url(value: object) -> bool:
    """Links from the programme are only followed when they are web addresses (never `javascript:`)."""
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def hour_minute(value: str) -> str:
    return datetime.fromisoformat(value).strftime("%H:%M")


def at_night(value: str) -> bool:
    """Whether an ISO time (already in the viewer's zone) lies between 22:00 and 07:00 there."""
    hour = datetime.fromisoformat(value).hour
    return hour >= NIGHT_STARTS_HOUR or hour < NIGHT_ENDS_HOUR


def zone_abbreviation(value: str, zone: str) -> str:
    """`CEST`, `KST`, or a numeric offset where the zone has no common abbreviation."""
    name = datetime.fromisoformat(value).astimezone(ZoneInfo(zone)).tzname() or zone
    return f"UTC{name}" if name[:1] in "+-" else name


def in_zone(value: str, zone: str) -> str:
    """An instant (ISO) as its day and time in `zone`: `Monday 13 September 2021, 14:05 CEST`."""
    local = datetime.fromisoformat(value).astimezone(ZoneInfo(zone))
    return f"{i18n.long_date(local.date())}, {local:%H:%M} {zone_abbreviation(local.isoformat(), zone)}"


def long_date(value: str | date) -> str:
    """The day in the page's language: `Monday 13 September 2021`, `lundi 13 septembre 2021`."""
    return i18n.long_date(date.fromisoformat(value[:10]) if isinstance(value, str) else value)


def short_date(value: str | date) -> str:
    return i18n.short_date(date.fromisoformat(value[:10]) if isinstance(value, str) else value)


def minutes_between(start: str, end: str) -> int:
    return int((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() // 60)


def city(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ")


templates.env.filters.update(
    hm=hour_minute,
    in_zone=in_zone,
    long_date=long_date,
    short_date=short_date,
    city=city,
)
templates.env.tests["http_url"] = http_url
templates.env.globals.update(
    zone_abbreviation=zone_abbreviation,
    minutes_between=minutes_between,
    country_name=i18n.territory_name,
    language_name=i18n.language_label,
    kind_labels=KIND_LABELS,
    role_labels=ROLE_LABELS,
    meeting_status_labels=MEETING_STATUS_LABELS,
    at_night=at_night,
)
