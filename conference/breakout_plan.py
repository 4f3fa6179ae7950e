"""What a moderator asks of breakout rooms, validated: the rooms to create, minutes, broadcasts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conference.validation import Fields

MODES = ("random", "themes", "manual", "self")
MIN_ROOMS, MAX_ROOMS = 2, 50
MAX_DURATION_MINUTES = 240
MAX_EXTEND_MINUTES = 120
MAX_CAPACITY = 1000
MAX_BROADCAST_CHARS = 2000


@dataclass(frozen=True)
class BreakoutPlan:
    """A validated `POST /sessions/{id}/breakouts` body."""

    names: list[str]
    mode: str
    duration_minutes: int
    capacity: int | None = None
    assignments: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Any) -> BreakoutPlan:
        fields = Fields(data)
        names = _room_names(fields, data.get("rooms"))
        mode = fields.choice("mode", MODES, required=True)
        duration = fields.integer("duration_minutes", required=True, minimum=1, maximum=MAX_DURATION_MINUTES)
        capacity = fields.integer("capacity", minimum=1, maximum=MAX_CAPACITY)
        assignments = _assignments(fields, data.get("assignments"), len(names), mode)
        if capacity is not None and any(len(ids) > capacity for ids in assignments.values()):
            fields.fail("assignments", f"a room is given more people than its capacity ({capacity})")
        fields.check()
        return cls(names, mode, duration or 0, capacity, assignments)


def _room_names(fields: Fields, rooms: Any) -> list[str]:
    if isinstance(rooms, int) and not isinstance(rooms, bool):
        if not MIN_ROOMS <= rooms <= MAX_ROOMS:
            fields.fail("rooms", f"must be between {MIN_ROOMS} and {MAX_ROOMS} rooms")
            return []
        return [f"Room {n + 1}" for n in range(rooms)]
    if isinstance(rooms, list):
        names = [r.strip() for r in rooms if isinstance(r, str)]
        if len(names) != len(rooms) or not all(names) or any(len(n) > 120 for n in names):
            fields.fail("rooms", "room names must be non-empty text of at most 120 characters")
        elif not MIN_ROOMS <= len(names) <= MAX_ROOMS:
            fields.fail("rooms", f"must name between {MIN_ROOMS} and {MAX_ROOMS} rooms")
        elif len(set(names)) != len(names):
            fields.fail("rooms", "room names must differ from each other")
        else:
            return names
        return []
    fields.fail("rooms", f"is required: a number of rooms ({MIN_ROOMS}–{MAX_ROOMS}) or a list of names")
    return []


def _assignments(fields: Fields, raw: Any, rooms: int, mode: str) -> dict[int, list[int]]:
    if raw is None or raw == {}:
        return {}
    if mode != "manual":
        fields.fail("assignments", "are only taken with mode manual")
        return {}
    if not isinstance(raw, dict):
        fields.fail("assignments", "must be an object {room_index: [user_id, …]}")
        return {}
    out: dict[int, list[int]] = {}
    seen: set[int] = set()
    for key, ids in raw.items():
        index = int(key) if isinstance(key, str) and key.isdigit() else None
        if index is None or index >= max(rooms, 1):
            fields.fail("assignments", f"room index {key!r} is not one of 0–{rooms - 1}")
            return {}
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            fields.fail("assignments", f"room {index}: expected a list of user ids")
            return {}
        twice = seen.intersection(ids) | {i for i in ids if ids.count(i) > 1}
        if twice:
            fields.fail(
                "assignments", "a person can be in one room only: " + ", ".join(map(str, sorted(twice)))
            )
            return {}
        seen.update(ids)
        out[index] = list(ids)
    return out


def parse_minutes(data: Any) -> int:
    fields = Fields(data)
    minutes = fields.integer("minutes", required=True, minimum=1, maximum=MAX_EXTEND_MINUTES)
    fields.check()
    return minutes or 0


def parse_broadcast(data: Any) -> str:
    fields = Fields(data)
    body = fields.text("body", required=True, max_length=MAX_BROADCAST_CHARS)
    fields.check()
    return body
