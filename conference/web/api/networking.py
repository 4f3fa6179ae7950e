"""Networking API: speed-networking rounds and lobby state, matchmaking settings, ranked roundtables."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conference import people, ranked_seating, recommendations, speed_networking
from conference.auth import require_viewer
from conference.realtime.channels import meeting_channel, networking_channel, table_channel
from conference.video import video_url_for
from conference.web.api.roundtables import publish_tables
from conference.web.http import path_id, read_json
from conference.web.networking_live import end_rounds, people_by_id, push_round


async def start_round(request: Request) -> JSONResponse:
    viewer = await require_viewer(request, "moderator")
    wanted = speed_networking.RoundRequest.parse(await read_json(request))
    app = request.app
    recommender = app.state.recommender
    present = await app.state.hub.present_users(networking_channel(wanted.session_id))
    await recommender.ensure(present)
    async with app.state.db.session() as db:
        outcome = await speed_networking.start_round(
            db, viewer.user, wanted, present, recommender.score_matrix, recommender.reasons
        )
    await end_rounds(app, outcome.ended)
    await push_round(app, outcome)
    app.state.networking_timer.wake()
    row = outcome.round
    return JSONResponse(
        {
            "id": row.id,
            "session_id": row.session_id,
            "round": row.number,
            "started_at": row.started_at.isoformat(),
            "ends_at": row.ends_at.isoformat(),
            "groups": [
                {
                    "meeting_id": g.meeting.id,
                    "channel": meeting_channel(g.meeting.id),
                    "members": g.member_ids,
                }
                for g in outcome.groups
            ],
            "unpaired": outcome.unpaired,
        },
        status_code=201,
    )


async def lobby(request: Request) -> JSONResponse:
    """`GET /networking/{session_id}`: the latest round and, if the viewer is in it, their partners."""
    viewer = await require_viewer(request)
    app = request.app
    async with app.state.db.reader() as db:
        state = await speed_networking.lobby_state(db, path_id(request), viewer.id)
        mine = state.pop("mine")
        partners = await people_by_id(db, set(mine["partner_ids"])) if mine else {}
    state["present"] = len(await app.state.hub.present_users(networking_channel(path_id(request))))
    state["mine"] = None
    if mine is not None:
        ids = mine["partner_ids"]
        state["mine"] = {
            "meeting_id": mine["meeting_id"],
            "partner": [people.public_profile(partners[p]) for p in ids if p in partners],
            "reason": speed_networking.person_reason(app.state.recommender.reasons, viewer.id, ids),
            "channel": meeting_channel(mine["meeting_id"]),
            "video_url": video_url_for(app.state, "meeting", mine["meeting_id"], viewer.user.name),
        }
    return JSONResponse(state)


async def get_settings(request: Request) -> JSONResponse:
    await require_viewer(request, "organiser")
    async with request.app.state.db.reader() as db:
        settings, version = await recommendations.load_settings(db)
    return JSONResponse({**settings.to_dict(), "version": version})


async def put_settings(request: Request) -> JSONResponse:
    viewer = await require_viewer(request, "organiser")
    data = await read_json(request)
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != "version"}  # GET's answer may be sent back as is
    settings = recommendations.parse_settings(data)
    async with request.app.state.db.session() as db:
        version = await recommendations.save_settings(db, settings, viewer.id)
    await request.app.state.recommender.set_settings(settings, version)
    return JSONResponse({**settings.to_dict(), "version": version})


# ---------------------------------------------------------------- ranked roundtables


async def set_seating_mode(request: Request) -> JSONResponse:
    await require_viewer(request, "organiser")
    change = ranked_seating.ModeChange.parse(await read_json(request))
    async with request.app.state.db.session() as db:
        await ranked_seating.set_mode(db, path_id(request), change)
    request.app.state.networking_timer.wake()
    async with request.app.state.db.reader() as db:
        return JSONResponse(await ranked_seating.seating_view(db, path_id(request)))


async def put_preferences(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    data = await read_json(request)
    async with request.app.state.db.session() as db:
        await ranked_seating.set_preferences(db, viewer.user, path_id(request), data)
    async with request.app.state.db.reader() as db:
        return JSONResponse(await ranked_seating.preferences_view(db, viewer.id, path_id(request)))


async def get_preferences(request: Request) -> JSONResponse:
    viewer = await require_viewer(request)
    async with request.app.state.db.reader() as db:
        return JSONResponse(await ranked_seating.preferences_view(db, viewer.id, path_id(request)))


async def run_seating(request: Request) -> JSONResponse:
    viewer = await require_viewer(request, "organiser")
    async with request.app.state.db.session() as db:
        result = await ranked_seating.run(db, path_id(request), viewer.id)
    await announce_seating(request.app, result)
    async with request.app.state.db.reader() as db:
        return JSONResponse(await ranked_seating.seating_view(db, path_id(request)))


async def get_seating(request: Request) -> JSONResponse:
    await require_viewer(request, "organiser")
    async with request.app.state.db.reader() as db:
        return JSONResponse(await ranked_seating.seating_view(db, path_id(request)))


async def announce_seating(app: Starlette, result: ranked_seating.SeatingResult) -> None:
    """Tells everyone who ranked where they sit (`seating.assigned`) or that no seat was left for them
    (`seating.unseated`), and refreshes every open tables view."""
    async with app.state.db.reader() as db:
        users = await people_by_id(db, set(result.choices))
    for user_id in result.choices:
        table_id = result.assignment.get(user_id)
        if table_id is None:
            event = {
                "type": "seating.unseated",
                "session_id": result.session_id,
                "message": "no seat was left at a table that speaks your languages; ask the organisers",
            }
        else:
            table = result.tables[table_id]
            event = {
                "type": "seating.assigned",
                "session_id": result.session_id,
                "table_id": table_id,
                "topic": table.topic,
                "rank": result.rank_of(user_id),
                "channel": table_channel(table_id),
                "video_url": video_url_for(app.state, "table", table_id, users[user_id].name)
                if user_id in users
                else None,
            }
        await app.state.hub.notify_user(user_id, event)
    await publish_tables(app, result.session_id)


routes = [
    Route("/networking/rounds", start_round, methods=["POST"]),
    Route("/networking/{id:int}", lobby, methods=["GET"]),
    Route("/admin/matchmaking", get_settings, methods=["GET"]),
    Route("/admin/matchmaking", put_settings, methods=["PUT"]),
    Route("/sessions/{id:int}/seating", get_seating, methods=["GET"]),
    Route("/sessions/{id:int}/seating", set_seating_mode, methods=["PUT"]),
    Route("/sessions/{id:int}/seating/run", run_seating, methods=["POST"]),
    Route("/sessions/{id:int}/preferences", get_preferences, methods=["GET"]),
    Route("/sessions/{id:int}/preferences", put_preferences, methods=["PUT"]),
]
