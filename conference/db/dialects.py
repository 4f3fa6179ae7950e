"""Dialect-specific INSERTs (ON CONFLICT) that read the same on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert(db: AsyncSession, table: Any) -> Any:
    """An INSERT with `on_conflict_do_nothing`/`on_conflict_do_update` for the session's backend."""
    dialect = db.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


async def insert_ignore(db: AsyncSession, table: Any, **values: Any) -> bool:
    """Insert one row unless its key exists; True when a row was inserted."""
    result = await db.execute(insert(db, table).values(**values).on_conflict_do_nothing())
    return result.rowcount == 1


async def upsert(db: AsyncSession, table: Any, keys: list[str], **values: Any) -> None:
    """Insert one row, or update its non-key columns when a row with the same `keys` exists."""
    statement = insert(db, table).values(**values)
    changes = {name: statement.excluded[name] for name in values if name not in keys}
    await db.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes))
