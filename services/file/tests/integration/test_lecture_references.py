"""Lecture references on real PostgreSQL, as the LectureAssetChanged consumer keeps them
in its unit of work: the reference is stored, moved to the new file, and a lecture that
starts using a ready video gets a VideoReady of its own in the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from lms.file.v1 import events_pb2
from lms_file.adapters.unit_of_work import SqlFileUnitOfWork
from lms_file.domain.model import StoredFile
from lms_file.domain.purposes import Purpose
from lms_file.handlers import ReferenceHandlers
from lms_kit.events.schema import outbox

NOW = datetime(2026, 1, 1, tzinfo=UTC)
LECTURE = "courses/c-ref/chapters/h1/lectures/l1"


async def a_video(database, file_id: str, *, ready: bool) -> None:
    file = StoredFile.start_upload(
        file_id, "t-ref", Purpose.LECTURE_VIDEO, "video/mp4", 10, "a" * 64, "a.mp4", NOW, timedelta(hours=1)
    )
    file.accepted("video/mp4", NOW)
    if ready:
        file.processed([], NOW, duration_seconds=31)
    async with SqlFileUnitOfWork(database) as uow:
        await uow.files.add(file, request_id=None)
        await uow.commit()


async def consumed(database, old: str, new: str) -> None:
    async with SqlFileUnitOfWork(database) as uow:  # the consumer's unit of work
        await ReferenceHandlers(clock=lambda: NOW).asset_changed(
            uow, referrer=LECTURE, old_asset=old, new_asset=new
        )
        await uow.commit()


async def references_of(database, file_id: str) -> list[str]:
    async with SqlFileUnitOfWork(database) as uow:
        file = await uow.files.get(file_id)
    assert file is not None
    return file.references


async def test_the_reference_moves_between_files_and_a_ready_video_is_announced_to_the_lecture(database):
    await a_video(database, "ref-processing", ready=False)
    await a_video(database, "ref-ready", ready=True)
    for _ in range(2):
        await consumed(database, "", "files/ref-processing")
    assert await references_of(database, "ref-processing") == [LECTURE]

    for _ in range(2):
        await consumed(database, "files/ref-processing", "files/ref-ready")
    assert await references_of(database, "ref-processing") == []
    assert await references_of(database, "ref-ready") == [LECTURE]

    async with database.session() as session:
        rows = await session.execute(
            sa.select(outbox.c.payload)
            .where(outbox.c.subject == "lms.file.v1.VideoReady")
            .order_by(outbox.c.sequence)
        )
        announced = [events_pb2.VideoReady.FromString(p) for (p,) in rows]
    ready = [(e.duration_seconds, list(e.references)) for e in announced if e.file_id == "ref-ready"]
    assert ready == [(31, []), (31, [LECTURE])]  # when it became ready, then once for the lecture
