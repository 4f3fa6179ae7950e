"""Settings read once from the environment (and an optional `.env` file)."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Self

from conference.errors import ConfigError

logger = logging.getLogger(__name__)

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./conference.db"
DEFAULT_VIDEO_BASE_URL = "https://meet.jit.si"
SECRET_KEY_FILE = Path(".secret_key")


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    broker_url: str = "memory://"
    schedule_path: Path = Path("schedule.yaml")
    secret_key: str = field(default="", repr=False)
    redis_prefix: str = "conference:"
    allowed_origins: tuple[str, ...] = ()
    video_base_url: str = DEFAULT_VIDEO_BASE_URL
    # Cookies get the Secure flag when the public address is https (set by the reverse proxy headers too).
    secure_cookies: bool = False
    # Tests turn these down so that limits can be reached in milliseconds.
    login_failures_allowed: int = 5
    registrations_per_minute: int = 20
    # log2 of scrypt's cost; each step doubles the time (tests use 10 to stay fast).
    password_hash_cost: int = 15

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")) -> Self:
        values = dict(read_env_file(env_file)) if env_file is not None else {}
        values.update(os.environ if env is None else env)
        database_url = normalise_database_url(values.get("CONFERENCE_DATABASE_URL", DEFAULT_DATABASE_URL))
        broker_url = values.get("CONFERENCE_BROKER_URL", "memory://")
        if not broker_url.startswith(("memory://", "redis://", "rediss://")):
            raise ConfigError("CONFERENCE_BROKER_URL must start with memory:// or redis://")
        origins = tuple(
            o.strip().rstrip("/")
            for o in values.get("CONFERENCE_ALLOWED_ORIGINS", "").split(",")
            if o.strip()
        )
        video = values.get("CONFERENCE_VIDEO_BASE_URL", DEFAULT_VIDEO_BASE_URL).rstrip("/")
        if not video.startswith(("https://", "http://")):
            raise ConfigError("CONFERENCE_VIDEO_BASE_URL must be an http(s) address")
        return cls(
            database_url=database_url,
            broker_url=broker_url,
            schedule_path=Path(values.get("CONFERENCE_SCHEDULE", "schedule.yaml")),
            secret_key=values.get("CONFERENCE_SECRET_KEY") or load_or_create_secret_key(SECRET_KEY_FILE),
            redis_prefix=values.get("CONFERENCE_REDIS_PREFIX", "conference:"),
            allowed_origins=origins,
            video_base_url=video,
            secure_cookies=values.get("CONFERENCE_SECURE_COOKIES", "").lower() in ("1", "true", "yes"),
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def normalise_database_url(url: str) -> str:
    """Turn hosted-style URLs (`postgres://`) into the async driver SQLAlchemy needs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite://") and not url.startswith("sqlite+aiosqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise ConfigError(
            "CONFERENCE_DATABASE_URL must be a sqlite+aiosqlite:// or postgresql+asyncpg:// URL"
        )
    return url


def read_env_file(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    values = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ConfigError(f"{path}, line {number}: expected KEY=value")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def load_or_create_secret_key(path: Path) -> str:
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key + "\n", encoding="utf-8")
    path.chmod(0o600)
    logger.warning("CONFERENCE_SECRET_KEY is not set: generated one and kept it in %s", path.resolve())
    return key
