"""Tests of writing the programme as schedule.yaml, frab XML and iCalendar."""

import dataclasses
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
from hypothesis import given, settings
from hypothesis import strategies as st

from conference.schedule.export import (
    SESSION_GUID_NAMESPACE,
    IcalEvent,
    dump_yaml,
    ical_calendar,
    session_guid,
    to_frab_xml,
    to_ical,
)
from conference.schedule.loader import load_programme, load_programme_file
from conference.schedule.model import Conference, Programme, Session, Speaker, Stage, Table, Theme

REAL_SCHEDULE = Path(__file__).parents[2] / "schedule.yaml"
PARIS = ZoneInfo("Europe/Paris")
STAMP = datetime(2021, 9, 1, 8, 0, tzinfo=UTC)


def small_programme(**session_changes: object) -> Programme:
    session = Session(
        key="opening",
        title="Opening",
        kind="plenary",
        start=datetime(2021, 9, 13, 13, 0, tzinfo=PARIS),
        end=datetime(2021, 9, 13, 13, 45, tzinfo=PARIS),
        stage="main",
        themes=("legal",),
        speakers=("ada",),
        description="First paragraph.\n\nSecond paragraph.",
    )
    return Programme(
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
        speakers=(Speaker(key="ada", name="Ada", country="NO"),),
        sessions=(dataclasses.replace(session, **session_changes),),
    )


def xml_printable(text: str) -> str:
    """What of a text survives in XML 1.0: line breaks as line feeds, and no control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(char for char in text if char in "\t\n" or ("\x20" <= char and char not in "\ufffe\uffff"))


def ical_printable(text: str) -> str:
    """What of a text survives in iCalendar: line feeds and tabs, and no other control characters."""
    text = text.replace("\r\n", "\n")
    return "".join(char for char in text if char in "\t\n" or ("\x20" <= char and char != "\x7f"))


# --- schedule.yaml ---------------------------------------------------------------------------------


def test_dump_yaml_round_trips_real_schedule():
    programme = load_programme_file(REAL_SCHEDULE)

    text = dump_yaml(programme)

    assert load_programme(text) == programme
    assert dump_yaml(load_programme(text)) == text


def test_dump_yaml_writes_quoted_times_and_plain_unicode():
    programme = load_programme_file(REAL_SCHEDULE)

    text = dump_yaml(programme)

    assert '  daily_start: "13:00"\n' in text
    assert '    start: "13:00"\n' in text
    assert "La economía social en la ley" in text


def test_dump_yaml_writes_small_programme_readably():
    programme = small_programme(qa_moderated=True, capacity=40)

    text = dump_yaml(programme)

    assert text == (
        "conference:\n"
        "  title: Test conference\n"
        "  timezone: Europe/Paris\n"
        "  start_date: 2021-09-13\n"
        "  end_date: 2021-09-14\n"
        '  daily_start: "13:00"\n'
        '  daily_end: "16:00"\n'
        "themes:\n"
        "  - {slug: legal, name: Legal frameworks}\n"
        "stages:\n"
        "  - {key: main, name: Main stage}\n"
        "  - {key: side, name: Room B}\n"
        "speakers:\n"
        "  - key: ada\n"
        "    name: Ada\n"
        "    country: 'NO'\n"
        "sessions:\n"
        "  - key: opening\n"
        "    title: Opening\n"
        "    kind: plenary\n"
        "    date: 2021-09-13\n"
        '    start: "13:00"\n'
        '    end: "13:45"\n'
        "    stage: main\n"
        "    themes: [legal]\n"
        "    speakers: [ada]\n"
        "    description: |-\n"
        "      First paragraph.\n"
        "\n"
        "      Second paragraph.\n"
        "    capacity: 40\n"
        "    qa_moderated: true\n"
    )


def test_dump_yaml_writes_utc_times_in_conference_time():
    programme = small_programme(
        start=datetime(2021, 9, 13, 11, 0, tzinfo=UTC), end=datetime(2021, 9, 13, 11, 45, tzinfo=UTC)
    )

    reloaded = load_programme(dump_yaml(programme))

    assert '    start: "13:00"\n' in dump_yaml(programme)
    assert reloaded == programme


def test_dump_yaml_round_trips_roundtable_tables():
    tables = (
        Table(key="t1", topic="Laws: what works?", host="CEPES", seats=12, language="es"),
        Table(key="t2", topic="Impact", host="Le French Impact", seats=8),
    )
    programme = small_programme(
        kind="roundtable", tables=tables, language="fr", stream_url="https://example.org/x"
    )

    reloaded = load_programme(dump_yaml(programme))

    assert reloaded == programme


awkward_text = st.text(min_size=1, max_size=80).filter(str.strip) | st.sampled_from(
    [
        "yes",
        "NO",
        "13:00",
        "null",
        "~",
        "2021-09-13",
        "- item",
        "a: b",
        "#hash",
        "'quoted'",
        '"double"',
        "@at",
        "%",
    ]
)


@settings(max_examples=150, deadline=None, database=None)
@given(title=awkward_text, description=st.text(max_size=200), name=awkward_text)
def test_dump_yaml_round_trips_any_text(title, description, name):
    programme = dataclasses.replace(
        small_programme(title=title, description=description),
        speakers=(Speaker(key="ada", name=name, bio=description),),
    )

    text = dump_yaml(programme)

    assert load_programme(text) == programme
    assert dump_yaml(load_programme(text)) == text


# --- frab schedule XML -----------------------------------------------------------------------------


def test_frab_xml_has_conference_days_rooms_and_events():
    programme = load_programme_file(REAL_SCHEDULE)

    root = ET.fromstring(to_frab_xml(programme))

    assert [root.findtext(f"conference/{tag}") for tag in ("title", "acronym", "start", "end", "days")] == [
        "The Social and Solidarity Economy: From the Margins to the Mainstream",
        "sse-2021",
        "2021-09-13",
        "2021-09-16",
        "4",
    ]
    assert root.findtext("conference/time_zone_name") == "Europe/Paris"
    assert [(day.get("index"), day.get("date"), day.get("start")) for day in root.iter("day")] == [
        ("1", "2021-09-13", "2021-09-13T13:00:00+02:00"),
        ("2", "2021-09-14", "2021-09-14T13:00:00+02:00"),
        ("3", "2021-09-15", "2021-09-15T13:00:00+02:00"),
        ("4", "2021-09-16", "2021-09-16T13:00:00+02:00"),
    ]
    assert {tuple(room.get("name") for room in day.findall("room")) for day in root.iter("day")} == {
        ("Main stage", "Room B", "Networking lounge")
    }
    assert len(list(root.iter("event"))) == len(programme.sessions) == 36


def test_frab_xml_describes_the_opening_plenary():
    programme = load_programme_file(REAL_SCHEDULE)
    ids = {"opening-plenary": 42}

    root = ET.fromstring(to_frab_xml(programme, base_url="https://conf.example.org/", ids=ids))

    event = root.find("day[@index='1']/room[@name='Main stage']/event")
    fields = {child.tag: child.text for child in event if child.tag not in ("persons", "links", "abstract")}
    assert (event.get("id"), event.get("guid")) == (
        "42",
        str(uuid.uuid5(SESSION_GUID_NAMESPACE, "opening-plenary")),
    )
    assert fields == {
        "date": "2021-09-13T13:00:00+02:00",
        "start": "13:00",
        "duration": "00:45",
        "room": "Main stage",
        "slug": "sse-2021-42-opening-plenary",
        "url": "https://conf.example.org/sessions/42",
        "title": "Opening plenary: the Social and Solidarity Economy, from the margins to the mainstream",
        "subtitle": None,
        "track": "SSE ecosystems",
        "type": "plenary",
        "language": "en",
        "description": None,
    }
    assert [(person.get("id"), person.text) for person in event.iter("person")] == [
        ("1", "OECD Secretary-General's representative"),
        ("5", "European Commission, Service for Foreign Policy Instruments"),
        ("2", "Director, OECD Centre for Entrepreneurship, SMEs, Regions and Cities"),
    ]


def test_frab_xml_numbers_events_by_position_without_ids():
    programme = load_programme_file(REAL_SCHEDULE)

    root = ET.fromstring(to_frab_xml(programme))

    ids = sorted(int(event.get("id")) for event in root.iter("event"))
    assert ids == list(range(1, 37))


def test_frab_xml_keeps_markup_as_text_and_drops_control_characters():
    programme = small_programme(
        title="<script>alert('x')</script> & co\x00\x1b", description="a < b\n\nc > d"
    )

    root = ET.fromstring(to_frab_xml(programme))

    event = root.find(".//event")
    assert [event.findtext(tag) for tag in ("title", "abstract", "description")] == [
        "<script>alert('x')</script> & co",
        "a < b",
        "c > d",
    ]


@settings(max_examples=100, deadline=None, database=None)
@given(title=st.text(min_size=1, max_size=80), description=st.text(max_size=200))
def test_frab_xml_parses_back_whatever_the_text(title, description):
    programme = small_programme(title=title, description=description)

    event = ET.fromstring(to_frab_xml(programme)).find(".//event")

    assert event.findtext("title") == xml_printable(title)
    assert (event.findtext("abstract"), event.findtext("description")) == xml_printable(
        description
    ).partition("\n\n")[::2]


def test_frab_xml_is_identical_for_equal_programmes():
    programme = load_programme_file(REAL_SCHEDULE)

    first, second = to_frab_xml(programme), to_frab_xml(load_programme(dump_yaml(programme)))

    assert first == second


# --- iCalendar -------------------------------------------------------------------------------------


def test_ical_has_one_event_per_session_except_breaks_in_utc():
    programme = load_programme_file(REAL_SCHEDULE)

    calendar = icalendar.Calendar.from_ical(to_ical(programme, stamp=STAMP))

    events = calendar.walk("VEVENT")
    assert (str(calendar["VERSION"]), str(calendar["PRODID"])) == ("2.0", "-//conference//programme//EN")
    assert len(events) == len([s for s in programme.sessions if s.kind != "break"]) == 28
    assert [event.decoded("DTSTART") for event in events[:2]] == [
        datetime(2021, 9, 13, 11, 0, tzinfo=UTC),
        datetime(2021, 9, 13, 12, 0, tzinfo=UTC),
    ]


def test_ical_describes_the_opening_plenary():
    programme = load_programme_file(REAL_SCHEDULE)

    calendar = icalendar.Calendar.from_ical(
        to_ical(programme, ids={"opening-plenary": 7}, base_url="https://conf.example.org", stamp=STAMP)
    )

    event = calendar.walk("VEVENT")[0]
    assert {
        "uid": str(event["UID"]),
        "summary": str(event["SUMMARY"]),
        "start": event.decoded("DTSTART"),
        "end": event.decoded("DTEND"),
        "location": str(event["LOCATION"]),
        "url": str(event["URL"]),
        "categories": [str(category) for category in event["CATEGORIES"].cats],
        "stamp": event.decoded("DTSTAMP"),
    } == {
        "uid": f"{session_guid('opening-plenary')}@conference",
        "summary": "Opening plenary: the Social and Solidarity Economy, from the margins to the mainstream",
        "start": datetime(2021, 9, 13, 11, 0, tzinfo=UTC),
        "end": datetime(2021, 9, 13, 11, 45, tzinfo=UTC),
        "location": "Main stage",
        "url": "https://conf.example.org/sessions/7",
        "categories": ["plenary"],
        "stamp": STAMP,
    }
    assert str(event["DESCRIPTION"]).endswith(
        "\n\nSpeakers:\n- OECD Secretary-General's representative"
        "\n- European Commission, Service for Foreign Policy Instruments"
        "\n- Director, OECD Centre for Entrepreneurship, SMEs, Regions and Cities"
    )


def test_ical_calendar_holds_arbitrary_agenda_events():
    meeting = IcalEvent(
        uid="meeting-3@conference",
        summary="Meeting with Ada; coffee, maybe",
        start=datetime(2021, 9, 14, 15, 0, tzinfo=PARIS),
        end=datetime(2021, 9, 14, 15, 15, tzinfo=PARIS),
        description="Line one\r\nline two\x07",
    )

    calendar = icalendar.Calendar.from_ical(ical_calendar([meeting], "My\n agenda", stamp=STAMP))

    event = calendar.walk("VEVENT")[0]
    assert str(calendar["X-WR-CALNAME"]) == "My agenda"
    assert (str(event["UID"]), str(event["SUMMARY"]), str(event["DESCRIPTION"])) == (
        "meeting-3@conference",
        "Meeting with Ada; coffee, maybe",
        "Line one\nline two",
    )
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (
        datetime(2021, 9, 14, 13, 0, tzinfo=UTC),
        datetime(2021, 9, 14, 13, 15, tzinfo=UTC),
    )
    assert "URL" not in event


@settings(max_examples=100, deadline=None, database=None)
@given(summary=st.text(min_size=1, max_size=80), description=st.text(max_size=200))
def test_ical_calendar_parses_back_whatever_the_text(summary, description):
    event = IcalEvent(
        uid="x@conference",
        summary=summary,
        start=datetime(2021, 9, 14, 13, 0, tzinfo=UTC),
        end=datetime(2021, 9, 14, 14, 0, tzinfo=UTC),
        description=description,
        location=summary,
    )

    parsed = icalendar.Calendar.from_ical(ical_calendar([event], "Agenda", stamp=STAMP)).walk("VEVENT")[0]

    assert str(parsed["SUMMARY"]) == ical_printable(summary)
    assert str(parsed.get("DESCRIPTION", "")) == ical_printable(description)
    assert str(parsed["LOCATION"]) == ical_printable(summary)


def test_ical_is_identical_for_the_same_stamp():
    programme = load_programme_file(REAL_SCHEDULE)

    first, second = to_ical(programme, stamp=STAMP), to_ical(programme, stamp=STAMP)

    assert first == second
