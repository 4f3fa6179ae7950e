"""Shared fixtures: settings on SQLite and Postgres, the real app with its lifespan, an HTTP client."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from conference.app import create_app
from conference.db.base import Base
from conference.db.migrate import upgrade
from conference.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def service_missing(what: str, reason: str) -> None:
    """Skip with the reason outside CI; under CI=true a missing service fails the run."""
    message = f"{what} is not available ({reason})"
    if IN_CI:
        pytest.fail(message + " and CI=true requires it", pytrace=False)
    pytest.skip(message)


def make_settings(database_url: str, **changes: object) -> Settings:
    base = Settings(
        database_url=database_url,
        secret_key="test-secret-key",
        schedule_path=ROOT / "schedule.yaml",
        password_hash_cost=10,
    )
    return base.with_(**changes) if changes else base


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per run; each test gets a copy (migrating per test is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


async def _postgres_reachable() -> str | None:
    engine = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")
        return None
    except Exception as exc:  # noqa: BLE001  (any failure to connect means "no server")
        return f"{exc.__class__.__name__}: {exc}"
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database of its own for this run (runs in parallel never share tables), migrated once."""
    problem = asyncio.run(_postgres_reachable())
    if problem:
        service_missing("PostgreSQL at 127.0.0.1:5432", problem)
    name = f"conference_test_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        engine = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            await connection.exec_driver_sql(sql)
        await engine.dispose()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def truncate_all(url: str) -> None:
    engine = create_async_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """Each database test runs on SQLite and on Postgres."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    url = request.getfixturevalue("postgres_database")
    asyncio.run(truncate_all(url))
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """For tests whose subject does not depend on the database backend."""
    path = tmp_path / "test.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def loaded(app):
    """The app with the real `schedule.yaml` loaded; returns the Programme that was loaded."""
    from conference import programme
    from conference.schedule.loader import load_programme_file

    loaded_programme = load_programme_file(ROOT / "schedule.yaml")
    async with app.state.db.session() as db:
        await programme.replace_programme(db, loaded_programme)
    return loaded_programme


@pytest.fixture
async def live_server(sqlite_url: str) -> AsyncIterator:
    """The app on a real uvicorn on a free loopback port (SQLite); see tests/live.py."""
    from tests.live import live_server as start

    async with start(make_settings(sqlite_url)) as server:
        yield server


@pytest.fixture
def start_live_server() -> object:
    """`async with start_live_server(settings, config=None) as server:` for other settings."""
    from tests.live import live_server as start

    return start
