"""Throwaway PostgreSQL databases for any service's tests.

    async with postgres_database("lms_course_test") as url:
        ...

`LMS_TEST_PG_URL` names the server (default: local trust-auth `postgres`); the database it
names is only used to create and drop the throwaway one. `LMS_TEST_NATS_URL` is here too so
tests find NATS the same way.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_NATS_URL = "nats://127.0.0.1:4222"


def pg_server_url() -> str:
    return os.environ.get("LMS_TEST_PG_URL", DEFAULT_PG_URL)


def nats_url() -> str:
    return os.environ.get("LMS_TEST_NATS_URL", DEFAULT_NATS_URL)


@asynccontextmanager
async def postgres_database(prefix: str = "lms_test") -> AsyncIterator[str]:
    """Create `<prefix>_<random>` on the test server; yield its URL; drop it afterwards."""
    server = make_url(pg_server_url())
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    # CREATE/DROP DATABASE cannot run inside a transaction.
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as connection:
                # FORCE: a pool the test forgot to dispose must not keep the database alive.
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()
