"""The /ws wire format: client frames parsed into typed frames, server events encoded to JSON once."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from typing import Any, Self

from conference.errors import AppError, Invalid
from conference.realtime import channels
from conference.realtime.channels import Channel

MAX_FRAME_BYTES = 64 * 1024
MAX_REF_CHARS = 128


def encode(event: dict[str, Any]) -> str:
    """The JSON text of an event: compact, UTF-8 as is (bodies are delivered exactly as stored)."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> dict[str, Any]:
    """The frame object; Invalid for anything but a JSON object."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise Invalid("the frame is not valid JSON") from None
    if not isinstance(data, dict):
        raise Invalid("a frame must be a JSON object")
    return data


def frame_ref(data: dict[str, Any]) -> Any:
    """The frame's `ref` to echo; Invalid when it is not a short string or a number."""
    ref = data.get("ref")
    if ref is not None and not _valid_ref(ref):
        raise Invalid(f"ref must be a string of at most {MAX_REF_CHARS} characters or a number")
    return ref


def _valid_ref(ref: object) -> bool:
    if isinstance(ref, str):
        return len(ref) <= MAX_REF_CHARS and _clean_text(ref)
    return isinstance(ref, int | float) and not isinstance(ref, bool)


def _clean_text(value: str) -> bool:
    # Lone surrogates cannot be encoded as UTF-8 and NUL cannot be stored in Postgres text.
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def error_event(exc: AppError, ref: Any = None) -> dict[str, Any]:
    event: dict[str, Any] = {"type": "error", "code": exc.ws_code, "message": exc.message}
    if exc.fields:
        event["fields"] = exc.fields
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        event["retry_after"] = round(max(retry_after, 0.001), 3)
    if ref is not None:
        event["ref"] = ref
    return event


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Frame:
    """A client frame. Subclasses declare fields (str, int, bool, float, Channel, list[str], list[int],
    dict, or `X | None` for optional ones with a default); `parse` checks them all at once."""

    @classmethod
    def _field_specs(cls) -> tuple[tuple[str, Any, bool, bool], ...]:
        specs = cls.__dict__.get("_specs_cache")
        if specs is None:
            hints = typing.get_type_hints(cls)
            built = []
            for field in dataclasses.fields(cls):
                kind = hints[field.name]
                optional = False
                if isinstance(kind, types.UnionType) and type(None) in typing.get_args(kind):
                    optional = True
                    kind = next(a for a in typing.get_args(kind) if a is not type(None))
                required = (
                    field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
                )
                built.append((field.name, kind, required, optional))
            specs = tuple(built)
            type.__setattr__(cls, "_specs_cache", specs)
        return specs

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Self:
        values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for name, kind, required, optional in cls._field_specs():
            if name not in data or (data[name] is None and optional):
                if required:
                    problems[name] = "is required"
                continue
            try:
                values[name] = _convert(data[name], kind)
            except Invalid as exc:
                problems[name] = exc.fields.get("value", exc.message)
        if problems:
            first = next(iter(problems))
            raise Invalid(f"{first} {problems[first]}", problems)
        return cls(**values)


def _convert(value: Any, kind: Any) -> Any:
    def bad(problem: str) -> Invalid:
        return Invalid(problem, {"value": problem})

    if kind is Channel:
        try:
            return channels.parse(value)
        except Invalid as exc:
            raise bad("is not a channel (e.g. session:4 or dm:3:7)") from exc
    if kind is str:
        if not isinstance(value, str):
            raise bad("must be a string")
        if not _clean_text(value):
            raise bad("contains characters that are not allowed")
        return value
    if kind is bool:
        if not isinstance(value, bool):
            raise bad("must be true or false")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("must be a whole number")
        if not -(2**53) <= value <= 2**53:
            raise bad("is out of range")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad("must be a number")
        return float(value)
    if kind is dict or typing.get_origin(kind) is dict:
        if not isinstance(value, dict):
            raise bad("must be an object")
        return value
    if typing.get_origin(kind) is list:
        (item,) = typing.get_args(kind)
        if not isinstance(value, list):
            raise bad("must be a list")
        return [_convert(v, item) for v in value]
    raise TypeError(f"frame fields of type {kind!r} are not supported")
