import xml.etree.ElementTree as ET

import pytest

from conference import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element, cls: str) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == cls]


@pytest.mark.parametrize(
    ("highest", "ticks"),
    [
        (7, [0, 2, 4, 6, 8]),
        (23, [0, 5, 10, 15, 20, 25]),
        (100, [0, 20, 40, 60, 80, 100]),
        (101, [0, 50, 100, 150]),
        (1, [0, 1]),
        (0, [0, 1]),
        (0.3, [0, 0.1, 0.2, 0.3]),
    ],
)
def test_nice_ticks_cover_the_highest_value_in_round_steps(highest, ticks):
    assert charts.nice_ticks(highest) == ticks


def test_bar_chart_is_an_accessible_image_with_title_and_desc():
    svg = charts.bar_chart(
        title="By country",
        labels=["France", "Korea"],
        values=[3, 1],
        x_label="People",
        y_label="Country",
        unit="people",
        chart_id="c1",
    )

    root = parse(svg)
    assert (root.get("role"), root.get("aria-labelledby")) == ("img", "c1-title c1-desc")
    assert root.find(f"{SVG}title").text == "By country"
    assert root.find(f"{SVG}desc").text == "4 people in all. France: 3; Korea: 1."


def test_bar_chart_draws_one_bar_per_label_in_proportion():
    root = parse(
        charts.bar_chart(title="t", labels=["a", "b", "c"], values=[10, 5, 0], x_label="x", y_label="y")
    )

    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("class") == "chart__bar"]
    assert len(widths) == 3
    assert widths[0] == pytest.approx(2 * widths[1])
    assert widths[2] == 0
    assert texts(root, "chart__value") == ["10", "5", "0"]
    assert texts(root, "chart__tick") == ["0", "2", "4", "6", "8", "10"]


def test_bar_chart_escapes_every_text():
    evil = '<script>alert("x")</script> & co'

    svg = charts.bar_chart(title=evil, labels=[evil], values=[1], x_label=evil, y_label=evil, chart_id='a"b')

    assert "<script>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == evil
    assert texts(root, "chart__axis-label") == [evil, evil]
    assert root.get("id") == 'a"b'


def test_bar_chart_shortens_long_labels_but_keeps_them_in_the_tooltip():
    label = "A very long session title that would not fit beside its bar"

    root = parse(charts.bar_chart(title="t", labels=[label], values=[2], x_label="x", y_label="y"))

    shown = texts(root, "chart__label")[0]
    tooltips = [t.text for g in root.iter(f"{SVG}g") for t in g.findall(f"{SVG}title")]
    assert (len(shown), shown.endswith("…")) == (charts.LABEL_CHARS, True)
    assert tooltips == [f"{label}: 2"]


def test_empty_chart_says_no_data():
    for draw in (charts.bar_chart, charts.line_chart):
        root = parse(draw(title="t", labels=[], values=[], x_label="x", y_label="y", unit="votes"))

        assert texts(root, "chart__empty") == ["No data yet"]
        assert root.find(f"{SVG}desc").text == "No votes yet."


def test_line_chart_plots_points_left_to_right_higher_for_more():
    root = parse(
        charts.line_chart(
            title="Per day",
            labels=["13 Sep", "14 Sep", "15 Sep"],
            values=[1, 4, 2],
            x_label="Day",
            y_label="Registrations",
        )
    )

    points = [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    assert xs == sorted(xs) and len(set(xs)) == 3
    assert ys[1] < ys[2] < ys[0]  # SVG y grows downwards
    assert root.find(f"{SVG}polygon").get("class") == "chart__area"
    assert root.find(f"{SVG}desc").text == (
        "7 registrations from 13 Sep to 15 Sep; the most, 4, in 14 Sep; 2 in 15 Sep."
    )


def test_line_chart_without_area_has_only_the_line():
    root = parse(
        charts.line_chart(title="t", labels=["a", "b"], values=[1, 2], x_label="x", y_label="y", area=False)
    )

    assert root.find(f"{SVG}polygon") is None
    assert root.find(f"{SVG}polyline").get("points") is not None


def test_line_chart_labels_at_most_seven_ticks():
    labels = [f"h{n}" for n in range(48)]

    root = parse(charts.line_chart(title="t", labels=labels, values=[1] * 48, x_label="x", y_label="y"))

    shown = [t for t in texts(root, "chart__tick") if t.startswith("h")]
    assert shown == ["h0", "h7", "h14", "h21", "h28", "h35", "h42"]


def test_charts_refuse_mismatched_series():
    with pytest.raises(ValueError):
        charts.bar_chart(title="t", labels=["a"], values=[], x_label="x", y_label="y")
