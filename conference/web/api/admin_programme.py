"""Organiser API for the programme's catalogue (speakers, themes, stages) and the change history."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conference import catalogue, history
from conference.agenda_edits import Actor
from conference.auth import require_viewer
from conference.errors import Invalid
from conference.web.api.programme import editor
from conference.web.http import path_id, query_int, read_json

HISTORY_ENTITIES = ("session", "speaker", "theme", "stage")


def kind_of(request: Request) -> catalogue.Kind:
    # The first path segment after /admin/ names the list; routes exist only for the three kinds.
    return catalogue.KINDS[request.url.path.split("/admin/", 1)[1].split("/", 1)[0]]


async def list_items(request: Request) -> JSONResponse:
    await require_viewer(request, "organiser")
    kind = kind_of(request)
    async with request.app.state.db.reader() as db:
        return JSONResponse({"items": await catalogue.list_items(db, kind)})


async def create_item(request: Request) -> JSONResponse:
    viewer = await require_viewer(request, "organiser")
    kind = kind_of(request)
    values = catalogue.parse(kind, await read_json(request), partial=False)
    item = await editor(request).create_item(Actor.of(viewer.user), kind, values)
    return JSONResponse(item, status_code=201)


async def update_item(request: Request) -> JSONResponse:
    viewer = await require_viewer(request, "organiser")
    kind = kind_of(request)
    values = catalogue.parse(kind, await read_json(request), partial=True)
    item = await editor(request).update_item(Actor.of(viewer.user), kind, path_id(request), values)
    return JSONResponse(item)


async def delete_item(request: Request) -> JSONResponse:
    viewer = await require_viewer(request, "organiser")
    kind = kind_of(request)
    item = await editor(request).delete_item(Actor.of(viewer.user), kind, path_id(request))
    return JSONResponse({"deleted": item})


async def get_history(request: Request) -> JSONResponse:
    await require_viewer(request, "organiser")
    raw_session = request.query_params.get("session_id")
    session_id = query_int(request, "session_id", 0, 1, 2**31 - 1) if raw_session else None
    entity = request.query_params.get("entity") or None
    if entity is not None and entity not in HISTORY_ENTITIES:
        raise Invalid(
            "entity must be one of " + ", ".join(HISTORY_ENTITIES),
            {"entity": "must be one of " + ", ".join(HISTORY_ENTITIES)},
        )
    page = query_int(request, "page", 1, 1, 100_000)
    per_page = query_int(request, "per_page", 50, 1, 200)
    async with request.app.state.db.reader() as db:
        body = await history.list_changes(
            db, session_id=session_id, entity=entity, page=page, per_page=per_page
        )
    return JSONResponse(body)


routes = [Route("/admin/history", get_history, methods=["GET"])]
for _plural in catalogue.KINDS:
    routes += [
        Route(f"/admin/{_plural}", list_items, methods=["GET"]),
        Route(f"/admin/{_plural}", create_item, methods=["POST"]),
        Route(f"/admin/{_plural}/{{id:int}}", update_item, methods=["PATCH"]),
        Route(f"/admin/{_plural}/{{id:int}}", delete_item, methods=["DELETE"]),
    ]
