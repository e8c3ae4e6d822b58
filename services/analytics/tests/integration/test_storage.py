"""The SQL side on real PostgreSQL: tables match the migrations; items and their events
commit together; a retried create is one row and one event."""

from __future__ import annotations

import sqlalchemy as sa

from lms_analytics.adapters.tables import metadata
from lms_analytics.adapters.unit_of_work import SqlAnalyticsUnitOfWork
from lms_analytics.handlers import ItemHandlers
from lms_kit.domain import Actor
from lms_kit.testing.checks import schema_drift


async def test_the_tables_match_the_migrations(pg_url):
    assert await schema_drift(pg_url, metadata) == []


async def outbox_count(database, item_id: str) -> int:
    async with database.session() as session:
        rows = await session.execute(sa.text("SELECT payload FROM kit_outbox"))
        return sum(item_id.encode() in row.payload for row in rows)


async def test_a_created_item_and_its_event_commit_together_once(database):
    items = ItemHandlers(lambda: SqlAnalyticsUnitOfWork(database))
    owner = Actor.user("storage-owner")
    first = await items.create(owner, "Notes", request_id="0f6f2d52-5ad1-4b77-9f7e-0b59a9b4a7d1")
    again = await items.create(owner, "Notes", request_id="0f6f2d52-5ad1-4b77-9f7e-0b59a9b4a7d1")
    assert again.id == first.id
    assert await outbox_count(database, first.id) == 1
    assert [i.id for i in await items.list_mine(owner, None, 10)] == [first.id]
