"""Shared fixtures: a migrated throwaway PostgreSQL database for the session (the kit's
service_fixtures), and an empty one for tests that need their own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database
from lms_kit.testing.plugin import service_fixtures
from lms_user.migrations import MIGRATIONS_DIR
from lms_user.server import SERVICE

pg_url, database = service_fixtures(SERVICE)


@pytest.fixture
async def fresh_pg_url() -> AsyncIterator[str]:
    """A database of its own, for tests that need an empty table (signing keys)."""
    async with postgres_database("lms_user_test") as url:
        await upgrade(url, MIGRATIONS_DIR)
        yield url
