"""Tests of reading and validating schedule.yaml."""

from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conference.schedule.loader import (
    Problem,
    ScheduleError,
    check_programme,
    load_programme,
    load_programme_file,
)
from conference.schedule.model import (
    SESSION_KINDS,
    Conference,
    Programme,
    Session,
    Speaker,
    Stage,
    Table,
    Theme,
)

REAL_SCHEDULE = Path(__file__).parents[2] / "schedule.yaml"
PARIS = ZoneInfo("Europe/Paris")

# Sixteen lines, so that the first session starts on line 17.
HEAD = """\
conference:
  title: Test conference
  timezone: Europe/Paris
  start_date: 2021-09-13
  end_date: 2021-09-14
  daily_start: "13:00"
  daily_end: "16:00"
themes:
  - {slug: legal, name: Legal frameworks}
stages:
  - {key: main, name: Main stage}
  - {key: side, name: Room B}
speakers:
  - {key: ada, name: Ada}
  - {key: bob, name: Bob}
sessions:
"""

BASE_FIELDS = {
    "title": "A session",
    "kind": "panel",
    "date": "2021-09-13",
    "start": '"13:00"',
    "end": '"14:00"',
    "stage": "main",
}


def session(key: str, drop: tuple[str, ...] = (), **fields: str) -> str:
    """A session in YAML: key, title, kind, date, start, end, stage (one line each), then extra fields."""
    lines = [f"  - key: {key}"]
    for name, value in {**BASE_FIELDS, **fields}.items():
        if name not in drop:
            lines.append(f"    {name}: {value}")
    return "\n".join(lines) + "\n"


def problems_in(*sessions: str, head: str = HEAD) -> list[Problem]:
    return check_programme(head + "".join(sessions))


# --- the real programme ----------------------------------------------------------------------------


def test_real_schedule_loads_without_problems():
    text = REAL_SCHEDULE.read_text(encoding="utf-8")

    problems = check_programme(text)

    assert problems == []


def test_real_schedule_opening_plenary_starts_1300_paris_on_first_day():
    programme = load_programme_file(REAL_SCHEDULE)

    opening = next(session for session in programme.sessions if session.key == "opening-plenary")

    assert (opening.kind, opening.start) == ("plenary", datetime(2021, 9, 13, 13, 0, tzinfo=PARIS))
    assert opening.start.astimezone(UTC) == datetime(2021, 9, 13, 11, 0, tzinfo=UTC)
    assert opening.start.astimezone(ZoneInfo("Asia/Seoul")).isoformat() == "2021-09-13T20:00:00+09:00"
    assert min(session.start for session in programme.sessions) == opening.start


def test_real_schedule_roundtable_has_one_table_per_peer_learning_partnership():
    programme = load_programme_file(REAL_SCHEDULE)

    roundtables = [session for session in programme.sessions if session.kind == "roundtable"]

    assert len(roundtables) == 1
    assert roundtables[0].start.date() in (date(2021, 9, 14), date(2021, 9, 15))
    assert [table.host for table in roundtables[0].tables] == [
        "CEPES",
        "Le French Impact",
        "Impact Hub network",
        "Social Value US",
        "UpSocial with Ashoka",
        "DIESIS network",
    ]
    assert all(8 <= table.seats <= 12 for table in roundtables[0].tables)


def test_real_schedule_days_hold_six_to_nine_items_within_conference_hours():
    programme = load_programme_file(REAL_SCHEDULE)

    per_day = {day: 0 for day in programme.conference.days}
    for item in programme.sessions:
        per_day[item.start.date()] += 1

    assert sorted(per_day) == [date(2021, 9, 13), date(2021, 9, 14), date(2021, 9, 15), date(2021, 9, 16)]
    assert all(6 <= count <= 9 for count in per_day.values())
    assert all(time(13) <= item.start.time() and item.end.time() <= time(16) for item in programme.sessions)
    assert {item.kind for item in programme.sessions} == set(SESSION_KINDS)


def test_real_schedule_themes_are_those_of_the_seed_page():
    programme = load_programme_file(REAL_SCHEDULE)

    slugs = [theme.slug for theme in programme.themes]

    assert slugs == [
        "legal-frameworks",
        "impact-measurement",
        "internationalisation",
        "women-in-sse",
        "rebuilding-better",
        "ecosystems",
    ]


# --- what a valid file gives -----------------------------------------------------------------------


def test_minimal_programme_loads_to_expected_values():
    text = HEAD + session(
        "one",
        themes="[legal]",
        speakers="[ada, bob]",
        description="|\n      Two\n      lines",
        capacity="40",
        qa_moderated="true",
        language="fr",
    )

    programme = load_programme(text)

    assert programme == Programme(
        conference=Conference(
            title="Test conference",
            timezone="Europe/Paris",
            start_date=date(2021, 9, 13),
            end_date=date(2021, 9, 14),
            daily_start=time(13),
            daily_end=time(16),
        ),
        themes=(Theme(slug="legal", name="Legal frameworks"),),
        stages=(Stage(key="main", name="Main stage"), Stage(key="side", name="Room B")),
        speakers=(Speaker(key="ada", name="Ada"), Speaker(key="bob", name="Bob")),
        sessions=(
            Session(
                key="one",
                title="A session",
                kind="panel",
                start=datetime(2021, 9, 13, 13, tzinfo=PARIS),
                end=datetime(2021, 9, 13, 14, tzinfo=PARIS),
                stage="main",
                themes=("legal",),
                speakers=("ada", "bob"),
                description="Two\nlines\n",
                capacity=40,
                qa_moderated=True,
                language="fr",
            ),
        ),
    )


def test_unquoted_times_and_quoted_dates_are_read_as_meant():
    text = HEAD + session("one", date='"2021-09-14"', start="13:00", end="14:30")

    programme = load_programme(text)

    assert (programme.sessions[0].start, programme.sessions[0].end) == (
        datetime(2021, 9, 14, 13, 0, tzinfo=PARIS),
        datetime(2021, 9, 14, 14, 30, tzinfo=PARIS),
    )


def test_unquoted_daily_hours_are_read_as_times():
    text = HEAD.replace('"13:00"', "13:00").replace('"16:00"', "16:00")

    programme = load_programme(text)

    assert (programme.conference.daily_start, programme.conference.daily_end) == (time(13), time(16))


def test_country_no_is_norway_not_false():
    text = HEAD.replace("{key: bob, name: Bob}", "{key: bob, name: Bob, country: NO}")

    programme = load_programme(text)

    assert programme.speakers[1] == Speaker(key="bob", name="Bob", country="NO")


def test_table_language_defaults_to_session_language():
    tables = (
        "\n      - {key: t1, topic: Laws, host: CEPES, seats: 10}"
        "\n      - {key: t2, topic: Lois, host: X, seats: 8, language: fr}"
    )
    text = HEAD + session("rt", kind="roundtable", language="es", tables=tables)

    programme = load_programme(text)

    assert programme.sessions[0].tables == (
        Table(key="t1", topic="Laws", host="CEPES", seats=10, language="es"),
        Table(key="t2", topic="Lois", host="X", seats=8, language="fr"),
    )


# --- problems, each with its line and field --------------------------------------------------------


def test_yaml_syntax_error_reported_with_its_line():
    text = HEAD + session("one") + "    title: [unclosed\n"

    problems = check_programme(text)

    assert [(problem.line, problem.field) for problem in problems] == [(25, "")]
    assert problems[0].message.startswith("this is not valid YAML: ")


def test_empty_file_reported():
    problems = check_programme("")

    assert problems == [Problem(1, "", "the file is empty; it should hold conference, stages and sessions")]


def test_top_level_list_reported():
    problems = check_programme("- conference\n- sessions\n")

    assert problems == [
        Problem(1, "", "should be a mapping with the sections conference, stages and sessions, not a list")
    ]


def test_missing_sections_reported():
    problems = check_programme("themes: []\n")

    assert problems == [
        Problem(1, "conference", "is required"),
        Problem(1, "stages", "is required"),
        Problem(1, "sessions", "is required"),
    ]


def test_missing_session_fields_reported_on_the_session_line():
    problems = problems_in(session("one"), session("two", drop=("stage", "end")))

    assert problems == [
        Problem(24, "sessions[1].end", "is required"),
        Problem(24, "sessions[1].stage", "is required"),
    ]


def test_misspelt_field_reported_with_suggestion():
    problems = problems_in(session("one", drop=("start",), strat='"13:00"'))

    assert problems == [
        Problem(17, "sessions[0].start", "is required"),
        Problem(23, "sessions[0].strat", 'unknown field "strat" (did you mean "start"?)'),
    ]


def test_field_given_twice_reported():
    problems = problems_in(session("one", **{"title ": "x"}).replace("title : x", "title: Again"))

    assert problems == [Problem(24, "sessions[0].title", "is given twice (first on line 18)")]


def test_wrong_types_reported():
    problems = problems_in(
        session("one", title="[a, b]", capacity='"40"', qa_moderated="maybe", themes="legal")
    )

    assert problems == [
        Problem(18, "sessions[0].title", "should be a single value, not a list"),
        Problem(24, "sessions[0].capacity", '"40" is not a whole number from 1 to 100000'),
        Problem(25, "sessions[0].qa_moderated", '"maybe" should be true or false'),
        Problem(26, "sessions[0].themes", 'should be a list, not "legal"'),
    ]


def test_unknown_kind_reported():
    problems = problems_in(session("one", kind="plenery"))

    hint = "use one of plenary, panel, session, breakout, roundtable, networking, break"
    assert problems == [
        Problem(19, "sessions[0].kind", f'unknown kind "plenery" (did you mean "plenary"?); {hint}')
    ]


def test_bad_time_and_date_formats_reported():
    problems = problems_in(session("one", date="13/09/2021", start='"1pm"', end='"24:00"'))

    assert problems == [
        Problem(20, "sessions[0].date", '"13/09/2021" is not a date like 2021-09-13'),
        Problem(21, "sessions[0].start", '"1pm" is not a time of day like "13:00" (24-hour, in quotes)'),
        Problem(22, "sessions[0].end", '"24:00" is not a time of day like "13:00" (24-hour, in quotes)'),
    ]


def test_impossible_date_reported():
    problems = problems_in(session("one", date="2021-09-31"))

    assert problems == [Problem(20, "sessions[0].date", '"2021-09-31" is not a date like 2021-09-13')]


def test_unknown_timezone_reported():
    problems = check_programme(HEAD.replace("Europe/Paris", "Europe/Pariss") + session("one"))

    hint = '; use an IANA name like "Europe/Paris"'
    assert problems == [
        Problem(
            3,
            "conference.timezone",
            f'unknown time zone "Europe/Pariss" (did you mean "Europe/Paris"?){hint}',
        )
    ]


def test_end_not_after_start_reported():
    problems = problems_in(session("one", start='"13:30"', end='"13:00"'))

    assert [str(problem) for problem in problems] == [
        'line 22: sessions[0].end: "13:00" is not after start "13:30"'
    ]


def test_session_outside_conference_days_reported():
    problems = problems_in(session("one", date="2021-09-20"))

    message = "2021-09-20 is outside the conference days (2021-09-13 to 2021-09-14)"
    assert problems == [Problem(20, "sessions[0].date", message)]


def test_overlap_on_one_stage_reported_with_both_keys_and_the_stage():
    problems = problems_in(
        session("opening", end='"13:45"'),
        session("other-stage", stage="side"),
        session("panel-legal", start='"13:30"'),
    )

    message = '"panel-legal" overlaps "opening" (2021-09-13 13:00–13:45, line 17) on stage "Main stage"'
    assert problems == [Problem(31, "sessions[2]", message)]


def test_back_to_back_sessions_do_not_overlap():
    problems = problems_in(session("one"), session("two", start='"14:00"', end='"15:00"'))

    assert problems == []


def test_speaker_in_two_overlapping_sessions_reported():
    problems = problems_in(
        session("one", speakers="[ada]"), session("two", stage="side", speakers="[bob, ada]")
    )

    message = 'speaker "ada" is also in "one" (2021-09-13 13:00–14:00, line 17) at the same time'
    assert problems == [Problem(32, "sessions[1].speakers", message)]


def test_unknown_references_reported():
    problems = problems_in(
        session("one", stage="mian", themes="[legal, women]", speakers="[ada, carol, ada]")
    )

    assert problems == [
        Problem(23, "sessions[0].stage", 'unknown stage "mian" (did you mean "main"?)'),
        Problem(24, "sessions[0].themes[1]", 'unknown theme "women"'),
        Problem(25, "sessions[0].speakers[1]", 'unknown speaker "carol"'),
        Problem(25, "sessions[0].speakers[2]", 'speaker "ada" is listed twice'),
    ]


def test_duplicate_keys_reported():
    head = (
        HEAD.replace("  - {key: side, name: Room B}", "  - {key: main, name: Room B}")
        .replace(
            "{slug: legal, name: Legal frameworks}", "{slug: legal, name: A}\n  - {slug: legal, name: B}"
        )
        .replace("{key: bob, name: Bob}", "{key: ada, name: Bob}")
    )
    tables = "\n      - {key: t, topic: A, host: X, seats: 8}\n      - {key: t, topic: B, host: Y, seats: 8}"

    problems = problems_in(
        session("one", kind="roundtable", tables=tables),
        session("one", date="2021-09-14"),
        head=head,
    )

    assert problems == [
        Problem(10, "themes[1].slug", 'theme "legal" is already defined on line 9'),
        Problem(13, "stages[1].key", 'stage "main" is already defined on line 12'),
        Problem(16, "speakers[1].key", 'speaker "ada" is already defined on line 15'),
        Problem(27, "sessions[0].tables[1].key", 'table "t" is already defined on line 26'),
        Problem(28, "sessions[1].key", 'session "one" is already defined on line 18'),
    ]


def test_tables_on_a_panel_reported():
    problems = problems_in(session("one", tables="\n      - {key: t, topic: A, host: X, seats: 8}"))

    assert problems == [
        Problem(25, "sessions[0].tables", 'only roundtable sessions have tables, and this one is a "panel"')
    ]


def test_seats_and_capacity_must_be_positive_whole_numbers():
    tables = (
        "\n      - {key: t, topic: A, host: X, seats: 0}\n      - {key: u, topic: B, host: Y, seats: 2.5}"
    )

    problems = problems_in(session("one", kind="roundtable", capacity="-3", tables=tables))

    assert problems == [
        Problem(24, "sessions[0].capacity", '"-3" is not a whole number from 1 to 100000'),
        Problem(26, "sessions[0].tables[0].seats", '"0" is not a whole number from 1 to 1000'),
        Problem(27, "sessions[0].tables[1].seats", '"2.5" is not a whole number from 1 to 1000'),
    ]


def test_country_and_language_must_be_two_letter_codes():
    head = HEAD.replace("{key: bob, name: Bob}", "{key: bob, name: Bob, country: France}")

    problems = problems_in(session("one", language="eng"), head=head)

    assert problems == [
        Problem(15, "speakers[1].country", '"France" is not a two-letter ISO 3166 code like "FR"'),
        Problem(24, "sessions[0].language", '"eng" is not a two-letter ISO 639-1 code like "en"'),
    ]


def test_over_long_title_and_description_reported():
    problems = problems_in(session("one", title="T" * 201, description="d" * 5001))

    assert problems == [
        Problem(18, "sessions[0].title", "is 201 characters long; at most 200 are allowed"),
        Problem(24, "sessions[0].description", "is 5001 characters long; at most 5000 are allowed"),
    ]


def test_script_address_rejected_as_stream_url():
    problems = problems_in(session("one", stream_url='"javascript:alert(1)"'))

    message = '"javascript:alert(1)" is not a web address starting with https://'
    assert problems == [Problem(24, "sessions[0].stream_url", message)]


def test_several_problems_all_reported_in_line_order():
    head = HEAD.replace("Europe/Paris", "Mars/Olympus")

    problems = problems_in(
        session("one", kind="keynote"),
        session("two", start='"15:00"', end='"14:00"', stage="nowhere"),
        head=head,
    )

    assert [(problem.line, problem.field) for problem in problems] == [
        (3, "conference.timezone"),
        (19, "sessions[0].kind"),
        (29, "sessions[1].end"),
        (30, "sessions[1].stage"),
    ]


def test_load_programme_raises_with_every_problem():
    text = HEAD + session("one", kind="keynote", end='"12:00"')

    with pytest.raises(ScheduleError) as caught:
        load_programme(text, source="draft.yaml")

    assert caught.value.problems == check_programme(text)
    assert str(caught.value).splitlines() == [
        "draft.yaml: 2 problems",
        'line 19: sessions[0].kind: unknown kind "keynote"; '
        "use one of plenary, panel, session, breakout, roundtable, networking, break",
        'line 22: sessions[0].end: "12:00" is not after start "13:00"',
    ]


def test_load_programme_file_missing_file_reported(tmp_path):
    path = tmp_path / "nowhere.yaml"

    with pytest.raises(ScheduleError) as caught:
        load_programme_file(path)

    assert caught.value.problems == [Problem(0, "", f"there is no file {path}")]


def test_load_programme_file_non_utf8_reported_with_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes((HEAD + session("one", title="Économie")).encode("latin-1"))

    with pytest.raises(ScheduleError) as caught:
        load_programme_file(path)

    assert caught.value.problems == [Problem(18, "", "is not UTF-8 text (byte 0xc9 cannot be decoded)")]


# --- nothing but ScheduleError, whatever the input -------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["13:00", "2021-09-13", "main", "ada", "legal", "roundtable", "Europe/Paris", "yes"]),
)
field_names = st.sampled_from(
    "conference stages sessions themes speakers key title kind date start end stage tables seats slug name"
    " timezone start_date capacity language".split()
)
TRICKY_VALUES = [
    "!!int ''",
    "!!int -",
    "!!int 1:30",
    "!!float x",
    "!!bool maybe",
    "!!binary zz",
    "!!timestamp x",
    "!!null x",
    "!custom x",
    "&a [*a]",
    "*nowhere",
    "{<<: {a: 1}}",
    "{? [a] : b}",
    "[[[]]]",
    "0x_",
    "0b",
    "+",
    ".inf",
    "24:00",
    "1:2:3",
    "2021-02-30",
    "-1",
    "99999999999999999999",
    "'13:00'",
    "~",
    "''",
]
tricky_values = st.sampled_from(TRICKY_VALUES)
yamlish = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(field_names | st.text(max_size=5), children)
    ),
    max_leaves=30,
)


def _only_schedule_errors(text: str) -> None:
    try:
        load_programme(text)
    except ScheduleError as exc:
        assert exc.problems
        assert all(isinstance(problem, Problem) and problem.line >= 0 for problem in exc.problems)


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(max_size=300))
def test_arbitrary_text_raises_nothing_but_schedule_error(text):
    _only_schedule_errors(text)


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(yamlish)
def test_arbitrary_yaml_structure_raises_nothing_but_schedule_error(data):
    _only_schedule_errors(yaml.safe_dump(data, allow_unicode=True))


@settings(max_examples=200, deadline=None, database=None)
@given(st.data())
def test_valid_file_with_one_line_replaced_raises_nothing_but_schedule_error(data):
    lines = (HEAD + session("one", speakers="[ada]") + session("two", stage="side")).splitlines()
    index = data.draw(st.integers(0, len(lines) - 1))
    indent = data.draw(st.sampled_from(["", "  ", "    ", "      "]))
    replacement = data.draw(
        st.text(max_size=30)
        | yamlish.map(lambda value: yaml.safe_dump(value, default_flow_style=True))
        | st.tuples(field_names, tricky_values).map(": ".join)
    )

    lines[index] = indent + replacement.strip("\n")

    _only_schedule_errors("\n".join(lines) + "\n")


@pytest.mark.parametrize("value", TRICKY_VALUES)
def test_tricky_value_in_any_field_raises_nothing_but_schedule_error(value):
    tables = "\n      - {key: t, topic: A, host: X, seats: 8, language: en}"
    fields = {
        **BASE_FIELDS,
        "themes": "[legal]",
        "speakers": "[ada]",
        "capacity": "10",
        "qa_moderated": "true",
    }
    fields |= {"language": "en", "stream_url": "https://a.example", "tables": tables, "description": "D"}
    texts = [HEAD + session("rt", **{**fields, "kind": "roundtable", name: value}) for name in fields]
    texts.append(
        HEAD + session("rt", **{**fields, "kind": "roundtable", "tables": f"\n      - {{seats: {value}}}"})
    )
    texts += [
        HEAD.replace("Europe/Paris", value),
        HEAD.replace("2021-09-14", value),
        HEAD.replace('"13:00"', value),
    ]

    for text in texts:
        _only_schedule_errors(text)
