"""Field checks shared by every edge (API, websocket, importers): each failure names its field."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cache
from typing import Any

from babel import Locale

from conference.errors import Invalid

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


@cache
def country_codes() -> frozenset[str]:
    return frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())


@cache
def language_codes() -> frozenset[str]:
    return frozenset(code for code in Locale("en").languages if len(code) == 2)


@cache
def timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def country_name(code: str, locale: str = "en") -> str:
    return Locale.parse(locale).territories.get(code, code)


def language_name(code: str, locale: str = "en") -> str:
    return Locale.parse(locale).languages.get(code, code)


class Fields:
    """Collects every problem of one input, then raises them together as one Invalid."""

    def __init__(self, data: Any) -> None:
        if not isinstance(data, Mapping):
            raise Invalid("the body must be a JSON object", {"body": "expected an object"})
        self.data = data
        self.problems: dict[str, str] = {}

    def fail(self, field: str, message: str) -> None:
        self.problems.setdefault(field, message)

    def check(self) -> None:
        if self.problems:
            summary = "; ".join(f"{k}: {v}" for k, v in self.problems.items())
            raise Invalid(f"invalid input ({summary})", self.problems)

    def has(self, field: str) -> bool:
        return field in self.data

    def text(
        self,
        field: str,
        *,
        required: bool = False,
        max_length: int = 200,
        min_length: int = 0,
        default: str = "",
    ) -> str:
        value = self.data.get(field)
        if value is None:
            if required:
                self.fail(field, "is required")
            return default
        if not isinstance(value, str):
            self.fail(field, "must be a string")
            return default
        value = value.strip()
        if required and not value:
            self.fail(field, "is required")
        elif len(value) > max_length:
            self.fail(field, f"must be at most {max_length} characters")
        elif len(value) < min_length:
            self.fail(field, f"must be at least {min_length} characters")
        return value

    def optional_text(self, field: str, *, max_length: int = 500) -> str | None:
        value = self.text(field, max_length=max_length)
        return value or None

    def boolean(self, field: str, default: bool = False) -> bool:
        value = self.data.get(field, default)
        if not isinstance(value, bool):
            self.fail(field, "must be true or false")
            return default
        return value

    def integer(
        self, field: str, *, required: bool = False, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        value = self.data.get(field)
        if value is None:
            if required:
                self.fail(field, "is required")
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(field, "must be a whole number")
            return None
        if minimum is not None and value < minimum:
            self.fail(field, f"must be at least {minimum}")
        elif maximum is not None and value > maximum:
            self.fail(field, f"must be at most {maximum}")
        return value

    def choice(self, field: str, choices: Iterable[str], *, required: bool = False, default: str = "") -> str:
        choices = tuple(choices)
        value = self.data.get(field)
        if value is None or value == "":
            if required:
                self.fail(field, "is required")
            return default
        if value not in choices:
            self.fail(field, "must be one of " + ", ".join(choices))
            return default
        return value

    def string_list(self, field: str, allowed: Iterable[str] | None, *, max_items: int = 20) -> list[str]:
        value = self.data.get(field)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(field, "must be a list of strings")
            return []
        if len(value) > max_items:
            self.fail(field, f"must have at most {max_items} items")
            return []
        if allowed is not None:
            allowed = set(allowed)
            unknown = [v for v in value if v not in allowed]
            if unknown:
                self.fail(field, "unknown value(s): " + ", ".join(unknown))
                return []
        return list(dict.fromkeys(value))  # keeps order, drops repeats

    def email(self, field: str = "email") -> str:
        value = self.text(field, required=True, max_length=254).lower()
        if value and not EMAIL_RE.match(value):
            self.fail(field, "is not an e-mail address")
        return value

    def timezone(self, field: str, *, default: str = "") -> str:
        value = self.text(field, max_length=64, default=default)
        if value and value not in timezones():
            self.fail(field, f"unknown time zone {value!r} (use an IANA name such as Europe/Paris)")
            return default
        return value

    def country(self, field: str = "country") -> str:
        value = self.text(field, max_length=2).upper()
        if value and value not in country_codes():
            self.fail(field, "must be an ISO 3166 two-letter country code")
            return ""
        return value

    def datetime(self, field: str, *, required: bool = False) -> datetime | None:
        value = self.data.get(field)
        if value is None:
            if required:
                self.fail(field, "is required")
            return None
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            self.fail(
                field, "must be an ISO 8601 date and time with an offset, e.g. 2021-09-13T13:00:00+02:00"
            )
            return None
        return parsed


def require_timezone(name: str, field: str = "tz") -> zoneinfo.ZoneInfo:
    if name not in timezones():
        raise Invalid(
            f"unknown time zone {name!r}", {field: "unknown time zone; use an IANA name like Asia/Seoul"}
        )
    return zoneinfo.ZoneInfo(name)
