"""People API: the directory, one person, hide / block / connect, free slots, recommendations."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conference import accounts, meetings, people
from conference.auth import require_viewer
from conference.validation import require_timezone
from conference.web.http import path_id, query_int
from conference.web.networking_live import push_connection, push_meeting, zone


async def directory(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    async with request.app.state.db.reader() as db:
        query = people.DirectoryQuery.parse(request.query_params, await accounts.theme_slugs(db))
        return JSONResponse(await people.directory(db, viewer.id, query))


async def person(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    async with request.app.state.db.reader() as db:
        return JSONResponse(await people.person_view(db, viewer.id, path_id(request)))


async def _tie_changed(request: Request, user_id: int) -> None:
    await request.app.state.recommender.refresh_person(user_id)


async def hide(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    other = path_id(request)
    async with request.app.state.db.session() as db:
        await people.hide(db, viewer.id, other)
    await _tie_changed(request, viewer.id)
    return JSONResponse({"id": other, "hidden": True})


async def unhide(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    other = path_id(request)
    async with request.app.state.db.session() as db:
        await people.unhide(db, viewer.id, other)
    await _tie_changed(request, viewer.id)
    return JSONResponse({"id": other, "hidden": False})


async def block(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    other = path_id(request)
    async with request.app.state.db.session() as db:
        await people.block(db, viewer.id, other)
        cancelled = await meetings.cancel_between(db, viewer.id, other, viewer.id)
    for meeting, group in cancelled:
        await push_meeting(request.app, "cancelled", meeting, group)
    await _tie_changed(request, viewer.id)
    hub = request.app.state.hub
    for user_id in (viewer.id, other):
        await hub.revalidate_user(user_id)  # a direct-message channel between them closes now
    return JSONResponse({"id": other, "blocked": True})


async def unblock(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    other = path_id(request)
    async with request.app.state.db.session() as db:
        await people.unblock(db, viewer.id, other)
    await _tie_changed(request, viewer.id)
    return JSONResponse({"id": other, "blocked": False})


async def connect(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    async with request.app.state.db.session() as db:
        before = await people.connection_state(db, viewer.id, path_id(request))
        state, other = await people.connect(db, viewer.id, path_id(request))
    if state != before:
        await push_connection(request.app, state, viewer.user, other.id)
    body = {"id": other.id, "connection": state}
    if state == "connected":
        body["contact"] = other.contact
    return JSONResponse(body)


async def disconnect(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    async with request.app.state.db.session() as db:
        state = await people.disconnect(db, viewer.id, path_id(request))
    return JSONResponse({"id": path_id(request), "connection": state})


async def connections(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    async with request.app.state.db.reader() as db:
        return JSONResponse(await people.connections(db, viewer.id))


async def hidden(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    async with request.app.state.db.reader() as db:
        return JSONResponse(await people.hidden_and_blocked(db, viewer.id))


async def slots(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    name = request.query_params.get("tz")
    tz = require_timezone(name) if name else zone(viewer.user)
    async with request.app.state.db.reader() as db:
        other = await people.visible_person(db, viewer.id, path_id(request))
        await people.require_not_blocked(db, viewer.id, other.id, "meet")
        return JSONResponse(await meetings.slots(db, viewer.user, other, tz))


async def recommendations(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    limit = query_int(request, "limit", 10, 1, 50)
    return JSONResponse(await request.app.state.recommender.recommend(viewer.id, limit))


routes = [
    Route("/people", directory, methods=["GET"]),
    Route("/people/{id:int}", person, methods=["GET"]),
    Route("/people/{id:int}/hide", hide, methods=["POST"]),
    Route("/people/{id:int}/hide", unhide, methods=["DELETE"]),
    Route("/people/{id:int}/block", block, methods=["POST"]),
    Route("/people/{id:int}/block", unblock, methods=["DELETE"]),
    Route("/people/{id:int}/connect", connect, methods=["POST"]),
    Route("/people/{id:int}/connect", disconnect, methods=["DELETE"]),
    Route("/people/{id:int}/slots", slots, methods=["GET"]),
    Route("/me/connections", connections, methods=["GET"]),
    Route("/me/hidden", hidden, methods=["GET"]),
    Route("/me/recommendations", recommendations, methods=["GET"]),
]
