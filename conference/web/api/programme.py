"""Programme API: the programme in any time zone, sessions, and the schedule file in and out."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from conference import programme
from conference.agenda_edits import Actor, AgendaEditor, require_version
from conference.auth import require_viewer
from conference.errors import Invalid
from conference.schedule.export import to_frab_xml, to_ical
from conference.schedule.loader import ScheduleError, load_programme
from conference.validation import require_timezone
from conference.web.http import MAX_SCHEDULE_BYTES, path_id, read_body, read_json


def editor(request: Request) -> AgendaEditor:
    return AgendaEditor(request.app.state.db, request.app.state.hub)


def requested_tz(request: Request) -> ZoneInfo | None:
    name = request.query_params.get("tz")
    return require_timezone(name) if name else None


async def get_programme(request: Request) -> Response:
    body = await request.app.state.programme_cache.programme_json(requested_tz(request))
    return Response(body, media_type="application/json")


async def get_session(request: Request) -> JSONResponse:
    tz = requested_tz(request)
    async with request.app.state.db.reader() as db:
        return JSONResponse(await programme.session_view(db, path_id(request), tz))


async def create_session(request: Request) -> JSONResponse:
    viewer = await require_viewer(request, "organiser")
    change = programme.SessionChange.parse(await read_json(request), partial=False)
    body = await editor(request).create_session(Actor.of(viewer.user), change)
    return JSONResponse(await in_requested_tz(request, body), status_code=201)


async def update_session(request: Request) -> JSONResponse:
    viewer = await require_viewer(request, "organiser")
    change = programme.SessionChange.parse(await read_json(request), partial=True)
    body = await editor(request).update_session(
        Actor.of(viewer.user), path_id(request), change, requested_tz(request)
    )
    return JSONResponse(await in_requested_tz(request, body))


async def delete_session(request: Request) -> Response:
    """`?version=N` refuses the delete (409 with the current session) if someone changed it since."""
    viewer = await require_viewer(request, "organiser")
    version = require_version(request.query_params.get("version"))
    await editor(request).delete_session(Actor.of(viewer.user), path_id(request), version)
    return Response(status_code=204)


async def in_requested_tz(request: Request, body: dict) -> dict:
    """Edits answer in the conference's zone unless the request asked for another with `?tz=`."""
    tz = requested_tz(request)
    if tz is None:
        return body
    async with request.app.state.db.reader() as db:
        return await programme.session_view(db, body["id"], tz)


async def export_schedule_yaml(request: Request) -> Response:
    async with request.app.state.db.reader() as db:
        text = await programme.export_yaml(db)
    return Response(text, media_type="application/yaml; charset=utf-8")


def schedule_problems(error: ScheduleError) -> Invalid:
    fields = {}
    for problem in error.problems:
        fields.setdefault(f"line {problem.line}", str(problem))
    first = error.problems[0] if error.problems else None
    message = f"the schedule has {len(error.problems)} problem(s)" + (f"; first: {first}" if first else "")
    invalid = Invalid(message, fields)
    invalid.extra["problems"] = [
        {"line": p.line, "field": p.field, "message": p.message} for p in error.problems
    ]
    return invalid


async def import_schedule_yaml(request: Request) -> JSONResponse:
    """Replaces the programme atomically; `?dry_run=true` only reports what would change, and
    `?details=true` adds each session's title, time and changed fields (the console's preview)."""
    viewer = await require_viewer(request, "organiser")
    raw = await read_body(request, MAX_SCHEDULE_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid("the file is not UTF-8 text", {"file": "must be UTF-8"}) from None
    try:
        incoming = load_programme(text)
    except ScheduleError as exc:
        raise schedule_problems(exc) from None
    dry_run = flag(request, "dry_run")
    outcome = await editor(request).import_programme(Actor.of(viewer.user), incoming, dry_run=dry_run)
    return JSONResponse(outcome.to_json(details=flag(request, "details")))


def flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in ("1", "true", "yes")


async def export_schedule_xml(request: Request) -> Response:
    async with request.app.state.db.reader() as db:
        data = await programme.to_programme(db)
        ids = await programme.session_ids(db)
    base = str(request.base_url).rstrip("/")
    return Response(to_frab_xml(data, base_url=base, ids=ids), media_type="application/xml; charset=utf-8")


async def export_schedule_ics(request: Request) -> Response:
    async with request.app.state.db.reader() as db:
        data = await programme.to_programme(db)
        ids = await programme.session_ids(db)
    base = str(request.base_url).rstrip("/")
    return Response(
        to_ical(data, ids=ids, base_url=base),
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="programme.ics"'},
    )


routes = [
    Route("/programme", get_programme, methods=["GET"]),
    Route("/sessions", create_session, methods=["POST"]),
    Route("/sessions/{id:int}", get_session, methods=["GET"]),
    Route("/sessions/{id:int}", update_session, methods=["PATCH"]),
    Route("/sessions/{id:int}", delete_session, methods=["DELETE"]),
    Route("/schedule.yaml", export_schedule_yaml, methods=["GET"]),
    Route("/schedule.yaml", import_schedule_yaml, methods=["PUT"]),
    Route("/schedule.xml", export_schedule_xml, methods=["GET"]),
    Route("/schedule.ics", export_schedule_ics, methods=["GET"]),
]
