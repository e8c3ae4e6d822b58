"""The SQL side on real PostgreSQL: the tables match the migrations; a course's rows and
the events it raised commit together, or not at all."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms_course.adapters.tables import metadata
from lms_course.adapters.unit_of_work import SqlCourseUnitOfWork
from lms_course.domain.enums import LectureKind
from lms_course.domain.errors import CourseHasNoLectures
from lms_course.domain.model import CourseDetails, LectureContent
from lms_course.handlers import CourseUseCases
from lms_course.handlers.results import ChapterRef
from lms_kit.domain import Actor
from lms_kit.events.schema import outbox
from lms_kit.testing.checks import schema_drift

TEACHER = Actor.user("storage-teacher", "teacher")


async def test_the_tables_match_the_migrations(pg_url):
    assert await schema_drift(pg_url, metadata) == []


async def subjects_of(database, course_id: str) -> list[str]:
    async with database.session() as session:
        rows = await session.execute(
            sa.select(outbox.c.subject, outbox.c.payload).order_by(outbox.c.sequence)
        )
        return [subject for subject, payload in rows if course_id.encode() in payload]


async def test_a_published_course_and_its_events_commit_together(database):
    use_cases = CourseUseCases.build(lambda: SqlCourseUnitOfWork(database))
    course = await use_cases.courses.create(TEACHER, CourseDetails(title="Storage"))
    with pytest.raises(CourseHasNoLectures):
        await use_cases.courses.publish(TEACHER, course.id)
    assert await subjects_of(database, course.id) == []  # refused: no row changed, no event

    chapter = await use_cases.structure.create_chapter(TEACHER, course.id, "One", None)
    await use_cases.structure.create_lecture(
        TEACHER,
        ChapterRef(course.id, chapter.id),
        title="L",
        free_preview=False,
        content=LectureContent(LectureKind.VIDEO, "videos/v1", 60),
        position=None,
    )
    published = await use_cases.courses.publish(TEACHER, course.id)

    assert published.pending_events == ()
    assert await subjects_of(database, course.id) == [
        "lms.course.v1.CourseChanged",  # the chapter
        "lms.course.v1.CourseChanged",  # the lecture
        "lms.course.v1.CoursePublished",
        "lms.course.v1.CourseChanged",
    ]
    page = await use_cases.courses.get(Actor(), course.id)
    assert page.outline is not None and page.outline.course.state.value == "published"
