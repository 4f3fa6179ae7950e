"""Roundtables API: the tables of a session with seats left, taking and leaving a seat."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conference import accounts, roundtables
from conference.auth import require_viewer
from conference.db.models import User
from conference.realtime.channels import session_channel, table_channel
from conference.video import video_url_for
from conference.web.http import path_id


async def tables_body(app: Starlette, session_id: int, viewer: User) -> dict[str, Any]:
    """The tables as everyone sees them, plus where the viewer sits and the rooms they may enter."""
    async with app.state.db.reader() as db:
        tables = await roundtables.tables(db, session_id)
        mine = await roundtables.seated_table(db, session_id, viewer.id)
    staff = accounts.role_at_least(viewer.role, "moderator")
    for table in tables:
        table["channel"] = table_channel(table["id"])
        if staff or table["id"] == mine or table["host_user_id"] == viewer.id:
            table["video_url"] = video_url_for(app.state, "table", table["id"], viewer.name)
    return {"session_id": session_id, "my_table_id": mine, "tables": tables}


async def publish_tables(app: Starlette, session_id: int) -> None:
    """`tables.updated` to the session's room: seats left at each table, for every open tables view."""
    async with app.state.db.reader() as db:
        tables = await roundtables.tables(db, session_id)
    await app.state.hub.publish(
        session_channel(session_id),
        {
            "type": "tables.updated",
            "channel": session_channel(session_id),
            "session_id": session_id,
            "tables": tables,
        },
    )


async def list_tables(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    return JSONResponse(await tables_body(request.app, path_id(request), viewer.user))


async def join_table(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    async with request.app.state.db.session() as db:
        change = await roundtables.join(db, path_id(request), viewer.id)
    await _after_change(request, change, viewer.id)
    return JSONResponse(await tables_body(request.app, change.session_id, viewer.user))


async def leave_table(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    async with request.app.state.db.session() as db:
        change = await roundtables.leave(db, path_id(request), viewer.id)
    await _after_change(request, change, viewer.id)
    return JSONResponse(await tables_body(request.app, change.session_id, viewer.user))


async def _after_change(request: Request, change: roundtables.SeatChange, user_id: int) -> None:
    if not change.changed:
        return
    if change.previous_table_id is not None:
        # Leaving a table also ends the right to its chat channel.
        await request.app.state.hub.revalidate_user(user_id)
    await publish_tables(request.app, change.session_id)


routes = [
    Route("/sessions/{id:int}/tables", list_tables, methods=["GET"]),
    Route("/tables/{id:int}/join", join_table, methods=["POST"]),
    Route("/tables/{id:int}/leave", leave_table, methods=["POST"]),
]
