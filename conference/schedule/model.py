"""The programme as frozen values: conference, themes, stages, speakers and sessions."""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

SESSION_KINDS: tuple[str, ...] = (
    "plenary",
    "panel",
    "session",
    "breakout",
    "roundtable",
    "networking",
    "break",
)
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True, kw_only=True)
class Conference:
    title: str
    subtitle: str = ""
    organiser: str = ""
    timezone: str
    start_date: date
    end_date: date
    daily_start: time
    daily_end: time
    description: str = ""
    acronym: str = ""

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(
            date.fromordinal(n) for n in range(self.start_date.toordinal(), self.end_date.toordinal() + 1)
        )


@dataclass(frozen=True, kw_only=True)
class Theme:
    slug: str
    name: str


@dataclass(frozen=True, kw_only=True)
class Stage:
    key: str
    name: str


@dataclass(frozen=True, kw_only=True)
class Speaker:
    key: str
    name: str
    job_title: str = ""
    organisation: str = ""
    country: str | None = None
    bio: str = ""


@dataclass(frozen=True, kw_only=True)
class Table:
    key: str
    topic: str
    host: str
    seats: int
    language: str = DEFAULT_LANGUAGE


@dataclass(frozen=True, kw_only=True)
class Session:
    key: str
    title: str
    kind: str
    start: datetime
    end: datetime
    stage: str
    themes: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    description: str = ""
    stream_url: str | None = None
    capacity: int | None = None
    qa_moderated: bool = False
    language: str = DEFAULT_LANGUAGE
    interpretation_url: str | None = None
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Programme:
    conference: Conference
    themes: tuple[Theme, ...] = ()
    stages: tuple[Stage, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    sessions: tuple[Session, ...] = ()

    def stage_names(self) -> dict[str, str]:
        return {stage.key: stage.name for stage in self.stages}

    def speakers_by_key(self) -> dict[str, Speaker]:
        return {speaker.key: speaker for speaker in self.speakers}

    def theme_names(self) -> dict[str, str]:
        return {theme.slug: theme.name for theme in self.themes}
