"""The programme in the database: import (upsert by key), export, views in a time zone, and live edits."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from conference.db.base import signal
from conference.db.models import (
    Conference,
    RoundTable,
    Session,
    SessionSpeaker,
    SessionTheme,
    Speaker,
    Stage,
    TableSeat,
    Theme,
)
from conference.errors import Conflict, Invalid, NotFound
from conference.schedule import model
from conference.schedule.model import SESSION_KINDS
from conference.validation import Fields, language_codes

SESSION_LOADS = (
    selectinload(Session.stage),
    selectinload(Session.themes).selectinload(SessionTheme.theme),
    selectinload(Session.speakers).selectinload(SessionSpeaker.speaker),
    selectinload(Session.tables),
)


# ---------------------------------------------------------------- reading


async def get_conference(db: AsyncSession) -> Conference:
    conference = await db.scalar(select(Conference).order_by(Conference.id).limit(1))
    if conference is None:
        raise NotFound("no programme has been loaded yet")
    return conference


async def touch(db: AsyncSession) -> None:
    """Record that the programme changed (sessions, tables or seats): caches drop what they hold."""
    await db.execute(update(Conference).values(revision=Conference.revision + 1))
    signal(db, "programme")


async def is_empty(db: AsyncSession) -> bool:
    return await db.scalar(select(func.count()).select_from(Conference)) == 0


async def all_sessions(db: AsyncSession) -> list[Session]:
    result = await db.scalars(select(Session).options(*SESSION_LOADS).order_by(Session.start, Session.id))
    return list(result.all())


async def get_session(db: AsyncSession, session_id: int) -> Session:
    session = await db.scalar(select(Session).options(*SESSION_LOADS).where(Session.id == session_id))
    if session is None:
        raise NotFound(f"no session {session_id}")
    return session


async def seats_taken(db: AsyncSession, table_ids: list[int]) -> dict[int, int]:
    if not table_ids:
        return {}
    rows = await db.execute(
        select(TableSeat.table_id, func.count())
        .where(TableSeat.table_id.in_(table_ids))
        .group_by(TableSeat.table_id)
    )
    return dict(rows.all())


def conference_dict(conference: Conference) -> dict[str, Any]:
    return {
        "title": conference.title,
        "subtitle": conference.subtitle,
        "organiser": conference.organiser,
        "acronym": conference.acronym,
        "timezone": conference.timezone,
        "start_date": conference.start_date.isoformat(),
        "end_date": conference.end_date.isoformat(),
        "daily_start": conference.daily_start,
        "daily_end": conference.daily_end,
        "description": conference.description,
    }


def session_dict(
    session: Session, tz: ZoneInfo, conference_tz: ZoneInfo, taken: dict[int, int]
) -> dict[str, Any]:
    """SPEC's Session shape, times in `tz`, plus the same instants in the conference's own zone."""
    body: dict[str, Any] = {
        "id": session.id,
        "key": session.key,
        "title": session.title,
        "kind": session.kind,
        "start": session.start.astimezone(tz).isoformat(),
        "end": session.end.astimezone(tz).isoformat(),
        "conference_start": session.start.astimezone(conference_tz).isoformat(),
        "conference_end": session.end.astimezone(conference_tz).isoformat(),
        "stage": session.stage.name,
        "stage_key": session.stage.key,
        "themes": [link.theme.slug for link in session.themes],
        "speakers": [
            {
                "id": link.speaker.id,
                "name": link.speaker.name,
                "organisation": link.speaker.organisation,
                "country": link.speaker.country or None,
                "job_title": link.speaker.job_title,
            }
            for link in session.speakers
        ],
        "description": session.description,
        "stream_url": session.stream_url,
        "capacity": session.capacity,
        "qa_moderated": session.qa_moderated,
        "language": session.language,
        "interpretation_url": session.interpretation_url,
        "version": session.version,
    }
    if session.kind == "roundtable" or session.tables:
        body["seating_mode"] = session.seating_mode
        body["tables"] = [
            {
                "id": table.id,
                "topic": table.topic,
                "host": table.host,
                "seats": table.seats,
                "taken": taken.get(table.id, 0),
                "language": table.language,
            }
            for table in session.tables
        ]
    return body


async def programme_view(db: AsyncSession, tz: ZoneInfo | None = None) -> dict[str, Any]:
    """SPEC's `GET /programme` body: sessions grouped by their local date in `tz`."""
    conference = await get_conference(db)
    conference_tz = ZoneInfo(conference.timezone)
    tz = tz or conference_tz
    sessions = await all_sessions(db)
    taken = await seats_taken(db, [t.id for s in sessions for t in s.tables])
    days: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for session in sessions:
        days[session.start.astimezone(tz).date()].append(session_dict(session, tz, conference_tz, taken))
    themes = await db.scalars(select(Theme).order_by(Theme.position, Theme.id))
    stages = await db.scalars(select(Stage).order_by(Stage.position, Stage.id))
    return {
        "conference": conference_dict(conference),
        "timezone": str(tz),
        "themes": [{"slug": t.slug, "name": t.name} for t in themes],
        "stages": [{"key": s.key, "name": s.name} for s in stages],
        "days": [{"date": day.isoformat(), "sessions": days[day]} for day in sorted(days)],
    }


async def session_view(db: AsyncSession, session_id: int, tz: ZoneInfo | None = None) -> dict[str, Any]:
    conference = await get_conference(db)
    session = await get_session(db, session_id)
    taken = await seats_taken(db, [t.id for t in session.tables])
    conference_tz = ZoneInfo(conference.timezone)
    return session_dict(session, tz or conference_tz, conference_tz, taken)


# ---------------------------------------------------------------- file <-> database


async def to_programme(db: AsyncSession) -> model.Programme:
    """The stored programme as the file model (for export and for re-validation)."""
    conference = await get_conference(db)
    tz = ZoneInfo(conference.timezone)
    themes = (await db.scalars(select(Theme).order_by(Theme.position, Theme.id))).all()
    stages = (await db.scalars(select(Stage).order_by(Stage.position, Stage.id))).all()
    speakers = (await db.scalars(select(Speaker).order_by(Speaker.position, Speaker.id))).all()
    sessions = await all_sessions(db)
    return model.Programme(
        conference=model.Conference(
            title=conference.title,
            subtitle=conference.subtitle,
            organiser=conference.organiser,
            acronym=conference.acronym,
            timezone=conference.timezone,
            start_date=conference.start_date,
            end_date=conference.end_date,
            daily_start=time.fromisoformat(conference.daily_start),
            daily_end=time.fromisoformat(conference.daily_end),
            description=conference.description,
        ),
        themes=tuple(model.Theme(slug=t.slug, name=t.name) for t in themes),
        stages=tuple(model.Stage(key=s.key, name=s.name) for s in stages),
        speakers=tuple(
            model.Speaker(
                key=s.key,
                name=s.name,
                job_title=s.job_title,
                organisation=s.organisation,
                country=s.country or None,
                bio=s.bio,
            )
            for s in speakers
        ),
        sessions=tuple(session_item(s, tz) for s in sessions),
    )


def session_item(s: Session, tz: ZoneInfo | None = None) -> model.Session:
    """A stored session as the file model (times in `tz`, UTC by default)."""
    tz = tz or UTC
    return model.Session(
        key=s.key,
        title=s.title,
        kind=s.kind,
        start=s.start.astimezone(tz),
        end=s.end.astimezone(tz),
        stage=s.stage.key,
        themes=tuple(link.theme.slug for link in s.themes),
        speakers=tuple(link.speaker.key for link in s.speakers),
        description=s.description,
        stream_url=s.stream_url,
        capacity=s.capacity,
        qa_moderated=s.qa_moderated,
        language=s.language,
        interpretation_url=s.interpretation_url,
        tables=tuple(
            model.Table(key=t.key, topic=t.topic, host=t.host, seats=t.seats, language=t.language)
            for t in s.tables
        ),
    )


@dataclass
class ProgrammeDiff:
    """What an import would do, by session key."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.unchanged,
        }


async def diff_programme(db: AsyncSession, incoming: model.Programme) -> ProgrammeDiff:
    current = {} if await is_empty(db) else {s.key: s for s in (await to_programme(db)).sessions}
    diff = ProgrammeDiff()
    for session in incoming.sessions:
        if session.key not in current:
            diff.added.append(session.key)
        elif current[session.key] != session:
            diff.changed.append(session.key)
        else:
            diff.unchanged += 1
    keys = {s.key for s in incoming.sessions}
    diff.removed = [key for key in current if key not in keys]
    return diff


async def replace_programme(db: AsyncSession, incoming: model.Programme) -> ProgrammeDiff:
    """Makes the stored programme equal to `incoming`, inside the caller's transaction.

    Rows are matched by key, so a re-import keeps ids (and with them bookmarks, chat and seats) of the
    sessions it keeps, and bumps the version of those it changes.
    """
    diff = await diff_programme(db, incoming)
    c = incoming.conference
    conference = await db.scalar(select(Conference).limit(1)) or Conference()
    conference.title, conference.subtitle, conference.organiser = c.title, c.subtitle, c.organiser
    conference.acronym, conference.timezone, conference.description = c.acronym, c.timezone, c.description
    conference.start_date, conference.end_date = c.start_date, c.end_date
    conference.daily_start, conference.daily_end = (
        c.daily_start.strftime("%H:%M"),
        c.daily_end.strftime("%H:%M"),
    )
    db.add(conference)

    themes = await _upsert(db, Theme, "slug", [(t.slug, {"name": t.name}) for t in incoming.themes])
    stages = await _upsert(db, Stage, "key", [(s.key, {"name": s.name}) for s in incoming.stages])
    speakers = await _upsert(
        db,
        Speaker,
        "key",
        [
            (
                s.key,
                {
                    "name": s.name,
                    "job_title": s.job_title,
                    "organisation": s.organisation,
                    "country": s.country or "",
                    "bio": s.bio,
                },
            )
            for s in incoming.speakers
        ],
    )
    existing = {s.key: s for s in await all_sessions(db)}
    changed = set(diff.changed)
    for item in incoming.sessions:
        row = existing.get(item.key)
        if row is None:
            row = Session(key=item.key, version=1)
            row.themes, row.speakers, row.tables = [], [], []
            db.add(row)
        elif item.key in changed:
            row.version += 1
        else:
            continue
        _apply_item(row, item, stages, themes, speakers)
    for key in diff.removed:
        await db.delete(existing[key])
    await db.flush()
    # Speakers and themes no session uses any more go too (after sessions let go of them).
    await _delete_missing(db, Speaker, "key", {s.key for s in incoming.speakers})
    await _delete_missing(db, Theme, "slug", {t.slug for t in incoming.themes})
    await _delete_missing(db, Stage, "key", {s.key for s in incoming.stages})
    await touch(db)
    return diff


def _apply_item(
    row: Session,
    item: model.Session,
    stages: dict[str, Stage],
    themes: dict[str, Theme],
    speakers: dict[str, Speaker],
) -> None:
    row.title, row.kind, row.description = item.title, item.kind, item.description
    row.start, row.end = item.start.astimezone(UTC), item.end.astimezone(UTC)
    row.stage = stages[item.stage]
    row.stream_url, row.capacity, row.qa_moderated = item.stream_url, item.capacity, item.qa_moderated
    row.language, row.interpretation_url = item.language, item.interpretation_url
    row.themes = [SessionTheme(theme=themes[slug], position=n) for n, slug in enumerate(item.themes)]
    row.speakers = [SessionSpeaker(speaker=speakers[key], position=n) for n, key in enumerate(item.speakers)]
    old_tables = {t.key: t for t in row.tables}
    tables = []
    for n, table in enumerate(item.tables):
        kept = old_tables.get(table.key) or RoundTable(key=table.key)
        kept.topic, kept.host, kept.seats, kept.language, kept.position = (
            table.topic,
            table.host,
            table.seats,
            table.language,
            n,
        )
        tables.append(kept)
    row.tables = tables


async def _upsert(db: AsyncSession, table: type, key_name: str, items: list) -> dict:
    rows = {getattr(r, key_name): r for r in (await db.scalars(select(table))).all()}
    for position, (key, values) in enumerate(items):
        row = rows.get(key)
        if row is None:
            row = rows[key] = table(**{key_name: key})
            db.add(row)
        for name, value in values.items():
            setattr(row, name, value)
        row.position = position
    await db.flush()
    return rows


async def _delete_missing(db: AsyncSession, table: type, key_name: str, keep: set[str]) -> None:
    await db.execute(delete(table).where(getattr(table, key_name).not_in(keep)))


async def export_yaml(db: AsyncSession) -> str:
    from conference.schedule.export import dump_yaml

    return dump_yaml(await to_programme(db))


async def session_ids(db: AsyncSession) -> dict[str, int]:
    return dict((await db.execute(select(Session.key, Session.id))).all())


# ---------------------------------------------------------------- live edits (organisers)

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass
class SessionChange:
    """A validated create or edit; None means "leave as it is" on an edit."""

    values: dict[str, Any]
    themes: list[str] | None
    speakers: list[int | str] | None
    tables: list[dict[str, Any]] | None
    version: int | None

    @classmethod
    def parse(cls, data: Any, *, partial: bool) -> SessionChange:
        fields = Fields(data)
        values: dict[str, Any] = {}

        def wanted(name: str) -> bool:
            return not partial or fields.has(name)

        if wanted("title"):
            values["title"] = fields.text("title", required=True, max_length=200)
        if wanted("kind"):
            values["kind"] = fields.choice("kind", SESSION_KINDS, required=True)
        for name in ("start", "end"):
            if wanted(name):
                values[name] = fields.datetime(name, required=True)
        if wanted("stage"):
            values["stage"] = fields.text("stage", required=True, max_length=200)
        if fields.has("description"):
            values["description"] = fields.text("description", max_length=5000)
        for name in ("stream_url", "interpretation_url"):
            if fields.has(name):
                url = fields.optional_text(name, max_length=500)
                if url and not url.startswith(("https://", "http://")):
                    fields.fail(name, "must be an http(s) address")
                values[name] = url
        if fields.has("capacity"):
            values["capacity"] = fields.integer("capacity", minimum=1, maximum=100_000)
        if fields.has("qa_moderated"):
            values["qa_moderated"] = fields.boolean("qa_moderated")
        if fields.has("language"):
            values["language"] = fields.choice("language", sorted(language_codes()), default="en")
        if fields.has("key"):
            key = fields.text("key", max_length=64)
            if key and not KEY_RE.match(key):
                fields.fail("key", "use lower-case letters, digits and dashes")
            values["key"] = key
        themes = fields.string_list("themes", None) if fields.has("themes") else None
        speakers = None
        if fields.has("speakers"):
            raw = fields.data.get("speakers")
            if not isinstance(raw, list) or not all(
                isinstance(v, int | str) and not isinstance(v, bool) for v in raw
            ):
                fields.fail("speakers", "must be a list of speaker ids or keys")
            else:
                speakers = list(dict.fromkeys(raw))
        tables = _parse_tables(fields) if fields.has("tables") else None
        version = fields.integer("version", minimum=1) if fields.has("version") else None
        if values.get("start") and values.get("end") and values["end"] <= values["start"]:
            fields.fail("end", "must be after start")  # reported with the other problems, not after them
        fields.check()
        return cls(values=values, themes=themes, speakers=speakers, tables=tables, version=version)


def _parse_tables(fields: Fields) -> list[dict[str, Any]] | None:
    raw = fields.data.get("tables")
    if not isinstance(raw, list):
        fields.fail("tables", "must be a list")
        return None
    tables = []
    for n, item in enumerate(raw):
        sub = Fields(item) if isinstance(item, dict) else None
        if sub is None:
            fields.fail(f"tables[{n}]", "must be an object")
            continue
        table = {
            "id": sub.integer("id", minimum=1),
            "topic": sub.text("topic", required=True, max_length=300),
            "host": sub.text("host", max_length=200),
            "seats": sub.integer("seats", required=True, minimum=1, maximum=1000),
            "language": sub.choice("language", sorted(language_codes()), default="en"),
        }
        for name, problem in sub.problems.items():
            fields.fail(f"tables[{n}].{name}", problem)
        tables.append(table)
    return tables


async def _resolve_stage(db: AsyncSession, ref: str) -> Stage:
    stage = await db.scalar(select(Stage).where((Stage.key == ref) | (Stage.name == ref)))
    if stage is None:
        raise Invalid(f"unknown stage {ref!r}", {"stage": "unknown stage"})
    return stage


async def _resolve_themes(db: AsyncSession, slugs: list[str]) -> list[Theme]:
    found = {t.slug: t for t in (await db.scalars(select(Theme).where(Theme.slug.in_(slugs)))).all()}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise Invalid("unknown theme(s): " + ", ".join(unknown), {"themes": "unknown: " + ", ".join(unknown)})
    return [found[s] for s in slugs]


async def _resolve_speakers(db: AsyncSession, refs: list[int | str]) -> list[Speaker]:
    rows = (await db.scalars(select(Speaker))).all()
    by_ref: dict[int | str, Speaker] = {s.id: s for s in rows} | {s.key: s for s in rows}
    unknown = [str(r) for r in refs if r not in by_ref]
    if unknown:
        raise Invalid(
            "unknown speaker(s): " + ", ".join(unknown), {"speakers": "unknown: " + ", ".join(unknown)}
        )
    return [by_ref[r] for r in refs]


async def check_session(db: AsyncSession, session: Session) -> None:
    """Refuses a session that ends before it starts, leaves the conference days, overlaps another on its
    stage, or puts a speaker in two places (422 naming the field)."""
    conference = await get_conference(db)
    tz = ZoneInfo(conference.timezone)
    if session.end <= session.start:
        raise Invalid("the session must end after it starts", {"end": "must be after start"})
    first, last = session.start.astimezone(tz).date(), session.end.astimezone(tz).date()
    if first < conference.start_date or last > conference.end_date:
        raise Invalid(
            f"the session must lie within the days {conference.start_date} to {conference.end_date}",
            {"start": "outside the conference days"},
        )
    others = select(Session).where(
        Session.id != (session.id or 0), Session.start < session.end, Session.end > session.start
    )
    clash = await db.scalar(others.where(Session.stage_id == session.stage.id).limit(1))
    if clash is not None:
        raise Invalid(
            f'overlaps "{clash.title}" on stage "{session.stage.name}"',
            {"start": f'overlaps "{clash.title}" on this stage'},
        )
    speaker_ids = [link.speaker.id for link in session.speakers]
    if speaker_ids:
        busy = await db.execute(
            others.join(SessionSpeaker, SessionSpeaker.session_id == Session.id)
            .where(SessionSpeaker.speaker_id.in_(speaker_ids))
            .with_only_columns(Session.title, SessionSpeaker.speaker_id)
            .limit(1)
        )
        row = busy.first()
        if row is not None:
            name = next(link.speaker.name for link in session.speakers if link.speaker.id == row[1])
            raise Invalid(
                f'{name} is already speaking in "{row[0]}" at that time',
                {"speakers": f'{name} is already in "{row[0]}" then'},
            )


async def create_session(db: AsyncSession, change: SessionChange) -> Session:
    values = dict(change.values)
    stage = await _resolve_stage(db, values.pop("stage"))
    key = values.pop("key", "") or await _free_key(db, values["title"])
    if await db.scalar(select(Session.id).where(Session.key == key)):
        raise Conflict(f"a session with key {key!r} exists", {"key": "is taken"})
    session = Session(key=key, stage=stage, version=1, **values)
    session.themes = [
        SessionTheme(theme=t, position=n)
        for n, t in enumerate(await _resolve_themes(db, change.themes or []))
    ]
    session.speakers = [
        SessionSpeaker(speaker=s, position=n)
        for n, s in enumerate(await _resolve_speakers(db, change.speakers or []))
    ]
    session.tables = _tables(session, change.tables or [])
    await check_session(db, session)
    db.add(session)
    await db.flush()
    await touch(db)
    return session


async def update_session(db: AsyncSession, session_id: int, change: SessionChange, tz: ZoneInfo) -> Session:
    """Applies an edit; 409 with the current session when `version` is older than the stored one."""
    session = await get_session(db, session_id)
    if change.version is not None and change.version != session.version:
        conference = await get_conference(db)
        current = session_dict(session, tz, ZoneInfo(conference.timezone), {})
        raise Conflict(
            "this session was changed by someone else; reload and apply your edit again", current=current
        )
    values = dict(change.values)
    if "stage" in values:
        session.stage = await _resolve_stage(db, values.pop("stage"))
    if "key" in values:
        key = values.pop("key")
        if key and key != session.key:
            if await db.scalar(select(Session.id).where(Session.key == key)):
                raise Conflict(f"a session with key {key!r} exists", {"key": "is taken"})
            session.key = key
    for name, value in values.items():
        setattr(session, name, value)
    if change.themes is not None:
        session.themes = [
            SessionTheme(theme=t, position=n) for n, t in enumerate(await _resolve_themes(db, change.themes))
        ]
    if change.speakers is not None:
        session.speakers = [
            SessionSpeaker(speaker=s, position=n)
            for n, s in enumerate(await _resolve_speakers(db, change.speakers))
        ]
    if change.tables is not None:
        session.tables = _tables(session, change.tables)
    await check_session(db, session)
    session.version += 1
    await db.flush()
    await touch(db)
    return session


def _tables(session: Session, tables: list[dict[str, Any]]) -> list[RoundTable]:
    existing = {t.id: t for t in (session.tables if session.id else [])}
    out = []
    for n, item in enumerate(tables):
        table = existing.get(item["id"]) if item.get("id") else None
        if table is None:
            table = RoundTable(key=f"table-{n + 1}")
        table.topic, table.host, table.seats, table.language, table.position = (
            item["topic"],
            item["host"],
            item["seats"],
            item["language"],
            n,
        )
        out.append(table)
    keys = [t.key for t in out]
    for n, table in enumerate(out):
        if keys.count(table.key) > 1 and table.id is None:
            table.key = f"table-{n + 1}-{len(out)}"
    return out


async def delete_session(db: AsyncSession, session_id: int) -> Session:
    session = await get_session(db, session_id)
    await db.delete(session)
    await db.flush()
    await touch(db)
    return session


async def _free_key(db: AsyncSession, title: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:50] or "session"
    key, n = base, 1
    while await db.scalar(select(Session.id).where(Session.key == key)):
        n += 1
        key = f"{base}-{n}"
    return key
