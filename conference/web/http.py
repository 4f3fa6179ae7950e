"""Request parsing shared by every JSON endpoint: size limits, malformed bodies, query values."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from conference.errors import Invalid, Malformed, TooLarge

MAX_BODY_BYTES = 1024 * 1024
MAX_SCHEDULE_BYTES = 5 * 1024 * 1024


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the body is over {limit // 1024} KiB")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"the body is over {limit // 1024} KiB")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request, limit: int = MAX_BODY_BYTES) -> Any:
    raw = await read_body(request, limit)
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Malformed(f"the body is not valid JSON: {exc}") from exc


def query_int(request: Request, name: str, default: int, minimum: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(f"{name} must be a whole number", {name: "must be a whole number"}) from None
    if not minimum <= value <= maximum:
        raise Invalid(
            f"{name} must be between {minimum} and {maximum}", {name: f"must be {minimum}–{maximum}"}
        )
    return value


def path_id(request: Request, name: str = "id") -> int:
    """Route ids are declared `{id:int}`, so this only reads them."""
    return int(request.path_params[name])


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
