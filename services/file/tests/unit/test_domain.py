"""The file aggregate's rules: purpose limits, state changes and their events, references."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms_file.domain.errors import FileReferenced, FileStateInvalid, UploadRefused
from lms_file.domain.events import FileFailed, FileReady, FileUploaded, VideoReady
from lms_file.domain.model import FileState, StoredFile, Variant
from lms_file.domain.purposes import GB, MB, Purpose
from lms_file.handlers.common import MIB, FilePolicy

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def pending(purpose=Purpose.AVATAR, content_type="image/png", size=1000) -> StoredFile:
    return StoredFile.start_upload(
        "f1", "u1", purpose, content_type, size, "a" * 64, "a.png", NOW, timedelta(hours=1)
    )


@pytest.mark.parametrize(
    ("purpose", "content_type", "size", "reasons"),
    [
        (Purpose.AVATAR, "image/png", 5 * MB, []),
        (Purpose.AVATAR, "image/png", 5 * MB + 1, ["FILE_TOO_LARGE"]),
        (Purpose.AVATAR, "application/pdf", 100, ["CONTENT_TYPE_NOT_ALLOWED"]),
        (Purpose.LECTURE_VIDEO, "video/mp4", 5 * GB, []),
        (Purpose.LECTURE_VIDEO, "image/gif", 5 * GB + 1, ["CONTENT_TYPE_NOT_ALLOWED", "FILE_TOO_LARGE"]),
        (Purpose.ATTACHMENT, "application/pdf", 200 * MB + 1, ["FILE_TOO_LARGE"]),
        (Purpose.CERTIFICATE, "image/png", 10, ["CONTENT_TYPE_NOT_ALLOWED"]),
    ],
)
def test_each_purpose_limits_types_and_sizes(purpose, content_type, size, reasons):
    if not reasons:
        assert pending(purpose, content_type, size).state is FileState.PENDING_UPLOAD
        return
    with pytest.raises(UploadRefused) as refused:
        pending(purpose, content_type, size)
    assert [v.reason for v in refused.value.violations] == reasons


def test_an_accepted_image_becomes_ready_with_its_variants_and_events():
    file = pending()
    file.accepted("image/png", NOW)
    file.processed([Variant("w160.webp", "image/webp", 160, 90, 10)], NOW)
    assert file.state is FileState.READY and file.upload_expires_at is None
    assert file.pull_events() == [
        FileUploaded("f1", "u1", Purpose.AVATAR, "image/png", 1000, NOW),
        FileReady("f1", "u1", Purpose.AVATAR, ("w160.webp",), NOW),
    ]


def test_a_ready_video_tells_its_duration_and_referrers():
    file = pending(Purpose.LECTURE_VIDEO, "video/mp4")
    file.add_reference("courses/c/chapters/h/lectures/l")
    file.accepted("video/mp4", NOW)
    file.processed([], NOW, duration_seconds=62)
    assert file.pull_events()[-1] == VideoReady("f1", "u1", 62, ("courses/c/chapters/h/lectures/l",), NOW)


def test_a_refused_upload_fails_once_and_cannot_be_confirmed_after():
    file = pending()
    file.failed("CHECKSUM_MISMATCH", NOW)
    assert file.pull_events() == [FileFailed("f1", "u1", "CHECKSUM_MISMATCH", NOW)]
    with pytest.raises(FileStateInvalid):
        file.accepted("image/png", NOW)


def test_a_referenced_file_is_not_deleted_and_a_deleted_one_waits_for_its_retention():
    file = pending()
    file.accepted("image/png", NOW)
    file.processed([], NOW)
    assert file.add_reference("users/u1") and not file.add_reference("users/u1")
    with pytest.raises(FileReferenced):
        file.delete(NOW, timedelta(days=30))
    assert file.remove_reference("users/u1") and not file.remove_reference("users/u1")
    file.delete(NOW, timedelta(days=30))
    assert (file.state, file.purge_at) == (FileState.DELETED, NOW + timedelta(days=30))
    with pytest.raises(FileStateInvalid):
        file.add_reference("users/u1")


def test_parts_are_at_least_the_s3_minimum_and_never_more_than_ten_thousand():
    policy = FilePolicy(part_size_bytes=16 * MIB)
    assert policy.part_size_for(100 * MIB) == 16 * MIB
    five_gb = 5 * GB
    assert -(-five_gb // policy.part_size_for(five_gb)) <= 10_000
    assert FilePolicy(part_size_bytes=1).part_size_for(10) == 5 * MIB
