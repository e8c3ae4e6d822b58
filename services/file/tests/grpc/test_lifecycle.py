"""References, soft delete with retention, and the sweep of expired uploads, purged
files and orphan objects, against real SeaweedFS and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import timedelta

import grpc
import pytest

from lms.file.v1 import file_pb2 as pb
from lms_file.adapters.unit_of_work import SqlFileUnitOfWork
from lms_file.handlers import FilePolicy, SweepHandlers
from lms_kit.domain import utc_now
from lms_kit.testing.harness import error_reason

from ..media import confirmed, photo, uploaded

LECTURE = "courses/c1/chapters/ch1/lectures/l1"


async def fails(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


def sweeper(database, store, *, later: timedelta) -> SweepHandlers:
    """The service's sweep, run as if `later` had passed."""
    return SweepHandlers(
        lambda: SqlFileUnitOfWork(database), store, FilePolicy(), clock=lambda: utc_now() + later
    )


async def keys(store, name: str) -> list[str]:
    return [o.key for o in await store.list_objects(f"files/{name.split('/')[1]}/")]


async def test_a_file_referenced_by_a_lecture_is_not_deleted_until_the_reference_goes(mesh, s3_store):
    owner = mesh.mint.bearer(f"t-{uuid.uuid4()}", roles=["teacher"])
    file = await confirmed(
        mesh.files, owner, b"%PDF-1.4\nslides", pb.PURPOSE_ATTACHMENT, "application/pdf", "s.pdf"
    )
    course = mesh.mint.service_bearer("course")
    referenced = await mesh.files.AddReference(
        pb.AddReferenceRequest(name=file.name, referrer=LECTURE), metadata=course
    )
    again = await mesh.files.AddReference(
        pb.AddReferenceRequest(name=file.name, referrer=LECTURE), metadata=course
    )
    assert list(referenced.references) == list(again.references) == [LECTURE]
    kept = await fails(mesh.files.DeleteFile(pb.DeleteFileRequest(name=file.name), metadata=owner))
    assert (kept.code(), error_reason(kept)) == (grpc.StatusCode.FAILED_PRECONDITION, "FILE_REFERENCED")
    assert await keys(s3_store, file.name)
    await mesh.files.RemoveReference(
        pb.RemoveReferenceRequest(name=file.name, referrer=LECTURE), metadata=course
    )
    deleted = await mesh.files.DeleteFile(pb.DeleteFileRequest(name=file.name), metadata=owner)
    assert deleted.state == pb.FILE_STATE_DELETED and deleted.HasField("expire_time")
    gone = await fails(mesh.files.GetDownloadUrl(pb.GetDownloadUrlRequest(name=file.name), metadata=owner))
    assert error_reason(gone) == "FILE_NOT_FOUND"
    assert await keys(s3_store, file.name)  # kept for the retention period


async def test_a_stranger_cannot_reference_or_delete_someone_elses_file(mesh):
    owner, stranger = mesh.mint.bearer(f"o-{uuid.uuid4()}"), mesh.mint.bearer(f"s-{uuid.uuid4()}")
    file = await confirmed(mesh.files, owner, photo(100, 100), pb.PURPOSE_AVATAR, "image/jpeg")
    denied = await fails(
        mesh.files.AddReference(pb.AddReferenceRequest(name=file.name, referrer=LECTURE), metadata=stranger)
    )
    assert error_reason(denied) == "FILE_ACCESS_DENIED"
    hidden = await fails(mesh.files.DeleteFile(pb.DeleteFileRequest(name=file.name), metadata=stranger))
    assert error_reason(hidden) == "FILE_NOT_FOUND"


async def test_the_sweep_expires_unconfirmed_uploads_purges_deleted_files_and_orphans(
    mesh, s3_store, database
):
    owner = mesh.mint.bearer(f"o-{uuid.uuid4()}")
    pending = await uploaded(mesh.files, owner, photo(120, 120), pb.PURPOSE_AVATAR, "image/jpeg")
    deleted = await confirmed(mesh.files, owner, photo(130, 130), pb.PURPOSE_AVATAR, "image/jpeg")
    await mesh.files.DeleteFile(pb.DeleteFileRequest(name=deleted.name), metadata=owner)
    kept = await confirmed(mesh.files, owner, photo(140, 140), pb.PURPOSE_AVATAR, "image/jpeg")
    orphan_id = f"orphan-{uuid.uuid4()}"
    await s3_store.put(f"files/{orphan_id}/original", b"left by a crash", "text/plain")

    soon = await sweeper(database, s3_store, later=timedelta(minutes=1)).sweep()
    assert (soon.expired_uploads, soon.orphan_objects) == (0, 0)
    assert await keys(s3_store, f"files/{orphan_id}")

    report = await sweeper(database, s3_store, later=timedelta(days=31)).sweep()
    assert report.expired_uploads >= 1 and report.purged_files >= 1 and report.orphan_objects >= 1
    expired = await mesh.files.GetFile(pb.GetFileRequest(name=pending.file.name), metadata=owner)
    assert expired.state == pb.FILE_STATE_EXPIRED
    assert await keys(s3_store, pending.file.name) == []
    assert await keys(s3_store, deleted.name) == []
    assert await keys(s3_store, f"files/{orphan_id}") == []
    assert await keys(s3_store, kept.name)  # a ready file is untouched
    purged = await fails(mesh.files.GetFile(pb.GetFileRequest(name=deleted.name), metadata=owner))
    assert error_reason(purged) == "FILE_NOT_FOUND"
