"""Per-service migrations on PostgreSQL."""

from __future__ import annotations

import asyncio
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from lms_kit.db import create_engine
from lms_kit.events.schema import metadata as kit_metadata
from lms_kit.migrations import upgrade


@pytest.fixture
def database_url(pg_url) -> str:
    return pg_url


async def query(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return [tuple(row) for row in await connection.execute(text(sql))]
    finally:
        await engine.dispose()


async def test_second_upgrade_is_a_no_op(database_url, migrations_dir):
    await upgrade(database_url, migrations_dir)
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO widgets (widget_id, title) VALUES ('w', 'kept')"))
    await engine.dispose()

    await upgrade(database_url, migrations_dir)

    assert await query(database_url, "SELECT version_num FROM alembic_version") == [("0002",)]
    assert await query(database_url, "SELECT count(*) FROM migration_runs") == [(1,)]
    assert await query(database_url, "SELECT title FROM widgets") == [("kept",)]


async def test_kit_tables_created_by_migration_match_the_table_objects(database_url, migrations_dir):
    await upgrade(database_url, migrations_dir)
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            diffs = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), kit_metadata)
            )
    finally:
        await engine.dispose()
    # Only the kit's tables are compared; the test tables count as "removed" and are ignored.
    kit_diffs = [d for d in diffs if not (d[0] == "remove_table" and not d[1].name.startswith("kit_"))]
    assert kit_diffs == []


async def test_processes_starting_together_migrate_once(database_url, migrations_dir):
    script = (
        "import asyncio, sys; from lms_kit.migrations import upgrade; asyncio.run(upgrade(*sys.argv[1:]))"
    )
    processes = [
        await asyncio.create_subprocess_exec(sys.executable, "-c", script, database_url, str(migrations_dir))
        for _ in range(2)
    ]
    codes = await asyncio.gather(*(process.wait() for process in processes))

    assert codes == [0, 0]
    assert await query(database_url, "SELECT count(*) FROM migration_runs") == [(1,)]
    assert await query(database_url, "SELECT version_num FROM alembic_version") == [("0002",)]
