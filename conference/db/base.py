"""Declarative base, an aware-UTC datetime type, and the Database handle (engines and sessions)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

SQLITE_BUSY_TIMEOUT_MS = 15_000

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def after_commit(db: AsyncSession, callback: Callable[[], None]) -> None:
    """Run `callback` after the transaction of `db` commits (not at all if it rolls back)."""
    callbacks = db.info.setdefault("after_commit", [])
    if callback not in callbacks:
        callbacks.append(callback)


def signal(db: AsyncSession, topic: str) -> None:
    """Tell the `on_commit_of(topic)` listeners of this database, once `db` has committed."""
    database = db.info.get("database")
    if database is not None:
        for listener in database.listeners(topic):
            after_commit(db, listener)


class AwareDateTime(TypeDecorator):
    """Stores UTC, returns aware UTC datetimes on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to an aware column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: AwareDateTime()}


def _sqlite_engine(url: str, *, immediate: bool) -> AsyncEngine:
    engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN out of the driver's hands so writers can ask for the write lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        # A deferred transaction that later writes cannot wait for the lock (SQLite answers "locked"
        # at once to avoid deadlock); BEGIN IMMEDIATE makes concurrent writers queue on busy_timeout.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """Engines and session factories for one database URL.

    `session()` is for work that writes; `reader()` for read-only work. On SQLite they are separate
    engines so that readers never queue behind the single writer lock.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = _sqlite_engine(url, immediate=True)
            self.read_engine = _sqlite_engine(url, immediate=False)
        else:
            self.engine = create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
            self.read_engine = self.engine
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._readers = async_sessionmaker(self.read_engine, expire_on_commit=False)
        self._listeners: dict[str, list[Callable[[], None]]] = {}

    def on_commit_of(self, topic: str, listener: Callable[[], None]) -> None:
        """Call `listener` after every committed transaction that `signal`ed `topic`."""
        self._listeners.setdefault(topic, []).append(listener)

    def listeners(self, topic: str) -> list[Callable[[], None]]:
        return self._listeners.get(topic, [])

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session in one transaction: committed on success, rolled back on error.

        Callbacks registered with `after_commit(db, fn)` run once the transaction has committed.
        """
        async with self._sessions() as db:
            db.info["database"] = self
            async with db.begin():
                yield db
            for callback in db.info.pop("after_commit", []):
                callback()

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncSession]:
        async with self._readers() as db, db.begin():
            yield db

    async def ping(self) -> None:
        async with self.read_engine.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")

    async def close(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()
