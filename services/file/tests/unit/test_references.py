"""Lecture references kept from the course service's LectureAssetChanged, in the
consumer's unit of work (what lms_kit's idempotent consumer hands the handler)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms_file.domain.events import VideoReady
from lms_file.domain.model import FileState, StoredFile
from lms_file.domain.purposes import Purpose
from lms_file.handlers import ReferenceHandlers
from lms_kit.testing.fakes import FakeStore

from .fakes import FakeUnitOfWorkOfFile, State

NOW = datetime(2026, 1, 1, tzinfo=UTC)
LECTURE = "courses/c1/chapters/h1/lectures/l1"


def a_file(store: FakeStore[State], file_id: str, state: FileState, purpose=Purpose.LECTURE_VIDEO) -> None:
    file = StoredFile.start_upload(
        file_id, "t1", purpose, "video/mp4", 1000, "a" * 64, "a.mp4", NOW, timedelta(hours=1)
    )
    file.state, file.duration_seconds = state, 42 if state is FileState.READY else 0
    store.state.files[file_id] = file


@pytest.fixture
def store() -> FakeStore[State]:
    return FakeStore(State())


async def changed(store: FakeStore[State], old: str, new: str, referrer: str = LECTURE) -> None:
    async with FakeUnitOfWorkOfFile(store) as uow:
        await ReferenceHandlers(clock=lambda: NOW).asset_changed(
            uow, referrer=referrer, old_asset=old, new_asset=new
        )
        await uow.commit()


def references(store: FakeStore[State], file_id: str) -> list[str]:
    return store.state.files[file_id].references


async def test_a_redelivered_change_references_the_file_once(store):
    a_file(store, "f1", FileState.PROCESSING)
    for _ in range(2):  # past the kit's inbox, the handler itself is idempotent
        await changed(store, "", "files/f1")
    assert references(store, "f1") == [LECTURE]
    assert store.events_of(VideoReady) == []  # not ready yet: its own VideoReady will carry the lecture


async def test_a_changed_asset_moves_the_reference_from_the_old_file_to_the_new(store):
    a_file(store, "f1", FileState.PROCESSING)
    a_file(store, "f2", FileState.PROCESSING)
    await changed(store, "", "files/f1")
    await changed(store, "files/f1", "files/f2")
    assert (references(store, "f1"), references(store, "f2")) == ([], [LECTURE])
    await changed(store, "files/f2", "")  # the lecture was deleted
    assert references(store, "f2") == []
    await changed(store, "files/f2", "")  # and that was redelivered
    assert references(store, "f2") == []


async def test_an_asset_that_is_not_a_file_is_ignored(store):
    a_file(store, "f1", FileState.PROCESSING)
    await changed(store, "", "videos/abc")
    await changed(store, "videos/abc", "files/f1")
    assert references(store, "f1") == [LECTURE]
    await changed(store, "files/f1", "videos/f1")
    assert references(store, "f1") == []
    assert [f.references for f in store.state.files.values()] == [[]]


async def test_a_missing_or_deleted_file_is_skipped_without_failing_the_event(store):
    a_file(store, "gone", FileState.DELETED)
    await changed(store, "", "files/gone")
    await changed(store, "", "files/never-existed")
    assert references(store, "gone") == []


async def test_a_lecture_set_to_an_already_ready_video_gets_its_own_video_ready(store):
    a_file(store, "f1", FileState.READY)
    await changed(store, "", "files/f1")
    await changed(store, "", "files/f1")
    assert [(e.file_id, e.duration_seconds, e.references) for e in store.events_of(VideoReady)] == [
        ("f1", 42, (LECTURE,))
    ]
