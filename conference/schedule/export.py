"""Write a Programme out as schedule.yaml, frab schedule XML or iCalendar."""

import hashlib
import math
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import icalendar
import yaml

from conference.schedule.model import Programme, Session

# Fixed forever: guids and UIDs derived from it must not change between exports or releases.
SESSION_GUID_NAMESPACE = uuid.UUID("0f6b4f8e-52b5-5d0c-9a3e-6c1f0c2d7a11")
PRODID = "-//conference//programme//EN"
YAML_WIDTH_CHARS = 100

# XML 1.0 forbids most control characters even as references, and calendar clients reject them
# too, so exports drop them.
_NOT_ICAL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def session_guid(key: str) -> uuid.UUID:
    """The stable identifier of a session across exports: the same key always gives the same guid."""
    return uuid.uuid5(SESSION_GUID_NAMESPACE, key)


# --- schedule.yaml ---------------------------------------------------------------------------------


# YAML reads these as line breaks, and PyYAML writes them unescaped outside double quotes, so a
# string holding one would not read back the same.
_YAML_ONLY_BREAKS = "\x85\u2028\u2029"


class _Quoted(str):
    """A value written in double quotes, as times are, so that YAML 1.1 readers keep them text."""


class _FlowMapping(dict):
    """A short mapping written on one line: `- {slug: x, name: X}`."""


class _FlowList(list):
    """A short list written on one line: `[a, b]`."""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        # Anchors and aliases would make the file hard to read and edit for organisers.
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as organisers write them by hand.
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if any(char in value for char in _YAML_ONLY_BREAKS):
        style = '"'
    elif "\n" in value:
        style = "|"
    else:
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(
    _Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')
)
_Dumper.add_representer(
    _FlowMapping, lambda dumper, value: dumper.represent_mapping("tag:yaml.org,2002:map", value, True)
)
_Dumper.add_representer(
    _FlowList, lambda dumper, value: dumper.represent_sequence("tag:yaml.org,2002:seq", value, True)
)


def dump_yaml(programme: Programme) -> str:
    """The programme in the schedule.yaml format; load_programme reads it back to an equal Programme."""
    conference = programme.conference
    data = {
        "conference": _without_empty(
            {
                "title": conference.title,
                "subtitle": conference.subtitle,
                "acronym": conference.acronym,
                "organiser": conference.organiser,
                "timezone": conference.timezone,
                "start_date": conference.start_date,
                "end_date": conference.end_date,
                "daily_start": _clock(conference.daily_start),
                "daily_end": _clock(conference.daily_end),
                "description": conference.description,
            }
        ),
        "themes": [_FlowMapping(slug=theme.slug, name=theme.name) for theme in programme.themes],
        "stages": [_FlowMapping(key=stage.key, name=stage.name) for stage in programme.stages],
        "speakers": [
            _without_empty(
                {
                    "key": speaker.key,
                    "name": speaker.name,
                    "job_title": speaker.job_title,
                    "organisation": speaker.organisation,
                    "country": speaker.country,
                    "bio": speaker.bio,
                }
            )
            for speaker in programme.speakers
        ],
        "sessions": [_session_yaml(session, programme) for session in programme.sessions],
    }
    # stages and sessions stay even when empty: the loader requires them.
    data = {name: value for name, value in data.items() if value or name in ("stages", "sessions")}
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=YAML_WIDTH_CHARS,
    )


def _session_yaml(session: Session, programme: Programme) -> dict[str, Any]:
    zone = programme.conference.tzinfo
    start, end = session.start.astimezone(zone), session.end.astimezone(zone)
    tables = [
        _without_empty(
            {
                "key": table.key,
                "topic": table.topic,
                "host": table.host,
                "seats": table.seats,
                "language": table.language if table.language != session.language else None,
            }
        )
        for table in session.tables
    ]
    return _without_empty(
        {
            "key": session.key,
            "title": session.title,
            "kind": session.kind,
            "date": start.date(),
            "start": _clock(start.time()),
            "end": _clock(end.time()),
            "stage": session.stage,
            "themes": _FlowList(session.themes),
            "speakers": _FlowList(session.speakers),
            "description": session.description,
            "stream_url": session.stream_url,
            "capacity": session.capacity,
            "qa_moderated": session.qa_moderated or None,
            "language": session.language if session.language != "en" else None,
            "interpretation_url": session.interpretation_url,
            "tables": tables,
        }
    )


def _clock(moment: time) -> _Quoted:
    return _Quoted(f"{moment:%H:%M}")


def _without_empty(fields: dict[str, Any]) -> dict[str, Any]:
    """Leave out what the loader defaults anyway, so that the file shows only what was chosen."""
    return {name: value for name, value in fields.items() if value not in (None, "", [], ())}


# --- frab schedule XML -----------------------------------------------------------------------------


def to_frab_xml(
    programme: Programme,
    base_url: str = "",
    ids: Mapping[str, int] | None = None,
    speaker_ids: Mapping[str, int] | None = None,
) -> str:
    """The programme in the frab schedule XML that conference apps read.

    ids maps session keys, and speaker_ids speaker keys, to database ids; a key missing from them
    gets its 1-based position in the programme.
    """
    conference = programme.conference
    zone = conference.tzinfo
    base_url = base_url.rstrip("/")
    stage_names = programme.stage_names()
    speakers = programme.speakers_by_key()
    theme_names = programme.theme_names()
    session_ids = _ids(programme.sessions, ids)
    person_ids = _ids(programme.speakers, speaker_ids)

    root = ET.Element("schedule")
    _sub(root, "version", _version(programme))
    head = ET.SubElement(root, "conference")
    acronym = conference.acronym or _acronym(conference.title)
    _sub(head, "acronym", acronym)
    _sub(head, "title", conference.title)
    _sub(head, "subtitle", conference.subtitle)
    _sub(head, "start", conference.start_date.isoformat())
    _sub(head, "end", conference.end_date.isoformat())
    _sub(head, "days", str(len(conference.days)))
    _sub(head, "timeslot_duration", _duration(timedelta(minutes=_timeslot_minutes(programme))))
    _sub(head, "time_zone_name", conference.timezone)
    if base_url:
        _sub(head, "base_url", base_url + "/")

    for index, day in enumerate(conference.days, start=1):
        sessions = sorted(
            (session for session in programme.sessions if session.start.astimezone(zone).date() == day),
            key=lambda session: session.start,
        )
        opens = datetime.combine(day, conference.daily_start, tzinfo=zone)
        closes = datetime.combine(day, conference.daily_end, tzinfo=zone)
        day_element = ET.SubElement(
            root,
            "day",
            index=str(index),
            date=day.isoformat(),
            start=min([opens, *(s.start for s in sessions)]).astimezone(zone).isoformat(),
            end=max([closes, *(s.end for s in sessions)]).astimezone(zone).isoformat(),
        )
        for stage in programme.stages:
            room = ET.SubElement(day_element, "room", name=_xml_text(stage.name))
            for session in (session for session in sessions if session.stage == stage.key):
                session_id = session_ids[session.key]
                start = session.start.astimezone(zone)
                event = ET.SubElement(room, "event", guid=str(session_guid(session.key)), id=str(session_id))
                _sub(event, "date", start.isoformat())
                _sub(event, "start", f"{start:%H:%M}")
                _sub(event, "duration", _duration(session.end - session.start))
                _sub(event, "room", stage_names.get(session.stage, session.stage))
                _sub(event, "slug", f"{acronym}-{session_id}-{session.key}")
                if base_url:
                    _sub(event, "url", f"{base_url}/sessions/{session_id}")
                _sub(event, "title", session.title)
                _sub(event, "subtitle", "")
                _sub(event, "track", theme_names.get(session.themes[0], "") if session.themes else "")
                _sub(event, "type", session.kind)
                _sub(event, "language", session.language)
                # Apps show the abstract and then the description, so the text is split between them.
                abstract, _, rest = _xml_text(session.description).partition("\n\n")
                _sub(event, "abstract", abstract)
                _sub(event, "description", rest)
                persons = ET.SubElement(event, "persons")
                for key in session.speakers:
                    speaker = speakers.get(key)
                    person = ET.SubElement(persons, "person", id=str(person_ids.get(key, 0)))
                    person.text = _xml_text(speaker.name if speaker else key)
                links = ET.SubElement(event, "links")
                for href, label in (
                    (session.stream_url, "Live stream"),
                    (session.interpretation_url, "Interpretation"),
                ):
                    if href:
                        _sub(links, "link", label).set("href", _xml_text(href))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _sub(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _xml_text(text)
    return element


def _xml_text(text: str) -> str:
    # A parser turns a carriage return into a line feed anyway; doing it here keeps output and reading equal.
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _ids(items: Sequence[Any], given: Mapping[str, int] | None) -> dict[str, int]:
    given = given or {}
    return {item.key: given.get(item.key, position) for position, item in enumerate(items, start=1)}


def _version(programme: Programme) -> str:
    # Apps reload a schedule whose version changed, so it follows the content rather than the clock.
    return hashlib.sha256(dump_yaml(programme).encode()).hexdigest()[:12]


def _acronym(title: str) -> str:
    return "".join(word[0] for word in re.findall(r"\w+", title)).lower() or "conference"


def _duration(length: timedelta) -> str:
    minutes = int(length.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _timeslot_minutes(programme: Programme) -> int:
    """The coarsest grid every start and duration falls on, so that apps draw sessions where they are."""
    zone = programme.conference.tzinfo
    if not programme.sessions:
        return 15
    step = 60
    for session in programme.sessions:
        start = session.start.astimezone(zone)
        step = math.gcd(
            step, start.hour * 60 + start.minute, int((session.end - session.start).total_seconds() // 60)
        )
    return step or 60


# --- iCalendar -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class IcalEvent:
    """One entry of a calendar: a session, or a meeting in someone's agenda."""

    uid: str
    summary: str
    start: datetime
    end: datetime
    description: str = ""
    location: str = ""
    url: str | None = None
    categories: tuple[str, ...] = ()


def ical_calendar(events: Sequence[IcalEvent], name: str, stamp: datetime | None = None) -> bytes:
    """A VCALENDAR holding the events, with times in UTC; stamp is the DTSTAMP, now by default."""
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # Calendar apps show the name as a title: one line, and typed as text so that it is escaped.
    calendar.add("x-wr-calname", icalendar.vText(_ical_line(name)))
    for item in events:
        event = icalendar.Event()
        event.add("uid", _ical_line(item.uid))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start.astimezone(UTC))
        event.add("dtend", item.end.astimezone(UTC))
        event.add("summary", _ical_text(item.summary))
        if item.description:
            event.add("description", _ical_text(item.description))
        if item.location:
            event.add("location", _ical_text(item.location))
        if item.url:
            event.add("url", _ical_line(item.url))
        if item.categories:
            event.add("categories", [_ical_text(category) for category in item.categories])
        calendar.add_component(event)
    return calendar.to_ical()


def to_ical(
    programme: Programme,
    ids: Mapping[str, int] | None = None,
    base_url: str = "",
    stamp: datetime | None = None,
) -> bytes:
    """The programme as an iCalendar file, one event per session except breaks."""
    base_url = base_url.rstrip("/")
    session_ids = _ids(programme.sessions, ids)
    stage_names = programme.stage_names()
    speakers = programme.speakers_by_key()
    events = [
        session_event(
            session,
            stage_names.get(session.stage, session.stage),
            [speakers[key].name for key in session.speakers if key in speakers],
            f"{base_url}/sessions/{session_ids[session.key]}" if base_url else None,
        )
        for session in programme.sessions
        if session.kind != "break"
    ]
    return ical_calendar(events, programme.conference.title, stamp)


def session_event(
    session: Session, stage_name: str, speaker_names: Sequence[str], url: str | None
) -> IcalEvent:
    """A session as a calendar event, for the programme and for personal agendas alike."""
    description = session.description
    if speaker_names:
        # One per line: the names are roles and organisations that hold commas of their own.
        speakers = "Speakers:\n" + "\n".join(f"- {name}" for name in speaker_names)
        description = f"{description}\n\n{speakers}" if description else speakers
    return IcalEvent(
        uid=f"{session_guid(session.key)}@conference",
        summary=session.title,
        start=session.start,
        end=session.end,
        description=description,
        location=stage_name,
        url=url,
        categories=(session.kind,),
    )


def _ical_line(text: str) -> str:
    return " ".join(_ical_text(text).split())


def _ical_text(text: str) -> str:
    # Control characters other than line breaks and tabs make some calendar clients reject the file.
    return _NOT_ICAL.sub("", text.replace("\r\n", "\n"))
