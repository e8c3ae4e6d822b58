"""Downloads: presigned GETs that SeaweedFS itself checks (tampered, expired), ranges,
Content-Disposition, and who may get a URL (owner, public, the lecture's viewers)."""

from __future__ import annotations

import datetime as dt
import urllib.parse
import uuid

import grpc
import pytest

from lms.course.v1 import course_pb2
from lms.file.v1 import file_pb2 as pb
from lms_devkit.course import People, add_chapter, add_lecture, new_course
from lms_file.adapters.s3 import S3ObjectStore
from lms_file.domain.model import original_key
from lms_kit.domain import utc_now
from lms_kit.testing.harness import error_reason

from ..conftest import s3_settings
from ..media import confirmed, get, photo, tiny_mp4


async def fails(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


def uid() -> str:
    return str(uuid.uuid4())


@pytest.fixture(scope="module")
def mp4(tmp_path_factory) -> bytes:
    return tiny_mp4(tmp_path_factory.mktemp("video") / "clip.mp4")


async def test_a_range_download_returns_exactly_those_bytes_with_the_original_name(mesh):
    owner = mesh.mint.bearer(uid())
    data = b"%PDF-1.7\n" + bytes(range(256)) * 40
    file = await confirmed(mesh.files, owner, data, pb.PURPOSE_ATTACHMENT, "application/pdf", "Übung 1.pdf")
    link = await mesh.files.GetDownloadUrl(pb.GetDownloadUrlRequest(name=file.name), metadata=owner)
    answer = await get(link.url, {"Range": "bytes=100-1099"})
    assert answer.status_code == 206
    assert answer.content == data[100:1100]
    assert answer.headers["content-range"] == f"bytes 100-1099/{len(data)}"
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''%C3%9Cbung%201.pdf" in disposition
    assert answer.headers["content-type"] == "application/pdf"


async def test_a_tampered_download_url_is_refused_by_the_s3_server(mesh):
    owner = mesh.mint.bearer(uid())
    file = await confirmed(mesh.files, owner, photo(200, 200), pb.PURPOSE_AVATAR, "image/jpeg")
    link = await mesh.files.GetDownloadUrl(pb.GetDownloadUrlRequest(name=file.name))
    assert (await get(link.url)).status_code == 200
    other_key = link.url.replace("/original?", "/w160.webp?")  # another object, same signature
    assert (await get(other_key)).status_code == 403
    parts = urllib.parse.urlsplit(link.url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query["X-Amz-Expires"] = "604800"  # a longer life than was signed
    longer = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
    assert (await get(longer)).status_code == 403


async def test_an_expired_download_url_is_refused_by_the_s3_server(mesh, seaweed):
    owner = mesh.mint.bearer(uid())
    file = await confirmed(mesh.files, owner, photo(200, 200), pb.PURPOSE_AVATAR, "image/jpeg")
    settings = s3_settings(seaweed)
    key = original_key(file.name.split("/")[1])

    def signer(offset: dt.timedelta) -> S3ObjectStore:  # the service's store, its clock moved
        return S3ObjectStore(
            endpoint=settings["s3_endpoint_url"],
            bucket=settings["s3_bucket"],
            access_key_id=seaweed.access_key,
            secret_access_key=seaweed.secret_key,
            clock=lambda: utc_now() + offset,
        )

    fresh = signer(dt.timedelta(0)).presign_get(key, 300, filename="a.jpg", content_type="image/jpeg")
    assert (await get(fresh)).status_code == 200
    stale = signer(-dt.timedelta(hours=1)).presign_get(key, 300, filename="a.jpg", content_type="image/jpeg")
    answer = await get(stale)
    assert answer.status_code == 403 and b"expired" in answer.content.lower()


async def test_a_learner_not_enrolled_gets_no_url_of_a_paid_lectures_video(mesh, mp4):
    people = People(mesh.mint)
    teacher_id, enrolled_id, outsider_id = uid(), uid(), uid()
    teacher = people.teacher(teacher_id)
    course = await new_course(mesh.courses, teacher, title="Paid", price=4900)
    chapter = await add_chapter(mesh.courses, teacher, course.name)
    lecture = await add_lecture(mesh.courses, teacher, chapter.name)
    await mesh.courses.PublishCourse(course_pb2.PublishCourseRequest(name=course.name), metadata=teacher)
    video = await confirmed(mesh.files, teacher, mp4, pb.PURPOSE_LECTURE_VIDEO, "video/mp4", "intro.mp4")
    assert video.state == pb.FILE_STATE_PROCESSING
    await mesh.exposed["videos"].run_pending()
    await mesh.files.AddReference(
        pb.AddReferenceRequest(name=video.name, referrer=lecture.name), metadata=teacher
    )
    await mesh.courses.EnrollPaid(
        course_pb2.EnrollPaidRequest(course=course.name, user=f"users/{enrolled_id}", order_id=uid()),
        metadata=people.payment(),
    )
    request = pb.GetDownloadUrlRequest(name=video.name)
    outsider = await fails(mesh.files.GetDownloadUrl(request, metadata=people.student(outsider_id)))
    assert (outsider.code(), error_reason(outsider)) == (
        grpc.StatusCode.PERMISSION_DENIED,
        "FILE_ACCESS_DENIED",
    )
    anonymous = await fails(mesh.files.GetDownloadUrl(request))
    assert error_reason(anonymous) == "FILE_ACCESS_DENIED"
    link = await mesh.files.GetDownloadUrl(request, metadata=people.student(enrolled_id))
    assert (await get(link.url, {"Range": "bytes=0-15"})).content == mp4[:16]
    assert (await mesh.files.GetDownloadUrl(request, metadata=teacher)).url


async def test_a_public_thumbnail_is_downloadable_by_anyone_and_a_missing_variant_is_named(mesh):
    owner = mesh.mint.bearer(uid())
    file = await confirmed(mesh.files, owner, photo(400, 300), pb.PURPOSE_COURSE_THUMBNAIL, "image/jpeg")
    link = await mesh.files.GetDownloadUrl(pb.GetDownloadUrlRequest(name=file.name, variant="w320.webp"))
    answer = await get(link.url)
    assert answer.status_code == 200 and answer.content[8:12] == b"WEBP"
    error = await fails(
        mesh.files.GetDownloadUrl(pb.GetDownloadUrlRequest(name=file.name, variant="w9999.webp"))
    )
    assert error_reason(error) == "VARIANT_NOT_FOUND"
