"""Checks across sessions: two sessions at once on one stage, or one speaker in two places."""

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from conference.schedule.model import Session
from conference.schedule.nodes import Problem


@dataclass
class Draft:
    """What was read of one session, enough to check it against the others even when it has problems."""

    path: str
    line: int
    label: str
    day: date | None
    start: time | None
    end: time | None
    stage: str | None
    speakers: list[tuple[str, int]] = field(default_factory=list)
    session: Session | None = None

    @property
    def timed(self) -> bool:
        return None not in (self.day, self.start, self.end) and self.start < self.end

    @property
    def begins(self) -> datetime:
        return datetime.combine(self.day, self.start)

    @property
    def ends(self) -> datetime:
        return datetime.combine(self.day, self.end)

    @property
    def span(self) -> str:
        return f"{self.day} {self.start:%H:%M}–{self.end:%H:%M}, line {self.line}"


def conflicts(drafts: list[Draft], stage_names: Mapping[str, str]) -> list[Problem]:
    """A problem, on the later session in the file, for each overlap on a stage or for a speaker."""
    timed = [draft for draft in drafts if draft.timed]
    problems = []
    by_stage = defaultdict(list)
    for draft in timed:
        if draft.stage is not None:
            by_stage[draft.stage].append(draft)
    for stage, sessions in by_stage.items():
        for first, second in _overlapping(sessions):
            message = (
                f'"{second.label}" overlaps "{first.label}" ({first.span}) on stage "{stage_names[stage]}"'
            )
            problems.append(Problem(second.line, second.path, message))
    by_speaker = defaultdict(list)
    lines = {}
    for draft in timed:
        for speaker, line in draft.speakers:
            by_speaker[speaker].append(draft)
            lines[id(draft), speaker] = line
    for speaker, sessions in by_speaker.items():
        for first, second in _overlapping(sessions):
            message = f'speaker "{speaker}" is also in "{first.label}" ({first.span}) at the same time'
            problems.append(Problem(lines[id(second), speaker], f"{second.path}.speakers", message))
    return problems


def _overlapping(drafts: list[Draft]) -> Iterator[tuple[Draft, Draft]]:
    """Each overlapping pair once, ordered by their place in the file."""
    active: list[Draft] = []
    for draft in sorted(drafts, key=lambda draft: draft.begins):
        active = [other for other in active if other.ends > draft.begins]
        for other in active:
            yield (other, draft) if other.line <= draft.line else (draft, other)
        active.append(draft)
