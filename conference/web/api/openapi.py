"""`GET /api/v1/openapi.json`: the JSON API described in OpenAPI 3.1, kept beside the code it describes.

Add a line to OPERATIONS with every new endpoint: `tests/web/test_openapi.py` walks the app's router and
fails while a route is undescribed, or a described one no longer exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conference.accounts import INTENTS, ORG_TYPES, ROLES

API_PREFIX = "/api/v1"
KINDS = ["plenary", "panel", "session", "breakout", "roundtable", "networking", "break"]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def obj(required: list[str] | None = None, **properties: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        out["required"] = required
    return out


STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
TIME = {"type": "string", "format": "date-time", "description": "ISO 8601 with an offset"}
ANY_OBJECT = {"type": "object", "additionalProperties": True}

SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": obj(
        ["error"],
        error=obj(
            ["code", "message", "fields"],
            code={
                "type": "string",
                "examples": ["malformed", "unauthorized", "forbidden", "csrf", "not_found", "conflict"],
            },
            message=STR,
            fields={"type": "object", "additionalProperties": STR, "description": "field → problem"},
            current={"description": "on a 409 for a stale edit: the stored object"},
        ),
    ),
    "Speaker": obj(["id", "name"], id=INT, name=STR, organisation=STR, country=STR, job_title=STR, key=STR),
    "Table": obj(["id", "topic", "seats"], id=INT, topic=STR, host=STR, seats=INT, taken=INT, language=STR),
    "Session": obj(
        ["id", "title", "kind", "start", "end", "stage", "themes", "speakers", "description"],
        id=INT,
        key=STR,
        title=STR,
        kind={"type": "string", "enum": KINDS},
        start=TIME,
        end=TIME,
        conference_start=TIME,
        conference_end=TIME,
        stage={"type": "string", "description": "the stage's name"},
        stage_key=STR,
        themes=array(STR),
        speakers=array(ref("Speaker")),
        description=STR,
        stream_url={"type": ["string", "null"]},
        interpretation_url={"type": ["string", "null"]},
        language={"type": "string", "description": "ISO 639-1"},
        capacity={"type": ["integer", "null"]},
        qa_moderated=BOOL,
        version=INT,
        seating_mode=STR,
        tables=array(ref("Table")),
    ),
    "SessionInput": obj(
        ["title", "kind", "start", "end", "stage"],
        title=STR,
        kind={"type": "string", "enum": KINDS},
        start=TIME,
        end=TIME,
        stage={"type": "string", "description": "a stage key or name"},
        themes=array(STR),
        speakers={"type": "array", "items": {"type": ["integer", "string"]}},
        description=STR,
        stream_url=STR,
        interpretation_url=STR,
        capacity=INT,
        qa_moderated=BOOL,
        language=STR,
        key=STR,
        tables=array(obj(["topic", "seats"], id=INT, topic=STR, host=STR, seats=INT, language=STR)),
        version={"type": "integer", "description": "PATCH only: the version edited (409 when stale)"},
    ),
    "Programme": obj(
        ["conference", "themes", "days"],
        conference=ANY_OBJECT,
        timezone=STR,
        themes=array(obj(["slug", "name"], slug=STR, name=STR)),
        stages=array(ANY_OBJECT),
        days=array(
            obj(
                ["date", "sessions"],
                date={"type": "string", "format": "date"},
                sessions=array(ref("Session")),
            )
        ),
    ),
    "Profile": obj(
        ["id", "name"],
        id=INT,
        name=STR,
        organisation=STR,
        org_type={"type": "string", "enum": [*ORG_TYPES, ""]},
        job_title=STR,
        country={"type": "string", "description": "ISO 3166 alpha-2"},
        themes=array(STR),
        offers=array({"type": "string", "enum": list(INTENTS)}),
        seeks=array({"type": "string", "enum": list(INTENTS)}),
        languages=array({"type": "string", "description": "ISO 639-1"}),
        timezone={"type": "string", "description": "IANA zone"},
        bio=STR,
        listed=BOOL,
    ),
    "Me": {
        "allOf": [
            ref("Profile"),
            obj(
                ["email", "role"],
                email={"type": "string", "format": "email"},
                role={"type": "string", "enum": list(ROLES)},
                csrf_token=STR,
            ),
        ]
    },
    "Registration": {
        "allOf": [
            obj(["email", "password", "name"], email=STR, password={"type": "string", "minLength": 8}),
            ref("Profile"),
        ]
    },
    "Credentials": obj(["email", "password"], email=STR, password=STR),
    "SignedIn": obj(["user", "token"], user=ref("Me"), token=STR, csrf_token=STR),
    "Setup": obj(["token", "email", "password", "name"], token=STR, email=STR, password=STR, name=STR),
    "Bookmark": obj(["session_id", "bookmarked"], session_id=INT, bookmarked=BOOL),
    "ImportResult": obj(
        ["applied"],
        applied=BOOL,
        added=array(STR),
        changed=array(STR),
        removed=array(STR),
        unchanged=array(STR),
    ),
    "ChatMessage": obj(
        ["id", "channel", "user", "body", "ts"],
        type=STR,
        id=INT,
        channel=STR,
        user=obj(["id", "name"], id=INT, name=STR),
        body=STR,
        ts=TIME,
        client_id=STR,
    ),
    "Announcement": obj(
        ["id", "body"], id=INT, body=STR, session_id={"type": ["integer", "null"]}, created_at=TIME
    ),
    "Meeting": obj(
        ["id", "status", "start", "end"],
        id=INT,
        status={"type": "string", "enum": ["pending", "accepted", "declined", "cancelled"]},
        start=TIME,
        end=TIME,
        duration_minutes=INT,
        message=STR,
        requester=ref("Profile"),
        invitee=ref("Profile"),
        channel=STR,
        video_url=STR,
    ),
    "Agenda": obj(
        ["timezone", "items"],
        timezone=STR,
        items=array(
            obj(
                ["type", "start", "end", "title"],
                type=STR,
                session=ref("Session"),
                start=TIME,
                end=TIME,
                title=STR,
                changed=BOOL,
            )
        ),
    ),
}


@dataclass(frozen=True)
class Operation:
    """One method on one path, in the few words a reader of the API needs."""

    method: str
    path: str
    summary: str
    who: str = "anyone"  # anyone | signed in | attendee | moderator | organiser | …
    body: dict[str, Any] | None = None
    answer: dict[str, Any] | None = None
    status: int = 200
    media: str = "application/json"
    errors: tuple[int, ...] = ()
    query: tuple[tuple[str, str], ...] = ()
    tags: tuple[str, ...] = field(default=())


TZ = (("tz", "IANA zone the times are written in"),)
SIGNED_IN = "signed in"

OPERATIONS: list[Operation] = [
    # Accounts
    Operation(
        "post",
        "/auth/register",
        "Create an account",
        body=ref("Registration"),
        answer=obj(["user"], user=ref("Me")),
        status=201,
        errors=(409, 422, 429),
    ),
    Operation(
        "post",
        "/auth/login",
        "Sign in: sets the session cookie, returns a bearer token",
        body=ref("Credentials"),
        answer=ref("SignedIn"),
        errors=(401, 429),
    ),
    Operation(
        "post",
        "/auth/logout",
        "End this session and revoke its token",
        who=SIGNED_IN,
        answer=obj(["ok"], ok=BOOL),
    ),
    Operation(
        "post",
        "/auth/setup",
        "Create the first organiser with the link `conference serve` printed",
        body=ref("Setup"),
        answer=obj(["user"], user=ref("Me")),
        status=201,
        errors=(403, 422),
    ),
    Operation(
        "get", "/me", "One's own profile, e-mail, role and CSRF token", who=SIGNED_IN, answer=ref("Me")
    ),
    Operation(
        "patch",
        "/me",
        "Change one's profile",
        who=SIGNED_IN,
        body=ref("Profile"),
        answer=ref("Me"),
        errors=(422,),
    ),
    # Programme
    Operation(
        "get",
        "/programme",
        "The programme by day, times in `tz`",
        answer=ref("Programme"),
        query=TZ,
        errors=(422,),
    ),
    Operation(
        "post",
        "/sessions",
        "Add a session",
        who="organiser",
        body=ref("SessionInput"),
        answer=ref("Session"),
        status=201,
        errors=(422,),
    ),
    Operation("get", "/sessions/{id}", "One session", answer=ref("Session"), query=TZ, errors=(404,)),
    Operation(
        "patch",
        "/sessions/{id}",
        "Edit a session (send its `version`)",
        who="organiser",
        body=ref("SessionInput"),
        answer=ref("Session"),
        errors=(404, 409, 422),
    ),
    Operation("delete", "/sessions/{id}", "Remove a session", who="organiser", status=204, errors=(404,)),
    Operation("get", "/schedule.yaml", "The programme as schedule.yaml", media="application/yaml"),
    Operation(
        "put",
        "/schedule.yaml",
        "Replace the programme atomically",
        who="organiser",
        body={"type": "string", "description": "schedule.yaml"},
        answer=ref("ImportResult"),
        query=(("dry_run", "true: only report"),),
        errors=(413, 422),
    ),
    Operation("get", "/schedule.xml", "The programme in the frab schedule XML", media="application/xml"),
    Operation("get", "/schedule.ics", "The programme as iCalendar", media="text/calendar"),
    # Personal agenda
    Operation(
        "put",
        "/me/bookmarks/{session_id}",
        "Bookmark a session",
        who=SIGNED_IN,
        answer=ref("Bookmark"),
        errors=(404,),
    ),
    Operation(
        "delete",
        "/me/bookmarks/{session_id}",
        "Remove a bookmark",
        who=SIGNED_IN,
        answer=ref("Bookmark"),
        errors=(404,),
    ),
    Operation(
        "get",
        "/me/agenda",
        "Bookmarked sessions and accepted meetings",
        who=SIGNED_IN,
        answer=ref("Agenda"),
        query=TZ,
    ),
    Operation("get", "/me/agenda.ics", "The agenda as iCalendar", who=SIGNED_IN, media="text/calendar"),
    Operation(
        "post",
        "/me/agenda/seen",
        "Mark the agenda's changes as seen",
        who=SIGNED_IN,
        body=obj(session_ids=array(INT)),
        answer=ANY_OBJECT,
    ),
    # Live rooms
    Operation(
        "get",
        "/rooms/{channel}/messages",
        "Chat history of a channel, oldest first",
        who="channel members",
        answer=array(ref("ChatMessage")),
        query=(
            ("after", "message id: the messages after it"),
            ("before", "message id: the latest messages before it"),
            ("limit", "1–200, default 50"),
        ),
        errors=(404,),
    ),
    Operation(
        "get",
        "/sessions/{id}/questions",
        "A session's Q&A as the viewer may see it",
        who=SIGNED_IN,
        answer=obj(["questions"], questions=array(ANY_OBJECT)),
        errors=(404,),
    ),
    Operation(
        "get",
        "/sessions/{id}/polls",
        "A session's polls with the viewer's own vote",
        who=SIGNED_IN,
        answer=obj(["polls"], polls=array(ANY_OBJECT)),
        errors=(404,),
    ),
    Operation(
        "get",
        "/moderation/reports",
        "Reported chat messages",
        who="moderator",
        answer=obj(["reports"], reports=array(ANY_OBJECT)),
        query=(("channel", "only this channel"), ("all", "true: resolved ones too")),
    ),
    Operation(
        "post",
        "/moderation/reports/{id}/resolve",
        "Mark a report dealt with",
        who="moderator",
        answer=ANY_OBJECT,
        errors=(404,),
    ),
    Operation(
        "get",
        "/me/notifications",
        "One's notifications, newest first",
        who=SIGNED_IN,
        answer=ANY_OBJECT,
        query=(("unread", "true: only unread"), ("limit", "1–200, default 50")),
    ),
    Operation(
        "post",
        "/me/notifications/read",
        "Mark notifications read (`ids`, or all)",
        who=SIGNED_IN,
        body=obj(ids=array(INT)),
        answer=obj(["marked"], marked=INT),
    ),
    Operation(
        "get",
        "/announcements",
        "Recent announcements",
        answer=obj(["items"], items=array(ref("Announcement"))),
        query=(
            ("session_id", "only this session's room"),
            ("before", "announcement id"),
            ("limit", "1–200, default 50"),
        ),
    ),
    Operation(
        "post",
        "/announcements",
        "Announce to everyone online (or one session's room)",
        who="organiser",
        body=obj(["body"], body=STR, session_id=INT),
        answer=ref("Announcement"),
        status=201,
    ),
    # Organisers
    Operation(
        "get",
        "/admin/users",
        "Search accounts",
        who="organiser",
        answer=ANY_OBJECT,
        query=(
            ("q", "name or e-mail"),
            ("role", "only this role"),
            ("page", "from 1"),
            ("per_page", "1–100, default 25"),
        ),
    ),
    Operation(
        "patch",
        "/users/{id}",
        "Change a person's role or deactivate them",
        who="organiser",
        body=obj(role={"type": "string", "enum": list(ROLES)}, active=BOOL),
        answer=ANY_OBJECT,
        errors=(404,),
    ),
    Operation(
        "get", "/admin/registrations.csv", "Every registration as CSV", who="organiser", media="text/csv"
    ),
    Operation(
        "get",
        "/admin/stats",
        "Live figures: registrations, presence, rooms",
        who="organiser",
        answer=ANY_OBJECT,
    ),
    Operation(
        "get",
        "/admin/stats/{chart}.csv",
        "One dashboard chart's figures as CSV",
        who="organiser",
        media="text/csv",
        errors=(404,),
    ),
    Operation(
        "get",
        "/admin/stats/{chart}.svg",
        "One dashboard chart as an SVG image",
        who="organiser",
        media="image/svg+xml",
        errors=(404,),
    ),
    Operation(
        "get",
        "/admin/history",
        "The programme's change history",
        who="organiser",
        answer=ANY_OBJECT,
        query=(
            ("session_id", "only this session"),
            ("entity", "session, speaker, theme or stage"),
            ("page", "from 1"),
            ("per_page", "1–200, default 50"),
        ),
    ),
    *(
        op
        for plural, what in (("speakers", "speaker"), ("themes", "theme"), ("stages", "stage"))
        for op in (
            Operation(
                "get",
                f"/admin/{plural}",
                f"Every {what} of the programme",
                who="organiser",
                answer=obj(["items"], items=array(ANY_OBJECT)),
            ),
            Operation(
                "post",
                f"/admin/{plural}",
                f"Add a {what}",
                who="organiser",
                body=ANY_OBJECT,
                answer=ANY_OBJECT,
                status=201,
                errors=(409,),
            ),
            Operation(
                "patch",
                f"/admin/{plural}/{{id}}",
                f"Change a {what}",
                who="organiser",
                body=ANY_OBJECT,
                answer=ANY_OBJECT,
                errors=(404, 409),
            ),
            Operation(
                "delete",
                f"/admin/{plural}/{{id}}",
                f"Remove a {what} (409 while sessions use it)",
                who="organiser",
                answer=obj(["deleted"], deleted=ANY_OBJECT),
                errors=(404, 409),
            ),
        )
    ),
    # Breakouts and roundtables
    Operation(
        "get",
        "/sessions/{id}/breakouts",
        "A session's breakout rooms with their members",
        who=SIGNED_IN,
        answer=ANY_OBJECT,
        errors=(404,),
    ),
    Operation(
        "post",
        "/sessions/{id}/breakouts",
        "Create breakout rooms (`rooms`: a count or names; `mode`: random, themes, manual or self)",
        who="moderator",
        body=obj(
            ["rooms", "mode", "duration_minutes"],
            rooms={"type": ["integer", "array"]},
            mode={"type": "string", "enum": ["random", "themes", "manual", "self"]},
            duration_minutes=INT,
            assignments={"type": "object", "additionalProperties": array(INT)},
        ),
        answer=ANY_OBJECT,
        status=201,
        errors=(404, 409),
    ),
    Operation(
        "post",
        "/sessions/{id}/breakouts/open",
        "Open the rooms: fill them from the people present and tell each their room",
        who="moderator",
        answer=ANY_OBJECT,
        errors=(404, 409),
    ),
    Operation(
        "post",
        "/sessions/{id}/breakouts/move",
        "Move a person to another room",
        who="moderator",
        body=obj(["user_id", "room_id"], user_id=INT, room_id=INT),
        answer=ANY_OBJECT,
        errors=(404, 409),
    ),
    Operation(
        "post",
        "/sessions/{id}/breakouts/broadcast",
        "A message to every breakout room",
        who="moderator",
        body=obj(["body"], body=STR),
        answer=ANY_OBJECT,
        errors=(404, 409),
    ),
    Operation(
        "post",
        "/sessions/{id}/breakouts/extend",
        "Give the rooms more minutes",
        who="moderator",
        body=obj(["minutes"], minutes=INT),
        answer=ANY_OBJECT,
        errors=(404, 409),
    ),
    Operation(
        "post",
        "/sessions/{id}/breakouts/close",
        "Close the rooms and bring everyone back",
        who="moderator",
        answer=ANY_OBJECT,
        errors=(404, 409),
    ),
    Operation(
        "post",
        "/breakouts/{room_id}/join",
        "Pick a room (self-chosen breakouts)",
        who=SIGNED_IN,
        answer=ANY_OBJECT,
        errors=(404, 409),
    ),
    Operation(
        "get",
        "/sessions/{id}/tables",
        "A roundtable session's tables and seats",
        who=SIGNED_IN,
        answer=ANY_OBJECT,
        errors=(404,),
    ),
    Operation(
        "post",
        "/tables/{id}/join",
        "Take a seat (moves one's seat within the session)",
        who=SIGNED_IN,
        answer=ANY_OBJECT,
        errors=(404, 409),
    ),
    Operation(
        "post", "/tables/{id}/leave", "Give up one's seat", who=SIGNED_IN, answer=ANY_OBJECT, errors=(404,)
    ),
    Operation(
        "get",
        "/sessions/{id}/seating",
        "Ranked seating: preferences, seats and who is unseated",
        who="organiser",
        answer=ANY_OBJECT,
        errors=(404,),
    ),
    Operation(
        "put",
        "/sessions/{id}/seating",
        "Choose first-come or ranked seating (and the ranking deadline)",
        who="organiser",
        body=obj(["mode"], mode={"type": "string", "enum": ["first_come", "ranked"]}, ranking_deadline=TIME),
        answer=ANY_OBJECT,
        errors=(404, 409),
    ),
    Operation(
        "post",
        "/sessions/{id}/seating/run",
        "Seat everyone who ranked tables, now",
        who="organiser",
        answer=ANY_OBJECT,
        errors=(404, 409),
    ),
    Operation(
        "get",
        "/sessions/{id}/preferences",
        "One's ranked tables for a roundtable session",
        who=SIGNED_IN,
        answer=ANY_OBJECT,
        errors=(404,),
    ),
    Operation(
        "put",
        "/sessions/{id}/preferences",
        "Rank 1–3 tables, best first",
        who=SIGNED_IN,
        body=obj(["tables"], tables=array(INT)),
        answer=ANY_OBJECT,
        errors=(404, 409),
    ),
    # People and matchmaking
    Operation(
        "get",
        "/people",
        "The directory (people who agreed to be listed)",
        who=SIGNED_IN,
        answer=obj(["items"], items=array(ref("Profile")), page=INT, per_page=INT, total=INT),
        query=(
            ("q", "name, organisation or job title"),
            ("country", "ISO 3166 alpha-2"),
            ("theme", "theme slug"),
            ("org_type", "organisation type"),
            ("language", "ISO 639-1"),
            ("offers", "intent"),
            ("seeks", "intent"),
            ("page", "from 1"),
            ("per_page", "page size"),
        ),
    ),
    Operation(
        "get",
        "/people/{id}",
        "One person, with what the viewer did (connection, hidden, blocked)",
        who=SIGNED_IN,
        answer=ref("Profile"),
        errors=(404,),
    ),
    Operation(
        "get",
        "/people/{id}/slots",
        "That person's free 15-minute slots, beside one's own",
        who=SIGNED_IN,
        answer=ANY_OBJECT,
        query=TZ,
        errors=(404,),
    ),
    Operation(
        "post",
        "/people/{id}/connect",
        "Ask to exchange contacts (a connection once both asked)",
        who=SIGNED_IN,
        answer=ANY_OBJECT,
        errors=(403, 404),
    ),
    Operation(
        "delete",
        "/people/{id}/connect",
        "Withdraw the request (ends the connection)",
        who=SIGNED_IN,
        answer=ANY_OBJECT,
        errors=(404,),
    ),
    Operation(
        "post",
        "/people/{id}/hide",
        "“No thanks”: never recommend the two to each other",
        who=SIGNED_IN,
        answer=ANY_OBJECT,
        errors=(404,),
    ),
    Operation(
        "delete", "/people/{id}/hide", "Undo “no thanks”", who=SIGNED_IN, answer=ANY_OBJECT, errors=(404,)
    ),
    Operation(
        "post",
        "/people/{id}/block",
        "Block: no DMs, meetings, connections or recommendations either way",
        who=SIGNED_IN,
        answer=ANY_OBJECT,
        errors=(404,),
    ),
    Operation("delete", "/people/{id}/block", "Unblock", who=SIGNED_IN, answer=ANY_OBJECT, errors=(404,)),
    Operation(
        "get",
        "/me/connections",
        "People one is connected with, with their contact details",
        who=SIGNED_IN,
        answer=array(ref("Profile")),
    ),
    Operation(
        "get", "/me/hidden", "People one hid or blocked (to undo either)", who=SIGNED_IN, answer=ANY_OBJECT
    ),
    Operation(
        "get",
        "/me/recommendations",
        "People to meet, best first, each with its reasons",
        who=SIGNED_IN,
        answer=array(
            obj(
                ["user", "score", "reasons"],
                user=ref("Profile"),
                score={"type": "number", "minimum": 0, "maximum": 1},
                reasons=array(STR),
            )
        ),
        query=(("limit", "1–50, default 10"),),
    ),
    Operation("get", "/admin/matchmaking", "The matchmaking settings", who="organiser", answer=ANY_OBJECT),
    Operation(
        "put",
        "/admin/matchmaking",
        "Replace the matchmaking settings",
        who="organiser",
        body=ANY_OBJECT,
        answer=ANY_OBJECT,
    ),
    # Meetings and speed networking
    Operation(
        "post",
        "/meetings",
        "Ask someone for a 1:1 meeting",
        who=SIGNED_IN,
        body=obj(["invitee_id", "start"], invitee_id=INT, start=TIME, duration_minutes=INT, message=STR),
        answer=ref("Meeting"),
        status=201,
        errors=(403, 404, 409),
    ),
    Operation(
        "get",
        "/meetings/{id}",
        "One meeting",
        who="its two people",
        answer=ref("Meeting"),
        query=TZ,
        errors=(404,),
    ),
    Operation(
        "post",
        "/meetings/{id}/accept",
        "Accept (the invitee)",
        who="the invitee",
        answer=ref("Meeting"),
        errors=(404, 409),
    ),
    Operation(
        "post",
        "/meetings/{id}/decline",
        "Decline (the invitee)",
        who="the invitee",
        answer=ref("Meeting"),
        errors=(404, 409),
    ),
    Operation(
        "post",
        "/meetings/{id}/cancel",
        "Cancel (either person)",
        who="its two people",
        answer=ref("Meeting"),
        errors=(404, 409),
    ),
    Operation(
        "get",
        "/me/meetings",
        "One's meetings of every status, in time order",
        who=SIGNED_IN,
        answer=array(ref("Meeting")),
        query=TZ,
    ),
    Operation(
        "post",
        "/networking/rounds",
        "Start a speed-networking round: pair everyone in the lobby",
        who="moderator",
        body=obj(
            ["session_id", "duration_seconds"],
            session_id=INT,
            duration_seconds={"type": "integer", "minimum": 60, "maximum": 1800},
        ),
        answer=ANY_OBJECT,
        status=201,
        errors=(404, 409),
    ),
    Operation(
        "get",
        "/networking/{id}",
        "A networking session's lobby: the round, one's partner, who is present",
        who=SIGNED_IN,
        answer=ANY_OBJECT,
        errors=(404,),
    ),
    # This document
    Operation("get", "/openapi.json", "This description of the API", answer=ANY_OBJECT),
]

STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No content",
    400: "Malformed body",
    401: "Not signed in",
    403: "Not allowed (or a missing CSRF token)",
    404: "Not found",
    409: "Conflict",
    413: "Too large",
    422: "Invalid (see `fields`)",
    429: "Rate limited (see `Retry-After`)",
}


def path_parameters(path: str) -> list[dict[str, Any]]:
    """Ids are integers; other parameters (a channel name, a chart's slug) are strings."""
    names = re.findall(r"\{(\w+)\}", path)
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": INT if name == "id" or name.endswith("_id") else STR,
        }
        for name in names
    ]


def operation_object(op: Operation) -> dict[str, Any]:
    out: dict[str, Any] = {
        "summary": op.summary,
        "description": f"Who: {op.who}.",
        "tags": list(op.tags) or [op.path.strip("/").split("/")[0].split(".")[0]],
        "responses": {},
    }
    if op.who != "anyone":
        out["security"] = [{"bearer": []}, {"cookie": []}]
    parameters = path_parameters(op.path) + [
        {"name": name, "in": "query", "required": False, "schema": STR, "description": text}
        for name, text in op.query
    ]
    if parameters:
        out["parameters"] = parameters
    if op.body is not None:
        media = "application/yaml" if op.path.endswith(".yaml") else "application/json"
        out["requestBody"] = {"required": True, "content": {media: {"schema": op.body}}}
    success: dict[str, Any] = {"description": STATUS_TEXT.get(op.status, "OK")}
    if op.status != 204:
        success["content"] = {op.media: {"schema": op.answer or STR}}
    out["responses"][str(op.status)] = success
    errors = set(op.errors)
    if op.body is not None:
        errors |= {400, 413, 422}
    if op.who != "anyone":
        errors |= {401, 403}
    for status in sorted(errors):
        out["responses"][str(status)] = {
            "description": STATUS_TEXT[status],
            "content": {"application/json": {"schema": ref("Error")}},
        }
    return out


@cache
def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = operation_object(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Conference platform API",
            "version": "1",
            "description": (
                "Ids are integers; times are ISO 8601 with an offset. Errors are "
                '`{"error": {"code", "message", "fields"}}`. A state-changing request authenticated by the '
                "session cookie must carry the CSRF token (`X-CSRF-Token`); a bearer token needs none. "
                "The websocket `/ws` is described in docs/protocol.md."
            ),
        },
        "servers": [{"url": API_PREFIX}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "conference_session"},
            },
        },
    }


async def openapi_json(request: Request) -> JSONResponse:
    return JSONResponse(document(), headers={"cache-control": "public, max-age=300"})


routes = [Route("/openapi.json", openapi_json, methods=["GET"])]
