"""Lecture files on real PostgreSQL: the LectureAssetChanged the file service consumes
commits with the lecture row, and a VideoReady handled in a consumer's unit of work puts
the real duration in the course's totals."""

from __future__ import annotations

import sqlalchemy as sa

from lms.course.v1 import events_pb2
from lms_course.adapters.unit_of_work import SqlCourseUnitOfWork
from lms_course.domain.enums import LectureKind
from lms_course.domain.model import CourseDetails, LectureContent
from lms_course.handlers import CourseUseCases
from lms_course.handlers.results import ChapterRef, LectureRef
from lms_kit.domain import Actor
from lms_kit.events.schema import outbox

TEACHER = Actor.user("files-teacher", "teacher")


async def asset_events(database, course_id: str) -> list[events_pb2.LectureAssetChanged]:
    async with database.session() as session:
        rows = await session.execute(
            sa.select(outbox.c.payload)
            .where(outbox.c.subject == "lms.course.v1.LectureAssetChanged")
            .order_by(outbox.c.sequence)
        )
        found = [events_pb2.LectureAssetChanged.FromString(payload) for (payload,) in rows]
    return [e for e in found if e.course_id == course_id]


async def test_video_ready_sets_the_lecture_duration_and_the_course_total(database):
    uow = lambda: SqlCourseUnitOfWork(database)  # noqa: E731
    use_cases = CourseUseCases.build(uow)
    course = await use_cases.courses.create(TEACHER, CourseDetails(title="Filmed"))
    chapter = await use_cases.structure.create_chapter(TEACHER, course.id, "One", None)
    lectures = []
    for asset in ("files/vid-1", "videos/external"):
        lectures.append(
            await use_cases.structure.create_lecture(
                TEACHER,
                ChapterRef(course.id, chapter.id),
                title=asset,
                free_preview=False,
                content=LectureContent(LectureKind.VIDEO, asset, 60),
                position=None,
            )
        )
    (recorded,) = await asset_events(database, course.id)  # the external asset records nothing
    assert (recorded.lecture, recorded.old_asset, recorded.new_asset) == (lectures[0].name, "", "files/vid-1")

    refs = [LectureRef(course.id, chapter.id, lecture.id) for lecture in lectures]
    for _ in range(2):  # a redelivery past the inbox changes nothing more
        async with uow() as consumer_uow:
            changed = await use_cases.media.video_ready(
                consumer_uow, file_id="vid-1", duration_s=95, lectures=refs
            )
            await consumer_uow.commit()
    assert changed == []  # the second time: already set
    page = await use_cases.courses.get(TEACHER, course.id)
    assert page.outline is not None
    assert (page.outline.lecture_count, page.outline.course.total_duration_s) == (2, 95 + 60)
