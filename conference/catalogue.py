"""The programme's speakers, themes and stages: listing, creating, editing and deleting them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from conference import programme
from conference.db.models import Session, SessionSpeaker, SessionTheme, Speaker, Stage, Theme, User
from conference.errors import Conflict, Invalid, NotFound
from conference.validation import Fields

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True)
class Kind:
    """What differs between speakers, themes and stages: the table, its key column and its fields."""

    name: str  # "speaker", "theme", "stage"
    table: type
    key_field: str
    plural: str


SPEAKERS = Kind("speaker", Speaker, "key", "speakers")
THEMES = Kind("theme", Theme, "slug", "themes")
STAGES = Kind("stage", Stage, "key", "stages")
KINDS = {k.plural: k for k in (SPEAKERS, THEMES, STAGES)}


def item_dict(kind: Kind, row: Any) -> dict[str, Any]:
    if kind is SPEAKERS:
        return {
            "id": row.id,
            "key": row.key,
            "name": row.name,
            "job_title": row.job_title,
            "organisation": row.organisation,
            "country": row.country or None,
            "bio": row.bio,
        }
    return {"id": row.id, kind.key_field: getattr(row, kind.key_field), "name": row.name}


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "item"


def parse(kind: Kind, data: Any, *, partial: bool) -> dict[str, Any]:
    """The fields present in `data` (all of them on create), validated; 422 names every bad field."""
    fields = Fields(data)
    values: dict[str, Any] = {}
    if not partial or fields.has("name"):
        values["name"] = fields.text("name", required=True, max_length=200)
    if fields.has(kind.key_field):
        if partial:
            fields.fail(kind.key_field, "cannot be changed once created (exports and bookmarks refer to it)")
        key = fields.text(kind.key_field, max_length=64)
        if key and not KEY_RE.match(key):
            fields.fail(kind.key_field, "use lower-case letters, digits and dashes")
        values[kind.key_field] = key
    if kind is SPEAKERS:
        for name in ("job_title", "organisation"):
            if not partial or fields.has(name):
                values[name] = fields.text(name, max_length=200)
        if not partial or fields.has("country"):
            values["country"] = fields.country("country")
        if not partial or fields.has("bio"):
            values["bio"] = fields.text("bio", max_length=5000)
    unknown = set(fields.data) - set(values) - {"id", kind.key_field}
    for name in sorted(unknown):
        fields.fail(name, "is not a field of a " + kind.name)
    if partial and not values:
        fields.fail("body", "send at least one field to change")
    fields.check()
    return values


async def list_items(db: AsyncSession, kind: Kind) -> list[dict[str, Any]]:
    rows = await db.scalars(select(kind.table).order_by(kind.table.position, kind.table.id))
    usage = await usage_counts(db, kind)
    return [item_dict(kind, row) | {"sessions": usage.get(row.id, 0)} for row in rows]


async def usage_counts(db: AsyncSession, kind: Kind) -> dict[int, int]:
    if kind is SPEAKERS:
        query = select(SessionSpeaker.speaker_id, func.count()).group_by(SessionSpeaker.speaker_id)
    elif kind is THEMES:
        query = select(SessionTheme.theme_id, func.count()).group_by(SessionTheme.theme_id)
    else:
        query = select(Session.stage_id, func.count()).group_by(Session.stage_id)
    return dict((await db.execute(query)).all())


async def get_item(db: AsyncSession, kind: Kind, item_id: int) -> Any:
    row = await db.get(kind.table, item_id)
    if row is None:
        raise NotFound(f"no {kind.name} {item_id}")
    return row


async def create_item(db: AsyncSession, kind: Kind, values: dict[str, Any]) -> Any:
    values = dict(values)
    key = values.pop(kind.key_field, "") or await _free_key(db, kind, values["name"])
    column = getattr(kind.table, kind.key_field)
    if await db.scalar(select(kind.table.id).where(column == key)):
        raise Conflict(f"a {kind.name} with {kind.key_field} {key!r} exists", {kind.key_field: "is taken"})
    if kind is STAGES and await db.scalar(select(Stage.id).where(Stage.name == values["name"])):
        # Sessions name their stage by key or name, so two stages may not share a name.
        raise Invalid(f"a stage named {values['name']!r} exists", {"name": "another stage has this name"})
    position = (await db.scalar(select(func.max(kind.table.position)))) or 0
    row = kind.table(**{kind.key_field: key}, position=position + 1, **values)
    db.add(row)
    await db.flush()
    await programme.touch(db)
    return row


async def update_item(db: AsyncSession, kind: Kind, item_id: int, values: dict[str, Any]) -> Any:
    row = await get_item(db, kind, item_id)
    if kind is STAGES and "name" in values:
        clash = await db.scalar(select(Stage.id).where(Stage.name == values["name"], Stage.id != item_id))
        if clash:
            raise Invalid(f"a stage named {values['name']!r} exists", {"name": "another stage has this name"})
    for name, value in values.items():
        setattr(row, name, value)
    await db.flush()
    await programme.touch(db)
    return row


async def sessions_using(db: AsyncSession, kind: Kind, item_id: int) -> list[Session]:
    if kind is SPEAKERS:
        query = select(Session).join(SessionSpeaker).where(SessionSpeaker.speaker_id == item_id)
    elif kind is THEMES:
        query = select(Session).join(SessionTheme).where(SessionTheme.theme_id == item_id)
    else:
        query = select(Session).where(Session.stage_id == item_id)
    return list((await db.scalars(query.order_by(Session.start, Session.id))).all())


async def delete_item(db: AsyncSession, kind: Kind, item_id: int) -> Any:
    """Deletes the item; 409 naming the sessions that still use it."""
    row = await get_item(db, kind, item_id)
    using = await sessions_using(db, kind, item_id)
    if using:
        titles = ", ".join(f"“{s.title}”" for s in using[:5]) + (" …" if len(using) > 5 else "")
        raise Conflict(
            f"{len(using)} session(s) still use this {kind.name}: {titles}; change them first",
            {"sessions": ", ".join(str(s.id) for s in using)},
        )
    if kind is THEMES:
        await _drop_theme_from_profiles(db, row.slug)
    await db.delete(row)
    await db.flush()
    await programme.touch(db)
    return row


async def _drop_theme_from_profiles(db: AsyncSession, slug: str) -> None:
    # Profiles may only name the programme's themes; a JSON list is filtered here rather than in SQL
    # because SQLite and Postgres query JSON arrays differently.
    for user in (await db.scalars(select(User).where(User.themes.is_not(None)))).all():
        if slug in (user.themes or []):
            user.themes = [t for t in user.themes if t != slug]


async def _free_key(db: AsyncSession, kind: Kind, name: str) -> str:
    base = slugify(name)
    column = getattr(kind.table, kind.key_field)
    key, n = base, 1
    while await db.scalar(select(kind.table.id).where(column == key)):
        n += 1
        key = f"{base}-{n}"
    return key
