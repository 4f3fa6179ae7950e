"""Breakout rooms API: moderators create, open, move people, broadcast, extend and close; attendees
see their room and, in self-service rounds, pick one."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conference import accounts, breakout_plan, breakout_views, breakouts
from conference.auth import require_viewer
from conference.db.base import utcnow
from conference.db.models import User
from conference.errors import Invalid
from conference.realtime.channels import breakout_channel, session_channel
from conference.validation import Fields
from conference.video import video_url_for
from conference.web import breakout_live as live
from conference.web.http import path_id, read_json


async def _view(request: Request, session_id: int, viewer: User, status: int = 200) -> JSONResponse:
    async with request.app.state.db.reader() as db:
        body = await breakout_views.view(db, session_id, viewer, utcnow())
    for room in body["rooms"]:
        room["channel"] = breakout_channel(room["id"])
    mine = body["my_room_id"]
    open_ = body["round"] is not None and body["round"]["status"] == "open"
    body["my_room"] = None
    if mine is not None and open_:
        room = next(r for r in body["rooms"] if r["id"] == mine)
        body["my_room"] = {
            "id": mine,
            "name": room["name"],
            "channel": breakout_channel(mine),
            "video_url": video_url_for(request.app.state, "breakout", mine, viewer.name),
        }
    if accounts.role_at_least(viewer.role, "moderator"):
        body["present"] = await _present(request, session_id, body)
    return JSONResponse(body, status_code=status)


async def _present(request: Request, session_id: int, body: dict[str, Any]) -> list[dict[str, Any]]:
    """People in the session's main room who are in no room of the round (for manual placing)."""
    present = set(await request.app.state.hub.present_users(session_channel(session_id)))
    placed = {m["id"] for room in body["rooms"] for m in room.get("members", [])}
    async with request.app.state.db.reader() as db:
        people = await breakout_views.attendees(db, present - placed)
    return [{"id": uid, "name": name} for uid, name in sorted(people.items(), key=lambda p: (p[1], p[0]))]


async def list_breakouts(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    return await _view(request, path_id(request), viewer.user)


async def create_breakouts(request: Request) -> JSONResponse:
    viewer = await require_viewer(request, "moderator")
    plan = breakout_plan.BreakoutPlan.parse(await read_json(request))
    async with request.app.state.db.session() as db:
        state = await breakouts.create_rooms(db, path_id(request), plan, viewer.id)
    await live.publish_summary(request.app, state)
    return await _view(request, state.round.session_id, viewer.user, status=201)


async def open_breakouts(request: Request) -> JSONResponse:
    viewer = await require_viewer(request, "moderator")
    session_id = path_id(request)
    present = set(await request.app.state.hub.present_users(session_channel(session_id)))
    async with request.app.state.db.session() as db:
        state = await breakouts.open_rooms(db, session_id, present, utcnow())
    request.app.state.breakout_timer.wake()
    await live.push_assigned(request.app, state)
    await live.publish_summary(request.app, state)
    return await _view(request, session_id, viewer.user)


def _move_target(data: Any) -> tuple[int, int | None, int | None]:
    fields = Fields(data)
    user_id = fields.integer("user_id", required=True, minimum=1)
    room_id = fields.integer("room_id", minimum=1)
    room_index = fields.integer("room_index", minimum=0, maximum=breakout_plan.MAX_ROOMS - 1)
    if room_id is None and room_index is None and not fields.problems:
        fields.fail("room_id", "give room_id or room_index")
    fields.check()
    return user_id or 0, room_id, room_index


async def move_person(request: Request) -> JSONResponse:
    viewer = await require_viewer(request, "moderator")
    session_id = path_id(request)
    user_id, room_id, room_index = _move_target(await read_json(request))
    async with request.app.state.db.session() as db:
        state, previous = await breakouts.move_person(
            db, session_id, user_id, room_id=room_id, room_index=room_index
        )
    await _announce_seat(request, state, user_id, previous)
    return await _view(request, session_id, viewer.user)


async def join_room(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    async with request.app.state.db.session() as db:
        state, previous = await breakouts.join_room(db, path_id(request, "room_id"), viewer.user)
    await _announce_seat(request, state, viewer.id, previous)
    return await _view(request, state.round.session_id, viewer.user)


async def _announce_seat(request: Request, state: breakouts.RoundState, user_id: int, previous: Any) -> None:
    now_in = state.room_of(user_id)
    if now_in is None or (previous is not None and previous.id == now_in.id):
        return
    if state.round.status == "open":
        await live.push_assigned(request.app, state, only=[user_id])
        if previous is not None:
            # They no longer belong to the old room's channel.
            await request.app.state.hub.revalidate_user(user_id)
    await live.publish_summary(request.app, state)


async def broadcast(request: Request) -> JSONResponse:
    viewer = await require_viewer(request, "moderator")
    body = breakout_plan.parse_broadcast(await read_json(request))
    async with request.app.state.db.reader() as db:
        state = await breakouts.running_state(db, path_id(request), lock=False)
    await live.publish_broadcast(request.app, state, viewer.user, body)
    return JSONResponse({"rooms": [r.id for r in state.rooms], "body": body})


async def extend(request: Request) -> JSONResponse:
    viewer = await require_viewer(request, "moderator")
    minutes = breakout_plan.parse_minutes(await read_json(request))
    async with request.app.state.db.session() as db:
        state = await breakouts.extend(db, path_id(request), minutes, utcnow())
    request.app.state.breakout_timer.wake()
    await live.push_assigned(request.app, state)
    await live.publish_summary(request.app, state)
    return await _view(request, state.round.session_id, viewer.user)


async def close(request: Request) -> JSONResponse:
    viewer = await require_viewer(request, "moderator")
    data = await read_json(request)
    if data and not isinstance(data, dict):
        raise Invalid("the body must be a JSON object or empty", {"body": "expected an object"})
    async with request.app.state.db.session() as db:
        state = await breakouts.close(db, path_id(request), utcnow())
    request.app.state.breakout_timer.wake()
    await live.announce_closed(request.app, state)
    return await _view(request, state.round.session_id, viewer.user)


routes = [
    Route("/sessions/{id:int}/breakouts", list_breakouts, methods=["GET"]),
    Route("/sessions/{id:int}/breakouts", create_breakouts, methods=["POST"]),
    Route("/sessions/{id:int}/breakouts/open", open_breakouts, methods=["POST"]),
    Route("/sessions/{id:int}/breakouts/move", move_person, methods=["POST"]),
    Route("/sessions/{id:int}/breakouts/broadcast", broadcast, methods=["POST"]),
    Route("/sessions/{id:int}/breakouts/extend", extend, methods=["POST"]),
    Route("/sessions/{id:int}/breakouts/close", close, methods=["POST"]),
    Route("/breakouts/{room_id:int}/join", join_room, methods=["POST"]),
]
