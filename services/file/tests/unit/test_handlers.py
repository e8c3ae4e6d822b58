"""Use cases against in-memory storage and bucket: the paths real parts make hard to
reach (a transcoder that keeps failing, a retried multipart create, unknown Mux assets)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lms_file.domain.errors import FileStateInvalid
from lms_file.domain.events import FileFailed
from lms_file.domain.model import FileState
from lms_file.domain.mux import mux_signature
from lms_file.domain.purposes import Purpose
from lms_file.domain.video import MAX_ATTEMPTS, JobState
from lms_file.handlers import (
    ConfirmHandlers,
    FileAccess,
    FilePolicy,
    MuxWebhookHandlers,
    UploadHandlers,
    VideoHandlers,
)
from lms_file.handlers.ports import TranscodeFailed
from lms_kit.domain import Actor
from lms_kit.testing.fakes import FakeStore

from .fakes import FakeBucket, FakeUnitOfWorkOfFile, State

TEACHER = Actor.user("t1", "teacher")
NOW = datetime(2026, 1, 1, tzinfo=UTC)
MP4 = b"\x00\x00\x00\x20ftypisom" + b"\x00" * 100


class NoViewers:
    async def may_view(self, actor, referrer) -> bool:
        return False


class BrokenTranscoder:
    calls = 0

    def transcode(self, source: Path, out_dir: Path):
        self.calls += 1
        raise TranscodeFailed("moov atom not found")


class NoImages:
    def render(self, source, widths):
        raise AssertionError("videos get no image variants")


@pytest.fixture
def store() -> FakeStore[State]:
    return FakeStore(State())


@pytest.fixture
def bucket() -> FakeBucket:
    return FakeBucket()


def handlers(store, bucket, **policy):
    uow = lambda: FakeUnitOfWorkOfFile(store)  # noqa: E731
    access = FileAccess(uow, NoViewers())
    rules = FilePolicy(**policy)
    return uow, access, rules, UploadHandlers(uow, bucket, access, rules, clock=lambda: NOW)


async def confirmed_video(store, bucket) -> str:
    uow, access, _, uploads = handlers(store, bucket)
    ticket = await uploads.create(
        TEACHER, Purpose.LECTURE_VIDEO, "video/mp4", len(MP4), hashlib.sha256(MP4).hexdigest(), "a.mp4"
    )
    bucket.objects[ticket.file.object_key] = MP4
    await ConfirmHandlers(uow, bucket, NoImages(), access, clock=lambda: NOW).confirm(TEACHER, ticket.file.id)
    return ticket.file.id


async def test_a_video_that_never_transcodes_fails_after_the_last_attempt_and_leaves_nothing(store, bucket):
    file_id = await confirmed_video(store, bucket)
    uow, access, rules, _ = handlers(store, bucket)
    transcoder = BrokenTranscoder()
    videos = VideoHandlers(uow, bucket, transcoder, access, rules, clock=lambda: NOW)
    assert await videos.run_pending() == MAX_ATTEMPTS  # retried, then given up
    assert transcoder.calls == MAX_ATTEMPTS
    file = store.state.files[file_id]
    assert (file.state, file.failure_reason) == (FileState.FAILED, "VIDEO_PROCESSING_FAILED")
    assert store.state.jobs[file_id].state is JobState.FAILED
    assert store.events_of(FileFailed) == [FileFailed(file_id, "t1", "VIDEO_PROCESSING_FAILED", NOW)]
    assert not [k for k in bucket.objects if k.startswith(f"files/{file_id}/")]


async def test_a_retried_multipart_create_starts_one_multipart_upload(store, bucket):
    *_, uploads = handlers(
        store, bucket, multipart_threshold_bytes=5 * 1024 * 1024, part_size_bytes=5 * 1024 * 1024
    )
    args = (TEACHER, Purpose.LECTURE_VIDEO, "video/mp4", 12 * 1024 * 1024, "a" * 64, "big.mp4")
    first = await uploads.create(*args, request_id="r-1")
    again = await uploads.create(*args, request_id="r-1")
    assert again.file.id == first.file.id and bucket.started == 1
    assert [p.number for p in again.parts] == [1, 2, 3] and len(store.state.files) == 1


async def test_a_mux_event_for_an_unknown_asset_is_remembered_and_changes_nothing(store, bucket):
    uow = lambda: FakeUnitOfWorkOfFile(store)  # noqa: E731
    webhooks = MuxWebhookHandlers(uow, bucket, ["s"], clock=lambda: NOW)
    body = json.dumps({"type": "video.asset.ready", "id": "e-9", "data": {"id": "nobody"}}).encode()
    signature = mux_signature(body, "s", int(NOW.timestamp()))
    assert not await webhooks.handle(body, signature)
    assert store.state.mux_events == {"e-9"} and store.events == []


async def test_an_upload_has_its_deadline_and_once_aborted_cannot_be_resumed(store, bucket):
    *_, uploads = handlers(store, bucket, upload_ttl=timedelta(minutes=5))
    ticket = await uploads.create(TEACHER, Purpose.ATTACHMENT, "application/pdf", 10, "b" * 64, "n.pdf")
    assert store.state.files[ticket.file.id].upload_expires_at == NOW + timedelta(minutes=5)
    aborted = await uploads.abort(TEACHER, ticket.file.id)
    assert aborted.state is FileState.EXPIRED
    with pytest.raises(FileStateInvalid):
        await uploads.resume(TEACHER, ticket.file.id)
