"""Per-service schema migrations: Alembic driven from code, no alembic.ini.

A service keeps its revisions in `src/lms_<name>/migrations/versions/` with this env.py::

    from lms_kit.migrations import run_env
    run_env()

and its first revision calls `lms_kit.events.schema.create_kit_tables(op)` for the outbox
and inbox. At start-up, before it serves, the service awaits
`lms_kit.migrations.upgrade(settings.database_url, MIGRATIONS_DIR)`.

Processes starting together do not race: on PostgreSQL the upgrade runs in one transaction
holding a transaction-level advisory lock, so the second process waits, then finds the
schema at head and does nothing. DDL is transactional, so a failed upgrade
leaves the schema as it was. (A revision that needs `CREATE INDEX CONCURRENTLY` cannot
run inside that transaction; ship such changes outside start-up migrations.)
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, MetaData, text

from lms_kit.db import create_engine

# One lock for "this database is being migrated". Advisory locks are per database, so one
# constant serves every service.
_LOCK_KEY = int.from_bytes(hashlib.sha256(b"lms_kit.migrations").digest()[:8], "big", signed=True)


def alembic_config(migrations_dir: str | Path) -> Config:
    """An Alembic Config for `migrations_dir`, for calling other `alembic.command`s from code."""
    config = Config()
    # Config values are %-interpolated; a literal % in a path must be doubled.
    config.set_main_option("script_location", str(migrations_dir).replace("%", "%%"))
    return config


async def upgrade(database_url: str, migrations_dir: str | Path, revision: str = "head") -> None:
    """Bring the database at `database_url` to `revision`; a no-op when already there."""
    config = alembic_config(migrations_dir)
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            # Released by the commit (or rollback) that ends this transaction.
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
            await connection.run_sync(_upgrade, config, revision)
    finally:
        await engine.dispose()


def _upgrade(connection: Connection, config: Config, revision: str) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def run_env(target_metadata: MetaData | None = None) -> None:
    """The body of a service's migrations/env.py: migrate on the connection `upgrade` passed."""
    from alembic import context  # a proxy that only exists while Alembic runs env.py

    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations with lms_kit.migrations.upgrade(), not the alembic CLI")
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
