"""Read schedule.yaml into a Programme, reporting every problem at once with its line."""

import os
from datetime import date, datetime
from pathlib import Path

from yaml.nodes import Node

from conference.schedule.checks import Draft, conflicts
from conference.schedule.model import (
    DEFAULT_LANGUAGE,
    SESSION_KINDS,
    Conference,
    Programme,
    Session,
    Speaker,
    Stage,
    Table,
    Theme,
)
from conference.schedule.nodes import (
    MAX_DESCRIPTION_CHARS,
    Fields,
    NodeReader,
    Problem,
    compose,
    line_of,
)

__all__ = ["Problem", "ScheduleError", "check_programme", "load_programme", "load_programme_file"]

MAX_CAPACITY = 100_000
MAX_SEATS = 1_000

_SECTIONS = {"conference": True, "themes": False, "stages": True, "speakers": False, "sessions": True}
_CONFERENCE_FIELDS = {
    "title": True,
    "subtitle": False,
    "acronym": False,
    "organiser": False,
    "timezone": True,
    "start_date": True,
    "end_date": True,
    "daily_start": True,
    "daily_end": True,
    "description": False,
}
_THEME_FIELDS = {"slug": True, "name": True}
_STAGE_FIELDS = {"key": True, "name": True}
_SPEAKER_FIELDS = {
    "key": True,
    "name": True,
    "job_title": False,
    "organisation": False,
    "country": False,
    "bio": False,
}
_SESSION_FIELDS = {
    "key": True,
    "title": True,
    "kind": True,
    "date": True,
    "start": True,
    "end": True,
    "stage": True,
    "themes": False,
    "speakers": False,
    "description": False,
    "stream_url": False,
    "capacity": False,
    "qa_moderated": False,
    "language": False,
    "interpretation_url": False,
    "tables": False,
}
_TABLE_FIELDS = {"key": True, "topic": True, "host": True, "seats": True, "language": False}


class ScheduleError(Exception):
    """A programme that does not parse or does not validate; `problems` holds every reason."""

    def __init__(self, problems: list[Problem], source: str = "schedule.yaml") -> None:
        self.problems = problems
        self.source = source
        super().__init__(problems)

    def __str__(self) -> str:
        count = f"{len(self.problems)} problem" + ("" if len(self.problems) == 1 else "s")
        return "\n".join([f"{self.source}: {count}", *(str(problem) for problem in self.problems)])


def load_programme(text: str, source: str = "schedule.yaml") -> Programme:
    """Parse and validate a programme; raise ScheduleError listing every problem found."""
    programme, problems = _read(text)
    if problems or programme is None:
        raise ScheduleError(problems, source)
    return programme


def check_programme(text: str) -> list[Problem]:
    """Every problem in a programme, sorted by line; empty when it is valid."""
    return _read(text)[1]


def load_programme_file(path: str | os.PathLike[str]) -> Programme:
    """Read, parse and validate a programme file; raise ScheduleError if it cannot be used."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ScheduleError([Problem(0, "", f"there is no file {source}")], source) from None
    except OSError as exc:
        raise ScheduleError([Problem(0, "", f"cannot read {source}: {exc.strerror}")], source) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded)"
        raise ScheduleError([Problem(line, "", message)], source) from None
    return load_programme(text, source)


def _read(text: str) -> tuple[Programme | None, list[Problem]]:
    root, problems = compose(text)
    if root is None:
        return None, problems
    reader = _ProgrammeReader()
    programme = reader.programme(root)
    problems = sorted(reader.problems, key=lambda problem: problem.line)
    return (programme if not problems else None), problems


class _ProgrammeReader(NodeReader):
    """Builds the Programme section by section; checks across sessions run once all are read."""

    def __init__(self) -> None:
        super().__init__()
        self.conference: Conference | None = None
        self.days: tuple[date, date] | None = None
        self.theme_lines: dict[str, int] = {}
        self.stage_lines: dict[str, int] = {}
        self.stage_names: dict[str, str] = {}
        self.speaker_lines: dict[str, int] = {}
        self.session_lines: dict[str, int] = {}
        self.table_lines: dict[str, int] = {}

    def programme(self, root: Node) -> Programme | None:
        top = self.fields(root, "", _SECTIONS, what="the sections conference, stages and sessions")
        if top is None:
            return None
        self.conference = self.conference_section(top)
        themes = [self.theme(path, item) for path, item in self.items(top, "themes")]
        stages = [self.stage(path, item) for path, item in self.items(top, "stages")]
        speakers = [self.speaker(path, item) for path, item in self.items(top, "speakers")]
        drafts = [self.session(path, item) for path, item in self.items(top, "sessions")]
        self.problems.extend(conflicts([draft for draft in drafts if draft is not None], self.stage_names))
        if self.problems or self.conference is None:
            return None
        return Programme(
            conference=self.conference,
            themes=tuple(theme for theme in themes if theme is not None),
            stages=tuple(stage for stage in stages if stage is not None),
            speakers=tuple(speaker for speaker in speakers if speaker is not None),
            sessions=tuple(
                draft.session for draft in drafts if draft is not None and draft.session is not None
            ),
        )

    def conference_section(self, top: Fields) -> Conference | None:
        fields = self.fields(top.get("conference"), "conference", _CONFERENCE_FIELDS)
        if fields is None:
            return None
        title = self.text(fields, "title", required=True)
        subtitle = self.text(fields, "subtitle")
        acronym = self.key(fields, "acronym", required=False)
        organiser = self.text(fields, "organiser")
        timezone = self.timezone(fields, "timezone")
        start_date = self.day(fields, "start_date")
        end_date = self.day(fields, "end_date")
        daily_start = self.clock(fields, "daily_start")
        daily_end = self.clock(fields, "daily_end")
        description = self.text(fields, "description", max_chars=MAX_DESCRIPTION_CHARS)
        if start_date is not None and end_date is not None and end_date < start_date:
            message = f"{end_date} is before start_date {start_date}"
            self.report(fields.node_of("end_date"), fields.at("end_date"), message)
            return None
        if start_date is not None and end_date is not None:
            # Kept apart from the Conference so that sessions are checked against the days even when,
            # say, the time zone is misspelt.
            self.days = (start_date, end_date)
        if daily_start is not None and daily_end is not None and daily_end <= daily_start:
            message = f'"{daily_end:%H:%M}" is not after daily_start "{daily_start:%H:%M}"'
            self.report(fields.node_of("daily_end"), fields.at("daily_end"), message)
        if title is None or timezone is None or start_date is None or end_date is None:
            return None
        if daily_start is None or daily_end is None:
            return None
        return Conference(
            title=title,
            subtitle=subtitle or "",
            organiser=organiser or "",
            timezone=timezone,
            start_date=start_date,
            end_date=end_date,
            daily_start=daily_start,
            daily_end=daily_end,
            description=description or "",
            acronym=acronym or "",
        )

    def theme(self, path: str, node: Node) -> Theme | None:
        fields = self.fields(node, path, _THEME_FIELDS)
        if fields is None:
            return None
        slug = self.unique_key(fields, "slug", self.theme_lines, "theme")
        name = self.text(fields, "name", required=True)
        return Theme(slug=slug, name=name) if slug is not None and name is not None else None

    def stage(self, path: str, node: Node) -> Stage | None:
        fields = self.fields(node, path, _STAGE_FIELDS)
        if fields is None:
            return None
        key = self.unique_key(fields, "key", self.stage_lines, "stage")
        name = self.text(fields, "name", required=True)
        if key is None or name is None:
            return None
        self.stage_names.setdefault(key, name)
        return Stage(key=key, name=name)

    def speaker(self, path: str, node: Node) -> Speaker | None:
        fields = self.fields(node, path, _SPEAKER_FIELDS)
        if fields is None:
            return None
        key = self.unique_key(fields, "key", self.speaker_lines, "speaker")
        name = self.text(fields, "name", required=True)
        job_title = self.text(fields, "job_title")
        organisation = self.text(fields, "organisation")
        country = self.country(fields, "country")
        bio = self.text(fields, "bio", max_chars=MAX_DESCRIPTION_CHARS)
        if key is None or name is None:
            return None
        return Speaker(
            key=key,
            name=name,
            job_title=job_title or "",
            organisation=organisation or "",
            country=country,
            bio=bio or "",
        )

    def session(self, path: str, node: Node) -> Draft | None:
        fields = self.fields(node, path, _SESSION_FIELDS)
        if fields is None:
            return None
        key = self.unique_key(fields, "key", self.session_lines, "session")
        title = self.text(fields, "title", required=True)
        kind = self.choice(fields, "kind", SESSION_KINDS)
        day = self.session_day(fields)
        start = self.clock(fields, "start")
        end = self.clock(fields, "end")
        if start is not None and end is not None and end <= start:
            message = f'"{end:%H:%M}" is not after start "{start:%H:%M}"'
            self.report(fields.node_of("end"), fields.at("end"), message)
        stage = self.reference(fields.get("stage"), fields.at("stage"), self.stage_names, "stage")
        themes = self.references(fields, "themes", self.theme_lines, "theme")
        speakers = self.references(fields, "speakers", self.speaker_lines, "speaker")
        description = self.text(fields, "description", max_chars=MAX_DESCRIPTION_CHARS)
        stream_url = self.url(fields, "stream_url")
        capacity = self.integer(fields, "capacity", 1, MAX_CAPACITY)
        qa_moderated = self.boolean(fields, "qa_moderated")
        language = self.language(fields, "language") or DEFAULT_LANGUAGE
        interpretation_url = self.url(fields, "interpretation_url")
        tables = [self.table(table_path, item, language) for table_path, item in self.items(fields, "tables")]
        if tables and kind is not None and kind != "roundtable":
            message = f'only roundtable sessions have tables, and this one is a "{kind}"'
            self.report(fields.node_of("tables"), fields.at("tables"), message)
        draft = Draft(
            path=path,
            line=line_of(node),
            label=key or path,
            day=day,
            start=start,
            end=end,
            stage=stage,
            speakers=[(speaker, line_of(item)) for speaker, item in speakers],
        )
        conference = self.conference
        if key is None or title is None or kind is None or day is None or start is None or end is None:
            return draft
        if stage is None or conference is None:
            return draft
        zone = conference.tzinfo
        draft.session = Session(
            key=key,
            title=title,
            kind=kind,
            start=datetime.combine(day, start, tzinfo=zone),
            end=datetime.combine(day, end, tzinfo=zone),
            stage=stage,
            themes=tuple(theme for theme, _ in themes),
            speakers=tuple(speaker for speaker, _ in speakers),
            description=description or "",
            stream_url=stream_url,
            capacity=capacity,
            qa_moderated=bool(qa_moderated),
            language=language,
            interpretation_url=interpretation_url,
            tables=tuple(table for table in tables if table is not None),
        )
        return draft

    def session_day(self, fields: Fields) -> date | None:
        day = self.day(fields, "date")
        if day is None or self.days is None or self.days[0] <= day <= self.days[1]:
            return day
        message = f"{day} is outside the conference days ({self.days[0]} to {self.days[1]})"
        self.report(fields.node_of("date"), fields.at("date"), message)
        return day

    def table(self, path: str, node: Node, session_language: str) -> Table | None:
        fields = self.fields(node, path, _TABLE_FIELDS)
        if fields is None:
            return None
        key = self.unique_key(fields, "key", self.table_lines, "table")
        topic = self.text(fields, "topic", required=True)
        host = self.text(fields, "host", required=True)
        seats = self.integer(fields, "seats", 1, MAX_SEATS, required=True)
        language = self.language(fields, "language") or session_language
        if key is None or topic is None or host is None or seats is None:
            return None
        return Table(key=key, topic=topic, host=host, seats=seats, language=language)
