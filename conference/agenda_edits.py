"""Every edit of the programme goes through here: it is recorded, pushed live and told to bookmark holders.

The API routes for sessions, schedule imports and the speaker/theme/stage catalogue call `AgendaEditor`
instead of the programme functions, so no edit path can skip the history, the `agenda.updated` push or
the notifications.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from conference import catalogue, programme
from conference.db.base import Database, utcnow
from conference.db.models import AgendaChange, Bookmark, Notification, Session, User
from conference.errors import Conflict, Invalid
from conference.schedule import model

# What someone who planned their day around a session cares about; a typo fixed in the description
# does not ping hundreds of people.
NOTIFY_FIELDS = ("title", "kind", "start", "end", "stage", "speakers")
SNAPSHOT_IGNORES = ("version", "conference_start", "conference_end", "stage_key")


class Pusher(Protocol):
    """The part of the realtime hub the editor uses."""

    async def broadcast(self, event: dict[str, Any]) -> None: ...

    async def notify_user(self, user_id: int, event: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class Actor:
    """Who made an edit, kept by value in the history (the account may be renamed or go away)."""

    id: int | None
    name: str

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.name)


@dataclass
class Outbox:
    """Events to send once the transaction has committed (never for an edit that was rolled back)."""

    broadcasts: list[dict[str, Any]] = field(default_factory=list)
    personal: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    if before is None or after is None:
        return []
    names = dict.fromkeys([*before, *after])
    return [n for n in names if n not in SNAPSHOT_IGNORES and before.get(n) != after.get(n)]


def summarise(action: str, entity: str, before: dict | None, after: dict | None) -> str:
    subject = (after or before or {}).get("title") or (after or before or {}).get("name") or entity
    if action == "created":
        return f"created {entity} “{subject}”"
    if action == "deleted":
        return f"deleted {entity} “{subject}”"
    fields = changed_fields(before, after)
    return f"changed {', '.join(fields) if fields else 'nothing'} of {entity} “{subject}”"


def agenda_event(action: str, session_id: int, view: dict[str, Any] | None, changes: list[str]) -> dict:
    """The `agenda.updated` push (docs/protocol.md)."""
    return {
        "type": "agenda.updated",
        "action": action,
        "session_id": session_id,
        "session": view,
        "removed": action == "deleted",
        "changes": changes,
    }


@dataclass(frozen=True)
class ImportOutcome:
    applied: bool
    diff: programme.ProgrammeDiff
    preview: dict[str, list[dict[str, Any]]]

    def to_json(self, *, details: bool = False) -> dict[str, Any]:
        """SPEC's `{applied, added, changed, removed, unchanged}`; `details` adds the titled preview."""
        body = {"applied": self.applied, **self.diff.to_json()}
        if details:
            body["preview"] = self.preview
        return body


class AgendaEditor:
    """Applies organiser edits in one transaction each, then pushes what changed."""

    def __init__(self, database: Database, hub: Pusher) -> None:
        self.database = database
        self.hub = hub

    # ------------------------------------------------------------ sessions

    async def create_session(self, actor: Actor, change: programme.SessionChange) -> dict[str, Any]:
        outbox = Outbox()
        async with self.database.session() as db:
            tz = await conference_tz(db)
            session = await programme.create_session(db, change)
            after = await programme.session_view(db, session.id, tz)
            await self._session_changed(db, outbox, actor, "created", "edit", session.id, None, after)
        await self._send(outbox)
        return after

    async def update_session(
        self, actor: Actor, session_id: int, change: programme.SessionChange, shown_tz: ZoneInfo | None = None
    ) -> dict[str, Any]:
        """Applies an edit; 409 with the current session (in `shown_tz`) when `change.version` is stale."""
        outbox = Outbox()
        async with self.database.session() as db:
            tz = await conference_tz(db)
            before = await programme.session_view(db, session_id, tz)
            await programme.update_session(db, session_id, change, shown_tz or tz)
            after = await programme.session_view(db, session_id, tz)
            await self._session_changed(db, outbox, actor, "updated", "edit", session_id, before, after)
        await self._send(outbox)
        return after

    async def delete_session(self, actor: Actor, session_id: int, version: int | None = None) -> dict:
        outbox = Outbox()
        async with self.database.session() as db:
            tz = await conference_tz(db)
            before = await programme.session_view(db, session_id, tz)
            if version is not None and version != before["version"]:
                raise Conflict(
                    "this session was changed by someone else; look again before deleting it",
                    current=before,
                )
            # Bookmark holders are told before the bookmarks go with the session.
            await self._session_changed(db, outbox, actor, "deleted", "edit", session_id, before, None)
            await programme.delete_session(db, session_id)
        await self._send(outbox)
        return before

    # ------------------------------------------------------------ schedule files

    async def import_programme(
        self, actor: Actor, incoming: model.Programme, *, dry_run: bool
    ) -> ImportOutcome:
        """Replaces the programme atomically (or only previews the change), recording each session."""
        outbox = Outbox()
        async with self.database.session() as db:
            empty = await programme.is_empty(db)
            current = {} if empty else {s.key: s for s in (await programme.to_programme(db)).sessions}
            preview = import_preview(current, incoming)
            if dry_run:
                return ImportOutcome(False, await programme.diff_programme(db, incoming), preview)
            before = {} if empty else await views_by_key(db)
            # Holders of removed sessions are told before the bookmarks go with the sessions.
            for item in preview["removed"]:
                view = before[item["key"]]
                await self._session_changed(db, outbox, actor, "deleted", "import", view["id"], view, None)
            diff = await programme.replace_programme(db, incoming)
            after = await views_by_key(db)
            for key in diff.added:
                view = after[key]
                await self._session_changed(db, outbox, actor, "created", "import", view["id"], None, view)
            for key in diff.changed:
                view = after[key]
                await self._session_changed(
                    db, outbox, actor, "updated", "import", view["id"], before[key], view
                )
        await self._send(outbox)
        return ImportOutcome(True, diff, preview)

    # ------------------------------------------------------------ speakers, themes, stages

    async def create_item(self, actor: Actor, kind: catalogue.Kind, values: dict[str, Any]) -> dict:
        async with self.database.session() as db:
            row = await catalogue.create_item(db, kind, values)
            after = catalogue.item_dict(kind, row)
            record(db, actor, kind.name, row.id, None, "created", "edit", None, after)
        return after

    async def update_item(
        self, actor: Actor, kind: catalogue.Kind, item_id: int, values: dict[str, Any]
    ) -> dict:
        """Renames show at once on every page showing a session that uses the item."""
        outbox = Outbox()
        async with self.database.session() as db:
            tz = await conference_tz(db)
            before = catalogue.item_dict(kind, await catalogue.get_item(db, kind, item_id))
            using = [s.id for s in await catalogue.sessions_using(db, kind, item_id)]
            sessions_before = {sid: await programme.session_view(db, sid, tz) for sid in using}
            row = await catalogue.update_item(db, kind, item_id, values)
            after = catalogue.item_dict(kind, row)
            record(db, actor, kind.name, item_id, None, "updated", "edit", before, after)
            db.expire_all()  # the sessions' loaded stage/speaker/theme rows hold the old names
            for sid in using:
                view = await programme.session_view(db, sid, tz)
                changes = changed_fields(sessions_before[sid], view)
                if changes:
                    outbox.broadcasts.append(agenda_event("updated", sid, view, changes))
        await self._send(outbox)
        return after

    async def delete_item(self, actor: Actor, kind: catalogue.Kind, item_id: int) -> dict:
        async with self.database.session() as db:
            row = await catalogue.delete_item(db, kind, item_id)
            before = catalogue.item_dict(kind, row)
            record(db, actor, kind.name, item_id, None, "deleted", "edit", before, None)
        return before

    # ------------------------------------------------------------ shared

    async def _session_changed(
        self,
        db: AsyncSession,
        outbox: Outbox,
        actor: Actor,
        action: str,
        source: str,
        session_id: int,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        changes = changed_fields(before, after)
        record(db, actor, "session", session_id, session_id, action, source, before, after)
        outbox.broadcasts.append(agenda_event(action, session_id, after, changes))
        relevant = [c for c in changes if c in NOTIFY_FIELDS]
        if action == "deleted" or (action == "updated" and relevant):
            await notify_bookmark_holders(db, outbox, session_id, before, after, relevant)

    async def _send(self, outbox: Outbox) -> None:
        for event in outbox.broadcasts:
            await self.hub.broadcast(event)
        for user_id, event in outbox.personal:
            await self.hub.notify_user(user_id, event)


def record(
    db: AsyncSession,
    actor: Actor,
    entity: str,
    entity_id: int,
    session_id: int | None,
    action: str,
    source: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AgendaChange:
    change = AgendaChange(
        user_id=actor.id,
        user_name=actor.name,
        entity=entity,
        entity_id=entity_id,
        session_id=session_id,
        action=action,
        source=source,
        summary=summarise(action, entity, before, after),
        before=before,
        after=after,
    )
    db.add(change)
    return change


async def notify_bookmark_holders(
    db: AsyncSession,
    outbox: Outbox,
    session_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    changes: list[str],
) -> None:
    """Flags the bookmark in My agenda, stores a notification and queues its push for each holder."""
    holders = list(
        (await db.scalars(select(Bookmark.user_id).where(Bookmark.session_id == session_id))).all()
    )
    if not holders:
        return
    now = utcnow()
    cancelled = after is None
    if not cancelled:
        await db.execute(update(Bookmark).where(Bookmark.session_id == session_id).values(changed_at=now))
    shown = after or before or {}
    kind = "session.cancelled" if cancelled else "session.changed"
    data = {
        "session_id": session_id,
        "title": shown.get("title", ""),
        "start": shown.get("start"),
        "end": shown.get("end"),
        "stage": shown.get("stage"),
        "cancelled": cancelled,
        "changes": changes,
        "before": {name: (before or {}).get(name) for name in changes},
        "message": notification_text(shown.get("title", ""), cancelled, changes),
    }
    rows = [Notification(user_id=user_id, kind=kind, data=data, created_at=now) for user_id in holders]
    db.add_all(rows)
    await db.flush()
    for row in rows:
        outbox.personal.append(
            (row.user_id, {"type": "notification", "id": row.id, "kind": kind, "ts": now.isoformat(), **data})
        )


def notification_text(title: str, cancelled: bool, changes: list[str]) -> str:
    if cancelled:
        return f"“{title}”, which you bookmarked, was cancelled."
    words = {"start": "time", "end": "time", "stage": "stage", "title": "title", "kind": "format"}
    what = list(dict.fromkeys(words.get(c, c) for c in changes))
    return f"“{title}”, which you bookmarked, changed: {', '.join(what)}."


async def conference_tz(db: AsyncSession) -> ZoneInfo:
    return ZoneInfo((await programme.get_conference(db)).timezone)


async def views_by_key(db: AsyncSession) -> dict[str, dict[str, Any]]:
    tz = await conference_tz(db)
    sessions = await fresh_sessions(db)
    taken = await programme.seats_taken(db, [t.id for s in sessions for t in s.tables])
    return {s.key: programme.session_dict(s, tz, tz, taken) for s in sessions}


async def fresh_sessions(db: AsyncSession) -> list[Session]:
    db.expire_all()  # an import rewrote rows loaded earlier in this transaction
    return await programme.all_sessions(db)


def import_preview(current: dict[str, model.Session], incoming: model.Programme) -> dict[str, list[dict]]:
    """What an import would add, change (and which fields) and remove, with titles people recognise."""

    def brief(item: model.Session) -> dict[str, Any]:
        return {
            "key": item.key,
            "title": item.title,
            "start": item.start.isoformat(),
            "end": item.end.isoformat(),
            "stage": item.stage,
        }

    added, changed = [], []
    for item in incoming.sessions:
        old = current.get(item.key)
        if old is None:
            added.append(brief(item))
        elif old != item:
            fields = [
                f.name
                for f in dataclasses.fields(model.Session)
                if getattr(old, f.name) != getattr(item, f.name)
            ]
            changed.append(brief(item) | {"fields": fields})
    keys = {s.key for s in incoming.sessions}
    removed = [brief(old) for key, old in current.items() if key not in keys]
    return {"added": added, "changed": changed, "removed": removed}


def require_version(data: Any) -> int | None:
    """The optional `version` of a DELETE body or query (a stale one is refused like a stale PATCH)."""
    if data is None or data == "":
        return None
    try:
        version = int(data)
    except (TypeError, ValueError):
        raise Invalid("version must be a whole number", {"version": "must be a whole number"}) from None
    if version < 1:
        raise Invalid("version must be at least 1", {"version": "must be at least 1"})
    return version
