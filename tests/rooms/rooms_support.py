"""Helpers for the live room tests: a programme session to talk in, and small websocket steps."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from conference.db.models import Session, Stage

_keys = itertools.count(1)


async def make_session(
    app: Any, *, qa_moderated: bool = False, kind: str = "plenary", stream_url: str | None = None
) -> int:
    """A programme session (and its stage) straight in the database; returns its id."""
    n = next(_keys)
    start = datetime(2021, 9, 13, 11, 0, tzinfo=UTC) + timedelta(hours=n)
    async with app.state.db.session() as db:
        stage = Stage(key=f"stage-{n}", name=f"Stage {n}")
        db.add(stage)
        await db.flush()
        session = Session(
            key=f"session-{n}",
            title=f"Session {n}",
            kind=kind,
            start=start,
            end=start + timedelta(minutes=45),
            stage_id=stage.id,
            qa_moderated=qa_moderated,
            stream_url=stream_url,
        )
        db.add(session)
        await db.flush()
        return session.id


async def join_room(ws: Any, channel: str) -> dict[str, Any]:
    """Joins and returns `joined` (with the room's questions, polls, slow mode and mute, if any)."""
    return await ws.join(channel)


async def answer(ws: Any, frame: dict[str, Any], ref: str = "r") -> dict[str, Any]:
    """Sends a frame with a ref and returns the reply carrying that ref (an event or an error)."""
    await ws.send({**frame, "ref": ref})
    return await ws.expect(lambda e: e.get("ref") == ref)


def without(event: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k not in keys}
