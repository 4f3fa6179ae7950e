"""Small server-side SVG charts (bar, and line or area over time) that screen readers can read too.

Every chart is one `<svg role="img">` with a `<title>` and a `<desc>` that states the figures in words;
all text is escaped. Colours come from presentation attributes that `static/css/admin.css` refines by class,
so the markup needs no inline style (the CSP forbids it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

FONT_PX = 13
LABEL_CHARS = 28
MAX_X_LABELS = 7  # more would collide at the dashboard's width
BAR_COLOUR = "#1f6f5c"
LINE_COLOUR = "#1f6f5c"
AREA_COLOUR = "#cfe7df"
GRID_COLOUR = "#d9dde3"
TEXT_COLOUR = "#30363d"


def nice_ticks(highest: float, count: int = 5) -> list[float]:
    """Ticks from 0 past `highest` in steps of 1, 2 or 5 times a power of ten (at least one step)."""
    if highest <= 0 or not math.isfinite(highest):
        return [0, 1]
    rough = highest / count
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    if highest >= 1 and step < 1:
        step = 1
    top = math.ceil(highest / step - 1e-9) * step
    ticks = [round(n * step, 10) for n in range(round(top / step) + 1)]
    return ticks if len(ticks) > 1 else [0, step]


def format_number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _open(chart_id: str, width: int, height: int, title: str, description: str) -> list[str]:
    ident = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{ident}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="system-ui, sans-serif" font-size="{FONT_PX}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        f'<text class="chart__title" x="0" y="17" font-size="16" font-weight="600" fill="{TEXT_COLOUR}">'
        f"{escape(title)}</text>",
    ]


def _empty(parts: list[str], width: int, height: int) -> str:
    parts.append(
        f'<text class="chart__empty" x="{width / 2:g}" y="{height / 2:g}" text-anchor="middle" '
        f'fill="{TEXT_COLOUR}">No data yet</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def describe(labels: Sequence[str], values: Sequence[float], unit: str) -> str:
    """The figures in words, for the `<desc>` (largest first, at most ten)."""
    if not values:
        return f"No {unit} yet."
    ranked = sorted(zip(labels, values, strict=True), key=lambda pair: -pair[1])[:10]
    listed = "; ".join(f"{label}: {format_number(value)}" for label, value in ranked)
    return f"{format_number(sum(values))} {unit} in all. {listed}."


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    x_label: str,
    y_label: str,
    unit: str = "",
    chart_id: str = "chart",
    width: int = 640,
    description: str | None = None,
) -> str:
    """A horizontal bar chart: one row per label (category axis = `y_label`), values along x."""
    if len(labels) != len(values):
        raise ValueError("labels and values differ in length")
    row_px, top, bottom = 28, 46, 48
    # Room for the longest label, and for the rotated axis label left of it.
    left = min(240, 36 + FONT_PX * 0.6 * max((len(shorten(s)) for s in labels), default=8))
    right = 48
    height = top + bottom + max(1, len(labels)) * row_px
    parts = _open(
        chart_id, width, height, title, description or describe(labels, values, unit or x_label.lower())
    )
    if not labels:
        return _empty(parts, width, height)
    ticks = nice_ticks(max(values))
    scale = (width - left - right) / ticks[-1]
    plot_bottom = height - bottom
    parts.append('<g class="chart__grid">')
    for tick in ticks:
        x = left + tick * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{plot_bottom}" stroke="{GRID_COLOUR}"/>'
            f'<text class="chart__tick" x="{x:.1f}" y="{plot_bottom + 16}" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}">{format_number(tick)}</text>'
        )
    parts.append("</g>")
    parts.append('<g class="chart__bars">')
    for n, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + n * row_px
        bar = max(value * scale, 0)
        parts.append(
            f"<g><title>{escape(label)}: {format_number(value)}</title>"
            f'<text class="chart__label" x="{left - 8:.1f}" y="{y + row_px / 2 + 4:.1f}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(shorten(label))}</text>'
            f'<rect class="chart__bar" x="{left:.1f}" y="{y + 4}" width="{bar:.1f}" height="{row_px - 8}" '
            f'rx="3" fill="{BAR_COLOUR}"/>'
            f'<text class="chart__value" x="{left + bar + 6:.1f}" y="{y + row_px / 2 + 4:.1f}" '
            f'fill="{TEXT_COLOUR}">{format_number(value)}</text></g>'
        )
    parts.append("</g>")
    parts.append(_axis_labels(width, height, left, x_label, y_label, top, plot_bottom))
    parts.append("</svg>")
    return "\n".join(parts)


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    x_label: str,
    y_label: str,
    unit: str = "",
    area: bool = True,
    chart_id: str = "chart",
    width: int = 640,
    height: int = 260,
    description: str | None = None,
) -> str:
    """A line (and shaded area) over evenly spaced buckets, e.g. registrations per day or per hour."""
    if len(labels) != len(values):
        raise ValueError("labels and values differ in length")
    top, bottom, left, right = 40, 50, 56, 34
    parts = _open(
        chart_id,
        width,
        height,
        title,
        description or _describe_series(labels, values, unit or y_label.lower()),
    )
    if not labels:
        return _empty(parts, width, height)
    ticks = nice_ticks(max(values))
    plot_w, plot_bottom = width - left - right, height - bottom
    plot_h = plot_bottom - top
    step = plot_w / max(1, len(values) - 1)

    def point(n: int, value: float) -> tuple[float, float]:
        x = left + (n * step if len(values) > 1 else plot_w / 2)
        return x, plot_bottom - value / ticks[-1] * plot_h

    parts.append('<g class="chart__grid">')
    for tick in ticks:
        y = plot_bottom - tick / ticks[-1] * plot_h
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID_COLOUR}"/>'
            f'<text class="chart__tick" x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{format_number(tick)}</text>'
        )
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    for n, label in enumerate(labels):
        if n % every == 0:
            x, _ = point(n, 0)
            parts.append(
                f'<text class="chart__tick" x="{x:.1f}" y="{plot_bottom + 16}" text-anchor="middle" '
                f'fill="{TEXT_COLOUR}">{escape(shorten(label, 12))}</text>'
            )
    parts.append("</g>")
    coords = [point(n, v) for n, v in enumerate(values)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    if area:
        first, last = coords[0][0], coords[-1][0]
        parts.append(
            f'<polygon class="chart__area" fill="{AREA_COLOUR}" '
            f'points="{first:.1f},{plot_bottom} {line} {last:.1f},{plot_bottom}"/>'
        )
    parts.append(
        f'<polyline class="chart__line" points="{line}" fill="none" stroke="{LINE_COLOUR}" '
        'stroke-width="2.5" stroke-linejoin="round"/>'
    )
    # Many points make a row of beads; small ones still carry their figure as a tooltip.
    radius = 3.5 if len(values) <= 24 else 2
    parts.append('<g class="chart__points">')
    for (x, y), label, value in zip(coords, labels, values, strict=True):
        parts.append(
            f'<circle class="chart__point" cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{LINE_COLOUR}">'
            f"<title>{escape(label)}: {format_number(value)}</title></circle>"
        )
    parts.append("</g>")
    parts.append(_axis_labels(width, height, left, x_label, y_label, top, plot_bottom))
    parts.append("</svg>")
    return "\n".join(parts)


def _describe_series(labels: Sequence[str], values: Sequence[float], unit: str) -> str:
    if not values:
        return f"No {unit} yet."
    peak = max(range(len(values)), key=lambda n: values[n])
    return (
        f"{format_number(sum(values))} {unit} from {labels[0]} to {labels[-1]}; "
        f"the most, {format_number(values[peak])}, in {labels[peak]}; "
        f"{format_number(values[-1])} in {labels[-1]}."
    )


def _axis_labels(
    width: int, height: int, left: float, x_label: str, y_label: str, top: float, plot_bottom: float
) -> str:
    middle_y = (top + plot_bottom) / 2
    return (
        f'<text class="chart__axis-label" x="{(left + width) / 2:.1f}" y="{height - 8}" text-anchor="middle" '
        f'fill="{TEXT_COLOUR}">{escape(x_label)}</text>'
        f'<text class="chart__axis-label" x="12" y="{middle_y:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {middle_y:.1f})" fill="{TEXT_COLOUR}">{escape(y_label)}</text>'
    )
