"""The SQL side on real PostgreSQL: the tables match the migrations; a file with its
variants and references round-trips; its events commit with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from lms_file.adapters.tables import metadata
from lms_file.adapters.unit_of_work import SqlFileUnitOfWork
from lms_file.domain.model import FileState, StoredFile, Variant
from lms_file.domain.purposes import Purpose
from lms_kit.testing.checks import schema_drift

NOW = datetime(2026, 1, 1, tzinfo=UTC)


async def test_the_tables_match_the_migrations(pg_url):
    assert await schema_drift(pg_url, metadata) == []


async def test_a_file_round_trips_with_variants_references_and_its_events(database):
    file = StoredFile.start_upload(
        "f-storage-1", "owner-s", Purpose.AVATAR, "image/png", 10, "a" * 64, "me.png", NOW, timedelta(hours=1)
    )
    async with SqlFileUnitOfWork(database) as uow:
        await uow.files.add(file, request_id="5b0d0c1c-43d4-4b51-9a3a-2f3f6e1d8a01")
        await uow.commit()
    async with SqlFileUnitOfWork(database) as uow:
        stored = await uow.files.get("f-storage-1", lock=True)
        assert stored is not None
        stored.accepted("image/png", NOW)
        stored.processed([Variant("w160.webp", "image/webp", 160, 160, 99)], NOW)
        stored.add_reference("users/owner-s")
        await uow.files.save(stored)
        await uow.commit()
    async with SqlFileUnitOfWork(database) as uow:
        again = await uow.files.get("f-storage-1")
        used = await uow.files.used_bytes("owner-s", Purpose.AVATAR)
    assert again is not None and again.state is FileState.READY
    assert again.variants == [Variant("w160.webp", "image/webp", 160, 160, 99)]
    assert (again.references, used) == (["users/owner-s"], 10)
    async with database.session() as session:
        subjects = (await session.execute(sa.text("SELECT subject FROM kit_outbox"))).scalars().all()
    assert {"lms.file.v1.FileUploaded", "lms.file.v1.FileReady"} <= set(subjects)
