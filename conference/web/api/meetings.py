"""Meetings API: request a 1:1 meeting, accept, decline, cancel, and one's own meetings."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conference import meetings
from conference.auth import require_viewer
from conference.validation import require_timezone
from conference.web.http import path_id, read_json
from conference.web.networking_live import meeting_body, push_meeting, zone


async def request_meeting(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    wanted = meetings.MeetingRequest.parse(await read_json(request))
    async with request.app.state.db.session() as db:
        meeting, invitee = await meetings.request(db, viewer.user, wanted)
    group = sorted([viewer.user, invitee], key=lambda u: u.id)
    await push_meeting(request.app, "requested", meeting, group)
    body = meeting_body(request.app, meeting, group, viewer.user, zone(viewer.user))
    return JSONResponse(body, status_code=201)


async def _answer(request: Request, verb: str) -> JSONResponse:
    viewer = await require_viewer(request)
    change = {"accepted": meetings.accept, "declined": meetings.decline, "cancelled": meetings.cancel}[verb]
    async with request.app.state.db.session() as db:
        meeting, group = await change(db, viewer.user, path_id(request))
    await push_meeting(request.app, verb, meeting, group)
    if verb == "accepted":
        for person in group:  # their free slots changed
            await request.app.state.recommender.refresh_person(person.id)
    return JSONResponse(meeting_body(request.app, meeting, group, viewer.user, zone(viewer.user)))


async def accept(request: Request) -> JSONResponse:
    return await _answer(request, "accepted")


async def decline(request: Request) -> JSONResponse:
    return await _answer(request, "declined")


async def cancel(request: Request) -> JSONResponse:
    return await _answer(request, "cancelled")


async def my_meetings(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    name = request.query_params.get("tz")
    tz = require_timezone(name) if name else zone(viewer.user)
    async with request.app.state.db.reader() as db:
        found = await meetings.my_meetings(db, viewer.id, tz)
    return JSONResponse([meeting_body(request.app, m, group, viewer.user, tz) for m, group in found])


async def one_meeting(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    name = request.query_params.get("tz")
    tz = require_timezone(name) if name else zone(viewer.user)
    async with request.app.state.db.reader() as db:
        meeting = await meetings.get_meeting(db, path_id(request))
        group = await meetings.members(db, meeting.id)
    if viewer.id not in {u.id for u in group}:
        raise meetings.NotFound(f"no meeting {meeting.id}")
    return JSONResponse(meeting_body(request.app, meeting, group, viewer.user, tz))


routes = [
    Route("/meetings", request_meeting, methods=["POST"]),
    Route("/meetings/{id:int}", one_meeting, methods=["GET"]),
    Route("/meetings/{id:int}/accept", accept, methods=["POST"]),
    Route("/meetings/{id:int}/decline", decline, methods=["POST"]),
    Route("/meetings/{id:int}/cancel", cancel, methods=["POST"]),
    Route("/me/meetings", my_meetings, methods=["GET"]),
]
