"""The migrated database is what the tables module describes (columns, types, nullability,
indexes, unique constraints), and migrating again changes nothing."""

from __future__ import annotations

from lms_kit.migrations import upgrade
from lms_kit.testing.checks import schema_drift
from lms_payment.adapters.tables import metadata
from lms_payment.server import SERVICE


async def test_the_tables_match_the_migrated_database(pg_url):
    assert await schema_drift(pg_url, metadata) == []


async def test_migrating_a_migrated_database_again_changes_nothing(pg_url):
    assert SERVICE.migrations is not None
    await upgrade(pg_url, SERVICE.migrations)
    assert await schema_drift(pg_url, metadata) == []
