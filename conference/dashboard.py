"""The organisers' dashboard charts: which figures each chart shows, as SVG and as the CSV behind it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from conference import charts
from conference.accounts import ORG_TYPES
from conference.errors import NotFound
from conference.user_admin import csv_cell

TOP_COUNTRIES = 12
ORG_TYPE_NAMES = {kind: kind.replace("_", " ").capitalize() for kind in ORG_TYPES} | {
    "international_org": "International organisation",
}
ACTIVITY_NAMES = {
    "messages": "Chat messages",
    "questions": "Questions",
    "poll_votes": "Poll votes",
    "meetings": "Meetings",
}


@dataclass(frozen=True)
class Series:
    labels: list[str]
    values: list[float]


@dataclass(frozen=True)
class ChartSpec:
    slug: str
    kind: str  # "bar" or "line"
    title: str
    x_label: str
    y_label: str
    unit: str
    columns: tuple[str, str]  # CSV header
    series: Callable[[dict[str, Any]], Series]


def _day_label(day: date) -> str:
    return f"{day.day} {day:%b}"


def _by_day(stats: dict[str, Any]) -> Series:
    rows = stats["registrations"]["by_day"]
    return Series([_day_label(date.fromisoformat(r["date"])) for r in rows], [r["count"] for r in rows])


def _by_hour(stats: dict[str, Any]) -> Series:
    rows = stats["registrations"]["by_hour"]
    return Series(
        [datetime.fromisoformat(r["hour"]).strftime("%a %H:00") for r in rows], [r["count"] for r in rows]
    )


def _countries(stats: dict[str, Any]) -> Series:
    rows = stats["registrations"]["by_country"]
    top, rest = rows[:TOP_COUNTRIES], rows[TOP_COUNTRIES:]
    labels = [r["name"] for r in top] + ([f"{len(rest)} other countries"] if rest else [])
    values = [r["count"] for r in top] + ([sum(r["count"] for r in rest)] if rest else [])
    return Series(labels, values)


def _org_types(stats: dict[str, Any]) -> Series:
    rows = stats["registrations"]["by_org_type"]
    return Series(
        [ORG_TYPE_NAMES.get(r["org_type"], r["org_type"]) for r in rows], [r["count"] for r in rows]
    )


def _online(stats: dict[str, Any]) -> Series:
    rows = stats["online"]["sessions"][:10]
    return Series([r["title"] for r in rows], [r["count"] for r in rows])


def _busiest(stats: dict[str, Any]) -> Series:
    rows = stats["busiest_sessions"]
    return Series([r["title"] for r in rows], [r["online"] + r["bookmarks"] for r in rows])


def _activity(stats: dict[str, Any]) -> Series:
    counts = stats["activity"]
    return Series([ACTIVITY_NAMES[k] for k in counts], [counts[k] for k in counts])


CHARTS: dict[str, ChartSpec] = {
    spec.slug: spec
    for spec in (
        ChartSpec(
            "registrations-by-day",
            "line",
            "Registrations per day",
            "Day",
            "Registrations",
            "registrations",
            ("date", "registrations"),
            _by_day,
        ),
        ChartSpec(
            "registrations-by-hour",
            "line",
            "Registrations in the last 48 hours",
            "Hour",
            "Registrations",
            "registrations",
            ("hour", "registrations"),
            _by_hour,
        ),
        ChartSpec(
            "countries",
            "bar",
            "Registrations by country",
            "People",
            "Country",
            "people",
            ("country", "registrations"),
            _countries,
        ),
        ChartSpec(
            "org-types",
            "bar",
            "Registrations by organisation type",
            "People",
            "Organisation type",
            "people",
            ("org_type", "registrations"),
            _org_types,
        ),
        ChartSpec(
            "online-by-session",
            "bar",
            "People in session rooms now",
            "People online",
            "Session",
            "people",
            ("session", "online"),
            _online,
        ),
        ChartSpec(
            "busiest-sessions",
            "bar",
            "Busiest sessions (online now + bookmarks)",
            "People",
            "Session",
            "people",
            ("session", "online_plus_bookmarks"),
            _busiest,
        ),
        ChartSpec(
            "activity",
            "bar",
            "Activity so far",
            "Count",
            "Kind",
            "actions",
            ("kind", "count"),
            _activity,
        ),
    )
}


def spec(slug: str) -> ChartSpec:
    found = CHARTS.get(slug)
    if found is None:
        raise NotFound(f"no chart {slug!r}; charts: {', '.join(CHARTS)}")
    return found


def chart_svg(slug: str, stats: dict[str, Any]) -> str:
    chart = spec(slug)
    series = chart.series(stats)
    draw = charts.line_chart if chart.kind == "line" else charts.bar_chart
    return draw(
        title=chart.title,
        labels=series.labels,
        values=series.values,
        x_label=chart.x_label,
        y_label=chart.y_label,
        unit=chart.unit,
        chart_id=f"chart-{slug}",
    )


def chart_csv(slug: str, stats: dict[str, Any]) -> str:
    """The figures behind a chart; raw keys (ISO dates, country codes) where the chart shows names."""
    chart = spec(slug)
    rows: list[tuple[Any, Any]]
    if slug == "registrations-by-day":
        rows = [(r["date"], r["count"]) for r in stats["registrations"]["by_day"]]
    elif slug == "registrations-by-hour":
        rows = [(r["hour"], r["count"]) for r in stats["registrations"]["by_hour"]]
    elif slug == "countries":
        rows = [(r["country"] or "", r["count"]) for r in stats["registrations"]["by_country"]]
    elif slug == "org-types":
        rows = [(r["org_type"], r["count"]) for r in stats["registrations"]["by_org_type"]]
    else:
        series = chart.series(stats)
        rows = list(zip(series.labels, series.values, strict=True))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(chart.columns)
    for label, value in rows:
        writer.writerow([csv_cell(label), value])
    return out.getvalue()
