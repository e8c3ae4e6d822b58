"""Uploads against real SeaweedFS: presigned PUT and multipart, confirm checks on the real
bytes, and refusals that leave nothing behind."""

from __future__ import annotations

import io
import uuid

import grpc
import pytest
from PIL import Image, features

from lms.file.v1 import events_pb2
from lms.file.v1 import file_pb2 as pb
from lms_devkit.course import outbox_events
from lms_file.adapters.unit_of_work import SqlFileUnitOfWork
from lms_file.domain.model import original_key
from lms_kit.testing.harness import error_reason, field_violations

from ..media import PHP_AS_JPEG, bomb_png, confirmed, create_request, get, photo, put, sha256, uploaded

MIB = 1024 * 1024


async def fails(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


def user(mesh, prefix: str = "u"):
    return mesh.mint.bearer(f"{prefix}-{uuid.uuid4()}", roles=["student"])


async def objects_of(s3_store, name: str) -> list[str]:
    return [o.key for o in await s3_store.list_objects(f"files/{name.split('/')[1]}/")]


async def test_a_photo_is_uploaded_confirmed_and_gets_upright_variants_without_exif(mesh, s3_store):
    owner = user(mesh)
    data = photo(1600, 900, orientation=6)  # stored sideways: upright it is 900 wide, 1600 high
    file = await confirmed(mesh.files, owner, data, pb.PURPOSE_COURSE_THUMBNAIL, "image/jpeg", "Cover.jpg")
    assert file.state == pb.FILE_STATE_READY and file.public and file.content_type == "image/jpeg"
    names = {v.name for v in file.variants}
    assert {"w160.webp", "w160.jpg", "w320.webp", "w640.jpg"} <= names
    assert ("w640.avif" in names) == features.check("avif")
    assert not {"w1280.webp", "w1280.jpg"} & names  # 900 wide: never upscaled
    w640 = next(v for v in file.variants if v.name == "w640.jpg")
    assert (w640.width, w640.height) == (640, round(1600 * 640 / 900))
    link = await mesh.files.GetDownloadUrl(pb.GetDownloadUrlRequest(name=file.name, variant="w640.jpg"))
    image = Image.open(io.BytesIO((await get(link.url)).content))
    assert image.size == (640, w640.height)
    assert not image.getexif()  # no orientation, no camera make
    top, bottom = image.getpixel((320, 5)), image.getpixel((320, w640.height - 5))
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]  # red on top, blue below: rotated


async def test_a_retried_create_upload_is_the_same_file(mesh):
    owner = user(mesh)
    data = photo(200, 200)
    request = create_request(data, pb.PURPOSE_AVATAR, "image/jpeg")
    first = await mesh.files.CreateUpload(request, metadata=owner)
    again = await mesh.files.CreateUpload(request, metadata=owner)
    assert again.file.name == first.file.name and again.method == pb.UPLOAD_METHOD_PUT


async def test_a_php_script_named_jpg_is_refused_and_deleted(mesh, s3_store, database):
    owner = user(mesh)
    upload = await uploaded(mesh.files, owner, PHP_AS_JPEG, pb.PURPOSE_AVATAR, "image/jpeg", "shell.jpg")
    error = await fails(
        mesh.files.ConfirmUpload(pb.ConfirmUploadRequest(name=upload.file.name), metadata=owner)
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(error) == {"content_type": "CONTENT_TYPE_MISMATCH"}
    assert await objects_of(s3_store, upload.file.name) == []
    file = await mesh.files.GetFile(pb.GetFileRequest(name=upload.file.name), metadata=owner)
    assert (file.state, file.failure_reason) == (pb.FILE_STATE_FAILED, "CONTENT_TYPE_MISMATCH")
    failed = await outbox_events(database, events_pb2.FileFailed, file_id=upload.file.name.split("/")[1])
    assert [e.reason for e in failed] == ["CONTENT_TYPE_MISMATCH"]


async def test_bytes_other_than_the_declared_checksum_are_refused_by_s3_on_a_presigned_put(mesh, s3_store):
    owner = user(mesh)
    data = photo(300, 200)
    request = create_request(data, pb.PURPOSE_AVATAR, "image/jpeg", sha256=sha256(b"other bytes"))
    upload = await mesh.files.CreateUpload(request, metadata=owner)
    refused = await put(upload.url, data, dict(upload.headers))
    assert refused.status_code == 400 and b"BadDigest" in refused.content  # the signed checksum
    unsigned = await put(upload.url, data, {"Content-Type": "image/jpeg"})
    assert unsigned.status_code == 403  # leaving the checksum out breaks the signature
    error = await fails(
        mesh.files.ConfirmUpload(pb.ConfirmUploadRequest(name=upload.file.name), metadata=owner)
    )
    assert error_reason(error) == "UPLOAD_MISSING"
    assert await objects_of(s3_store, upload.file.name) == []


async def test_a_multipart_upload_with_a_wrong_checksum_is_refused_at_confirm_and_deleted(mesh, s3_store):
    owner = user(mesh)
    data = b"%PDF-1.7\n" + b"1" * (6 * MIB)
    request = create_request(data, pb.PURPOSE_ATTACHMENT, "application/pdf", "a.pdf", sha256=sha256(b"other"))
    upload = await mesh.files.CreateUpload(request, metadata=owner)
    assert upload.method == pb.UPLOAD_METHOD_MULTIPART
    for part in upload.parts:
        start = (part.part_number - 1) * upload.part_size_bytes
        assert (await put(part.url, data[start : start + part.size_bytes])).status_code == 200
    error = await fails(
        mesh.files.ConfirmUpload(pb.ConfirmUploadRequest(name=upload.file.name), metadata=owner)
    )
    assert (error_reason(error), field_violations(error)) == (
        "CHECKSUM_MISMATCH",
        {"sha256": "CHECKSUM_MISMATCH"},
    )
    assert await objects_of(s3_store, upload.file.name) == []


async def test_more_bytes_than_declared_are_refused_by_s3_or_at_confirm_and_deleted(mesh, s3_store):
    owner = user(mesh)
    data = photo(300, 200)
    upload = await mesh.files.CreateUpload(
        create_request(data, pb.PURPOSE_AVATAR, "image/jpeg"), metadata=owner
    )
    assert (await put(upload.url, data + b"\0" * 1000, dict(upload.headers))).status_code == 400
    big = b"%PDF-1.7\n" + b"2" * (6 * MIB)
    request = create_request(big, pb.PURPOSE_ATTACHMENT, "application/pdf", "b.pdf")
    multipart = await mesh.files.CreateUpload(request, metadata=owner)
    first, last = multipart.parts
    assert (await put(first.url, big[: first.size_bytes])).status_code == 200
    assert (await put(last.url, big[first.size_bytes :] + b"extra")).status_code == 200
    error = await fails(
        mesh.files.ConfirmUpload(pb.ConfirmUploadRequest(name=multipart.file.name), metadata=owner)
    )
    assert field_violations(error) == {"size_bytes": "SIZE_MISMATCH"}
    assert await objects_of(s3_store, multipart.file.name) == []


async def test_a_decompression_bomb_is_refused_before_decoding_and_deleted(mesh, s3_store):
    owner = user(mesh)
    data = bomb_png()
    upload = await uploaded(mesh.files, owner, data, pb.PURPOSE_COURSE_THUMBNAIL, "image/png", "bomb.png")
    error = await fails(
        mesh.files.ConfirmUpload(pb.ConfirmUploadRequest(name=upload.file.name), metadata=owner)
    )
    assert (error_reason(error), field_violations(error)) == (
        "IMAGE_REFUSED",
        {"content_type": "IMAGE_REFUSED"},
    )
    assert await objects_of(s3_store, upload.file.name) == []


async def test_an_oversize_or_wrong_type_upload_is_refused_up_front_naming_both_fields(mesh):
    owner = user(mesh)
    request = pb.CreateUploadRequest(
        purpose=pb.PURPOSE_AVATAR,
        content_type="application/pdf",
        size_bytes=6_000_000,
        sha256="0" * 64,
        original_name="me.pdf",
    )
    error = await fails(mesh.files.CreateUpload(request, metadata=owner))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(error) == {
        "content_type": "CONTENT_TYPE_NOT_ALLOWED",
        "size_bytes": "FILE_TOO_LARGE",
    }
    bad = await fails(
        mesh.files.CreateUpload(
            pb.CreateUploadRequest(purpose=pb.PURPOSE_AVATAR, sha256="xyz"), metadata=owner
        )
    )
    assert set(field_violations(bad)) == {"content_type", "size_bytes", "sha256", "original_name"}


async def test_the_quota_of_a_purpose_counts_pending_and_ready_files(mesh):
    owner = user(mesh)
    big = 4_900_000  # avatars: 5 MB each, 25 MB per user
    for _ in range(5):
        request = create_request(b"x", pb.PURPOSE_AVATAR, "image/jpeg", size_bytes=big)
        await mesh.files.CreateUpload(request, metadata=owner)
    error = await fails(
        mesh.files.CreateUpload(
            create_request(b"x", pb.PURPOSE_AVATAR, "image/jpeg", size_bytes=big), metadata=owner
        )
    )
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.RESOURCE_EXHAUSTED, "QUOTA_EXCEEDED")


async def test_a_multipart_upload_interrupted_and_resumed_completes(mesh, s3_store):
    owner = user(mesh)
    data = bytes(range(256)) * (11 * MIB // 256)  # 11 MiB of attachment: three 5 MiB parts
    data = b"PK\x03\x04" + data[4:]
    request = create_request(data, pb.PURPOSE_ATTACHMENT, "application/zip", "slides.zip")
    upload = await mesh.files.CreateUpload(request, metadata=owner)
    assert upload.method == pb.UPLOAD_METHOD_MULTIPART and len(upload.parts) == 3
    first = upload.parts[0]
    assert (await put(first.url, data[: first.size_bytes])).status_code == 200  # then the connection dies
    early = await fails(
        mesh.files.ConfirmUpload(pb.ConfirmUploadRequest(name=upload.file.name), metadata=owner)
    )
    assert error_reason(early) == "FILE_STATE_INVALID"
    resumed = await mesh.files.ResumeUpload(pb.ResumeUploadRequest(name=upload.file.name), metadata=owner)
    assert list(resumed.uploaded_parts) == [1] and [p.part_number for p in resumed.parts] == [2, 3]
    for part in resumed.parts:
        start = (part.part_number - 1) * resumed.part_size_bytes
        assert (await put(part.url, data[start : start + part.size_bytes])).status_code == 200
    file = await mesh.files.ConfirmUpload(pb.ConfirmUploadRequest(name=upload.file.name), metadata=owner)
    assert (file.state, file.size_bytes) == (pb.FILE_STATE_READY, len(data))
    assert await s3_store.sha256_of(original_key(file.name.split("/")[1])) == sha256(data)


async def test_an_aborted_upload_leaves_no_parts_and_expires(mesh, s3_store, database):
    owner = user(mesh)
    data = b"%PDF-1.7\n" + b"0" * (6 * MIB)
    upload = await mesh.files.CreateUpload(
        create_request(data, pb.PURPOSE_ATTACHMENT, "application/pdf", "notes.pdf"), metadata=owner
    )
    assert (await put(upload.parts[0].url, data[: upload.part_size_bytes])).status_code == 200
    file = await mesh.files.AbortUpload(pb.AbortUploadRequest(name=upload.file.name), metadata=owner)
    assert file.state == pb.FILE_STATE_EXPIRED
    file_id = upload.file.name.split("/")[1]
    async with SqlFileUnitOfWork(database) as uow:
        stored = await uow.files.get(file_id)
    assert stored is not None and stored.multipart_upload_id is not None
    assert await s3_store.list_parts(original_key(file_id), stored.multipart_upload_id) is None
    assert await objects_of(s3_store, upload.file.name) == []


async def test_only_the_owner_confirms(mesh):
    owner, other = user(mesh), user(mesh)
    upload = await uploaded(mesh.files, owner, photo(100, 100), pb.PURPOSE_AVATAR, "image/jpeg")
    error = await fails(
        mesh.files.ConfirmUpload(pb.ConfirmUploadRequest(name=upload.file.name), metadata=other)
    )
    assert error_reason(error) == "FILE_NOT_FOUND"
    nothing = await mesh.files.CreateUpload(
        create_request(b"abc", pb.PURPOSE_ATTACHMENT, "text/plain", "a.txt"), metadata=owner
    )
    missing = await fails(
        mesh.files.ConfirmUpload(pb.ConfirmUploadRequest(name=nothing.file.name), metadata=owner)
    )
    assert error_reason(missing) == "UPLOAD_MISSING"


async def test_the_certificate_service_uploads_a_pdf_for_a_learner_who_alone_downloads_it(mesh):
    learner_id = f"l-{uuid.uuid4()}"
    certificate = mesh.mint.service_bearer("certificate")
    pdf = b"%PDF-1.7\ncertificate of completion"
    upload = await uploaded(
        mesh.files,
        certificate,
        pdf,
        pb.PURPOSE_CERTIFICATE,
        "application/pdf",
        "cert.pdf",
        owner=f"users/{learner_id}",
    )
    file = await mesh.files.ConfirmUpload(
        pb.ConfirmUploadRequest(name=upload.file.name), metadata=certificate
    )
    assert (file.state, file.owner) == (pb.FILE_STATE_READY, f"users/{learner_id}")
    learner = mesh.mint.bearer(learner_id, roles=["student"])
    link = await mesh.files.GetDownloadUrl(pb.GetDownloadUrlRequest(name=file.name), metadata=learner)
    assert (await get(link.url)).content == pdf
    other = await fails(
        mesh.files.GetDownloadUrl(pb.GetDownloadUrlRequest(name=file.name), metadata=user(mesh))
    )
    assert error_reason(other) == "FILE_ACCESS_DENIED"
    request = create_request(
        pdf, pb.PURPOSE_ATTACHMENT, "application/pdf", "x.pdf", owner=f"users/{learner_id}"
    )
    impostor = await fails(mesh.files.CreateUpload(request, metadata=user(mesh)))
    assert (impostor.code(), error_reason(impostor)) == (
        grpc.StatusCode.PERMISSION_DENIED,
        "FILE_ACCESS_DENIED",
    )
