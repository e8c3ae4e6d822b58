"""Database and UnitOfWork on the embedded SQLite default."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from lms.testing.v1 import probe_pb2
from lms_kit.db import Database
from lms_kit.events.schema import metadata
from lms_kit.testing.databases import sqlite_database


@pytest.fixture
async def db() -> AsyncIterator[Database]:
    with sqlite_database() as url:
        database = Database(url)
        async with database.engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        yield database
        await database.dispose()


async def scalar(db: Database, sql: str) -> object:
    async with db.session() as session:
        return (await session.execute(text(sql))).scalar_one()


async def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(db):
    assert await scalar(db, "PRAGMA journal_mode") == "wal"
    assert await scalar(db, "PRAGMA foreign_keys") == 1
    assert await scalar(db, "PRAGMA busy_timeout") == 5000


async def test_committed_unit_of_work_writes_its_events_to_the_outbox_and_wakes_listeners(db):
    wake_ups: list[str] = []
    db.add_outbox_listener(lambda: wake_ups.append("woken"))
    async with db.unit_of_work() as uow:
        event_id = uow.record(probe_pb2.Note(name="n"))
        await uow.commit()

    assert await scalar(db, "SELECT event_id FROM kit_outbox") == event_id
    assert wake_ups == ["woken"]


async def test_unit_of_work_left_without_commit_writes_nothing(db):
    wake_ups: list[str] = []
    db.add_outbox_listener(lambda: wake_ups.append("woken"))
    async with db.unit_of_work() as uow:
        uow.record(probe_pb2.Note(name="n"))

    with pytest.raises(ZeroDivisionError):
        async with db.unit_of_work() as uow:
            uow.record(probe_pb2.Note(name="n"))
            await uow.session.execute(text("INSERT INTO kit_inbox VALUES ('c', 'e', 't', '2030-01-01')"))
            1 / 0  # noqa: B018

    assert await scalar(db, "SELECT count(*) FROM kit_outbox") == 0
    assert await scalar(db, "SELECT count(*) FROM kit_inbox") == 0
    assert wake_ups == []


async def test_unit_of_work_is_unusable_outside_its_block(db):
    uow = db.unit_of_work()
    with pytest.raises(RuntimeError):
        uow.session  # noqa: B018
