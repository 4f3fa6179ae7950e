"""Recommendations from an in-memory matchmaking index, kept per process and fed from the database.

The index (`conference.matchmaking.scoring.MatchIndex`) holds every active person's profile. It is
built when the app starts, updated for one person when they register or edit their profile in this
process, and re-read every `REFRESH_SECS` so that changes made through other processes arrive too.
Exclusions (hide, block, met, declined) of the person asking are read from the database on every
request, so they apply at once whichever process recorded them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from conference import people, programme
from conference.db.base import Database, utcnow
from conference.db.models import (
    Bookmark,
    MatchmakingSettings,
    Meeting,
    MeetingMember,
    Session,
    Theme,
    User,
)
from conference.errors import Invalid
from conference.matchmaking.model import MatchProfile
from conference.matchmaking.reasons import Explainer
from conference.matchmaking.scoring import MatchIndex
from conference.matchmaking.settings import MatchSettings, SettingsError

logger = logging.getLogger(__name__)

REFRESH_SECS = 30.0
# Profiles and busy times are read and turned into the index this many rows at a time, with the event
# loop served in between: re-reading 10,000 people at once held chat delivery up for 0.3 s.
CHUNK = 250
# English is the conference's working language: a profile that names no language is taken to speak it
# (otherwise it could be matched with nobody).
DEFAULT_LANGUAGES = ("en",)
# Sessions that do not keep someone from a networking slot or a meeting.
FREE_KINDS = ("networking", "break")


@dataclass(frozen=True)
class Slot:
    """A networking session, as a slot people may be free in."""

    index: int
    session_id: int
    start: datetime
    end: datetime
    label: str


# ---------------------------------------------------------------- settings in the database


async def load_settings(db: AsyncSession) -> tuple[MatchSettings, int]:
    """The stored settings and their version (defaults, version 0, before anyone saved any)."""
    row = await db.get(MatchmakingSettings, 1)
    if row is None:
        return MatchSettings(), 0
    try:
        return MatchSettings.from_dict(row.data), row.version
    except SettingsError:
        logger.exception("stored matchmaking settings are invalid; using the defaults")
        return MatchSettings(), row.version


def parse_settings(data: Any) -> MatchSettings:
    """Organiser JSON to settings; one Invalid naming every bad field (dotted paths)."""
    try:
        return MatchSettings.from_dict(data)
    except SettingsError as exc:
        raise Invalid(f"invalid matchmaking settings ({exc})", exc.fields) from None


async def save_settings(db: AsyncSession, settings: MatchSettings, by: int) -> int:
    row = await db.get(MatchmakingSettings, 1)
    if row is None:
        row = MatchmakingSettings(id=1, version=0)
        db.add(row)
    row.data = settings.to_dict()
    row.version = (row.version or 0) + 1
    row.updated_at = utcnow()
    row.updated_by = by
    await db.flush()
    return row.version


# ---------------------------------------------------------------- profiles and slots from the database


async def networking_slots(db: AsyncSession) -> list[Slot]:
    try:
        conference = await programme.get_conference(db)
    except Exception:  # noqa: BLE001  (no programme yet: no slots)
        return []
    tz = ZoneInfo(conference.timezone)
    rows = await db.scalars(
        select(Session).where(Session.kind == "networking").order_by(Session.start, Session.id)
    )
    slots = []
    for k, session in enumerate(rows.all()):
        local = session.start.astimezone(tz)
        when = f"{local:%a} {local.day} {local:%b} {local:%H:%M} {local.tzname()}"
        slots.append(Slot(k, session.id, session.start, session.end, f"{session.title} ({when})"))
    return slots


async def busy_intervals(
    db: AsyncSession, user_ids: Iterable[int] | None = None
) -> dict[int, list[tuple[datetime, datetime]]]:
    """When each person is taken: bookmarked sessions (other than networking and breaks) and accepted
    1:1 meetings."""
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    ids = None if user_ids is None else list(user_ids)
    sessions = (
        select(Bookmark.user_id, Session.start, Session.end)
        .join(Session, Session.id == Bookmark.session_id)
        .where(Session.kind.not_in(FREE_KINDS))
    )
    meetings = (
        select(MeetingMember.user_id, Meeting.start, Meeting.end)
        .join(Meeting, Meeting.id == MeetingMember.meeting_id)
        .where(and_(Meeting.kind == "meeting", Meeting.status == "accepted"))
    )
    if ids is not None:
        sessions = sessions.where(Bookmark.user_id.in_(ids))
        meetings = meetings.where(MeetingMember.user_id.in_(ids))
    for query in (sessions, meetings):
        async for rows in chunks(db, query):
            for user_id, start, end in rows:
                busy.setdefault(user_id, []).append((start, end))
    return busy


async def chunks(db: AsyncSession, query: Select[Any]) -> AsyncIterator[Sequence[Row[Any]]]:
    """The rows of `query`, CHUNK at a time, letting other tasks run between chunks."""
    result = await db.stream(query.execution_options(yield_per=CHUNK))
    async for rows in result.partitions():
        yield rows
        await asyncio.sleep(0)


# What a match profile is made of (`match_profile` takes a User or a row of these).
PROFILE_COLUMNS = (
    User.id,
    User.name,
    User.org_type,
    User.country,
    User.themes,
    User.offers,
    User.seeks,
    User.languages,
    User.listed,
)


async def read_profiles(db: AsyncSession, slots: list[Slot]) -> dict[int, MatchProfile]:
    """Every active person's match profile, read in chunks, as columns rather than ORM objects."""
    busy = await busy_intervals(db)
    profiles: dict[int, MatchProfile] = {}
    async for rows in chunks(db, select(*PROFILE_COLUMNS).where(User.active.is_(True)).order_by(User.id)):
        for row in rows:
            profiles[row.id] = match_profile(row, free_slots(slots, busy.get(row.id, [])))
    return profiles


def free_slots(slots: list[Slot], busy: list[tuple[datetime, datetime]]) -> frozenset[int]:
    return frozenset(
        slot.index for slot in slots if not any(start < slot.end and end > slot.start for start, end in busy)
    )


def match_profile(user: User | Row[Any], free: frozenset[int] = frozenset()) -> MatchProfile:
    return MatchProfile(
        id=user.id,
        name=user.name,
        org_type=user.org_type,
        country=user.country,
        themes=frozenset(user.themes),
        offers=frozenset(user.offers),
        seeks=frozenset(user.seeks),
        languages=frozenset(user.languages or DEFAULT_LANGUAGES),
        free_slots=free,
        listed=user.listed,
    )


# ---------------------------------------------------------------- the index of one process


class Recommender:
    """This process's matchmaking index and what it was built from."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.settings = MatchSettings()
        self.settings_version = -1
        self.index = MatchIndex(settings=self.settings)
        self.themes: dict[str, str] = {}
        self.slots: list[Slot] = []
        self.profiles: dict[int, MatchProfile] = {}
        self.excluded: set[frozenset[int]] = set()
        self.newest_id = 0  # the highest user id the index has looked at
        self.stale = False  # the programme changed: themes and networking slots must be re-read
        self._lock = asyncio.Lock()

    # -- building ----------------------------------------------------------------------------------

    def mark_stale(self) -> None:
        """The programme changed (themes, networking sessions): reload before the next answer."""
        self.stale = True

    async def load(self) -> None:
        """(Re)reads everything: settings, themes, slots, every active profile, every exclusion."""
        self.stale = False
        async with self._lock, self.database.reader() as db:
            self.settings, self.settings_version = await load_settings(db)
            themes = await db.execute(select(Theme.slug, Theme.name).order_by(Theme.position, Theme.id))
            self.themes = dict(themes.all())
            self.slots = await networking_slots(db)
            self.profiles = await read_profiles(db, self.slots)
            self.excluded = await people.exclusion_pairs(db)
            self.newest_id = await db.scalar(select(func.max(User.id))) or 0
            self._rebuild()

    def _free(self, busy: list[tuple[datetime, datetime]]) -> frozenset[int]:
        return free_slots(self.slots, busy)

    def _rebuild(self) -> None:
        labels = {slot.index: slot.label for slot in self.slots}
        index = MatchIndex(settings=self.settings, themes=self.themes, slot_labels=labels)
        for profile in self.profiles.values():
            index.update(profile)
        index.exclude_all(self.excluded)
        self.index = index

    async def refresh(self) -> None:
        """Picks up what other processes changed: settings, profiles, people gone, exclusions."""
        async with self.database.reader() as db:
            settings, version = await load_settings(db)
            slots = await networking_slots(db)
            fresh = await read_profiles(db, slots)
            excluded = await people.exclusion_pairs(db)
        async with self._lock:
            if version != self.settings_version or [s.label for s in slots] != [s.label for s in self.slots]:
                self.settings, self.settings_version, self.slots = settings, version, slots
                self.profiles = fresh
                self.excluded = excluded
                self._rebuild()
                return
            for user_id in set(self.profiles) - set(fresh):
                self.profiles.pop(user_id)
                self.index.remove(user_id)
            for k, (user_id, profile) in enumerate(fresh.items(), 1):
                if self.profiles.get(user_id) != profile:
                    self.profiles[user_id] = profile
                    self.index.update(profile)
                if k % CHUNK == 0:
                    await asyncio.sleep(0)
            self._apply_exclusions(excluded, None)

    def _apply_exclusions(self, pairs: set[frozenset[int]], user_id: int | None) -> None:
        """Makes the index's exclusions (all, or those of `user_id`) equal to `pairs`."""
        held = self.excluded if user_id is None else {p for p in self.excluded if user_id in p}
        if held - pairs:  # a hide or block was undone: the index can only add exclusions, so rebuild
            self.excluded = (self.excluded - held) | pairs
            self._rebuild()
            return
        for pair in pairs - held:
            a, b = tuple(pair)
            self.excluded.add(pair)
            self.index.exclude(a, b)

    async def refresh_person(self, user_id: int) -> None:
        """Re-reads one person (profile, free slots, exclusions): after a profile edit or registration."""
        async with self.database.reader() as db:
            user = await db.get(User, user_id)
            busy = await busy_intervals(db, [user_id])
            pairs = await people.exclusion_pairs(db, user_id)
        async with self._lock:
            if user is None or not user.active:
                if self.profiles.pop(user_id, None) is not None:
                    self.index.remove(user_id)
                return
            profile = match_profile(user, self._free(busy.get(user_id, [])))
            if self.profiles.get(user_id) != profile or user_id not in self.index:
                self.profiles[user_id] = profile
                self.index.update(profile)
            self._apply_exclusions(pairs, user_id)

    async def set_settings(self, settings: MatchSettings, version: int) -> None:
        async with self._lock:
            self.settings, self.settings_version = settings, version
            self._rebuild()

    async def ensure(self, user_ids: Iterable[int]) -> None:
        """Makes sure these people are in the index with their current exclusions (speed networking)."""
        if self.stale:
            await self.load()
        for user_id in user_ids:
            if user_id not in self.index:
                await self.refresh_person(user_id)
        async with self.database.reader() as db:
            excluded = await people.exclusion_pairs(db)
        async with self._lock:
            self._apply_exclusions(excluded, None)

    # -- answers -----------------------------------------------------------------------------------

    async def add_newcomers(self) -> None:
        """Adds people who registered since the index last looked (in any process): one cheap query."""
        async with self.database.reader() as db:
            newest = await db.scalar(select(func.max(User.id)))
            if newest is None or newest <= self.newest_id:
                return
            users = (
                await db.scalars(select(User).where(User.id > self.newest_id, User.active.is_(True)))
            ).all()
            busy = await busy_intervals(db, [u.id for u in users])
        async with self._lock:
            for user in users:
                profile = match_profile(user, self._free(busy.get(user.id, [])))
                self.profiles[user.id] = profile
                self.index.update(profile)
            self.newest_id = max(self.newest_id, newest)

    async def recommend(self, viewer_id: int, limit: int) -> list[dict[str, Any]]:
        """`GET /me/recommendations`: `[{user, score, reasons}]`, best first."""
        if self.stale:
            await self.load()
        await self.add_newcomers()
        await self.refresh_person(viewer_id)
        if viewer_id not in self.index:
            return []
        found = self.index.top(viewer_id, limit)
        if not found:
            return []
        async with self.database.reader() as db:
            rows = await db.scalars(
                select(User).where(
                    User.id.in_([r.user_id for r in found]), User.active.is_(True), User.listed.is_(True)
                )
            )
            users = {u.id: u for u in rows.all()}
        return [
            {
                "user": people.public_profile(users[r.user_id]),
                "score": min(1.0, max(0.0, float(r.score))),
                "reasons": r.reasons,
            }
            for r in found
            if r.user_id in users
        ]

    def score_matrix(self, user_ids: list[int]) -> Any:
        return self.index.score_matrix(user_ids)

    def reasons(self, viewer_id: int, other_id: int) -> list[str]:
        """Why two people suit each other, in the index's own words (speed-networking rounds)."""
        viewer, other = self.profiles.get(viewer_id), self.profiles.get(other_id)
        if viewer is None or other is None:
            return []
        return Explainer(self.settings, self.themes).reasons(viewer, other)

    async def run_refresher(self, every: float = REFRESH_SECS) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.refresh()
            except Exception:  # a database hiccup must not stop refreshing for good
                logger.exception("refreshing the matchmaking index failed")
