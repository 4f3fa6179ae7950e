"""Live room reads over HTTP: a session's questions and polls, and the moderators' report queue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conference import moderation, polls, qa
from conference.auth import require_viewer
from conference.db.models import Session
from conference.errors import NotFound
from conference.realtime.channels import session_channel
from conference.web.http import path_id


async def _require_session(db: AsyncSession, session_id: int) -> None:
    if await db.scalar(select(Session.id).where(Session.id == session_id)) is None:
        raise NotFound(f"no session {session_id}")


async def session_questions(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    session_id = path_id(request)
    channel = session_channel(session_id)
    async with request.app.state.db.reader() as db:
        await _require_session(db, session_id)
        questions = await qa.for_viewer(db, viewer.user, channel)
        voted = await qa.voted_ids(db, viewer.id, channel)
    items = []
    for question in questions:
        item = question.event()
        del item["type"]
        item["voted"] = question.id in voted
        items.append(item)
    return JSONResponse({"questions": items})


async def session_polls(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    session_id = path_id(request)
    channel = session_channel(session_id)
    async with request.app.state.db.reader() as db:
        await _require_session(db, session_id)
        found = await polls.for_channel(db, channel)
        mine = await polls.choices_of(db, viewer.id, channel)
    items = []
    for poll in found:
        item = poll.event()
        del item["type"]
        item["my_vote"] = mine.get(poll.id)
        items.append(item)
    return JSONResponse({"polls": items})


async def reports(request: Request) -> JSONResponse:
    await require_viewer(request, role="moderator")
    channel = request.query_params.get("channel") or None
    open_only = request.query_params.get("all", "") not in ("1", "true")
    async with request.app.state.db.reader() as db:
        rows = await moderation.reports(db, channel, open_only=open_only)
    return JSONResponse({"reports": [moderation.report_dict(row) for row in rows]})


async def resolve_report(request: Request) -> JSONResponse:
    viewer = await require_viewer(request, role="moderator")
    async with request.app.state.db.session() as db:
        row = await moderation.resolve_report(db, viewer.user, path_id(request))
        body = moderation.report_dict(row)
    return JSONResponse(body)


routes = [
    Route("/sessions/{id:int}/questions", session_questions, methods=["GET"]),
    Route("/sessions/{id:int}/polls", session_polls, methods=["GET"]),
    Route("/moderation/reports", reports, methods=["GET"]),
    Route("/moderation/reports/{id:int}/resolve", resolve_report, methods=["POST"]),
]
