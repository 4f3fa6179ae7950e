from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from conference.db.base import Base
from conference.db.migrate import current_revision, head_revision


async def test_migrations_build_exactly_the_models_schema(database_url):
    engine = create_async_engine(database_url)

    async with engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": False}), Base.metadata
            )
        )
    await engine.dispose()

    assert differences == []


async def test_database_is_at_the_head_revision(database_url):
    assert await current_revision(database_url) == head_revision()
