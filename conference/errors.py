"""The AppError family: every expected failure, with the HTTP status and wire code it maps to."""

from __future__ import annotations

from collections.abc import Mapping


class ConfigError(Exception):
    """A setting has a value the platform cannot run with."""


class AppError(Exception):
    status = 400
    code = "bad_request"
    ws_code = "invalid"

    def __init__(self, message: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})
        self.extra: dict = {}  # more detail for clients, e.g. a schedule file's problems in order

    def to_json(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields, **self.extra}}


class Malformed(AppError):
    status = 400
    code = "malformed"


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"
    ws_code = "unauthorized"


class Forbidden(AppError):
    status = 403
    code = "forbidden"
    ws_code = "forbidden"


class CsrfFailed(Forbidden):
    code = "csrf"


class NotFound(AppError):
    status = 404
    code = "not_found"
    ws_code = "not_found"


class Conflict(AppError):
    status = 409
    code = "conflict"

    def __init__(self, message: str, fields: Mapping[str, str] | None = None, current: object = None) -> None:
        super().__init__(message, fields)
        self.current = current

    def to_json(self) -> dict:
        body = super().to_json()
        if self.current is not None:
            body["current"] = self.current
        return body


class TooLarge(AppError):
    status = 413
    code = "too_large"
    ws_code = "too_large"


class Invalid(AppError):
    status = 422
    code = "invalid"


class RateLimited(AppError):
    status = 429
    code = "rate_limited"
    ws_code = "rate_limited"

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Muted(Forbidden):
    code = "muted"
    ws_code = "muted"
