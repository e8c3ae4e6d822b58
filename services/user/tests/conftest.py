"""Shared fixtures: a migrated throwaway PostgreSQL database for the session."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from lms_kit.db import Database
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database
from lms_user.migrations import MIGRATIONS_DIR


@pytest.fixture(scope="session")
async def pg_url() -> AsyncIterator[str]:
    async with postgres_database("lms_user_test") as url:
        await upgrade(url, MIGRATIONS_DIR)
        yield url


@pytest.fixture(scope="session")
async def database(pg_url: str) -> AsyncIterator[Database]:
    database = Database(pg_url)
    yield database
    await database.dispose()


@pytest.fixture
async def fresh_pg_url() -> AsyncIterator[str]:
    """A database of its own, for tests that need an empty table (signing keys)."""
    async with postgres_database("lms_user_test") as url:
        await upgrade(url, MIGRATIONS_DIR)
        yield url
