"""The embedded default: the same handlers and repositories on SQLite (FTS5 search,
MAX upserts), and the migrated schema matching the table definitions on both databases."""

from __future__ import annotations

import sqlalchemy as sa

from lms_course.adapters.repository import SqlUnitOfWork
from lms_course.adapters.tables import metadata
from lms_course.domain.model import Actor, CourseDetails, LectureContent, LectureKind, Level
from lms_course.domain.search import SearchCriteria, SearchOrder
from lms_course.handlers import CourseHandlers, LectureRef
from lms_course.migrations import MIGRATIONS_DIR
from lms_kit.db import Database
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import sqlite_database

TEACHER = Actor("teacher-1")
LEARNER = Actor("learner-1")


async def published(handlers: CourseHandlers, title: str, **details) -> tuple[str, list[LectureRef]]:
    course = await handlers.create_course(TEACHER, CourseDetails(title=title, **details))
    chapter = await handlers.create_chapter(TEACHER, course.id, "One", None)
    refs = []
    for i in range(2):
        lecture = await handlers.create_lecture(
            TEACHER,
            course.id,
            chapter.id,
            title=f"L{i}",
            free_preview=False,
            content=LectureContent(LectureKind.VIDEO, "videos/v", 100),
            position=None,
        )
        refs.append(LectureRef(course.id, chapter.id, lecture.id))
    await handlers.publish_course(course.id, TEACHER)
    return course.id, refs


async def test_search_progress_and_completion_work_on_sqlite():
    with sqlite_database() as url:
        await upgrade(url, MIGRATIONS_DIR)
        database = Database(url)
        try:
            handlers = CourseHandlers(lambda: SqlUnitOfWork(database))
            rust, refs = await published(
                handlers, "Rust for systems programmers", tags=("systems",), level=Level.ADVANCED
            )
            await published(handlers, "Cooking pasta", description="Not about systems at all, mostly water.")
            await handlers.create_course(TEACHER, CourseDetails(title="Draft systems course"))

            hits = await handlers.search(SearchCriteria(query="systems"), None, 10)
            assert [h.course.details.title for h in hits] == ["Rust for systems programmers", "Cooking pasta"]
            assert "<mark>" in hits[0].snippet
            second = await handlers.search(SearchCriteria(query="systems"), hits[0].key, 10)
            assert [h.course.id for h in second] == [hits[1].course.id]
            advanced = await handlers.search(
                SearchCriteria(level=Level.ADVANCED, order=SearchOrder.NEWEST), None, 10
            )
            assert [h.course.id for h in advanced] == [rust]
            assert await handlers.search(SearchCriteria(query='"unbalanced OR ('), None, 10) == []

            await handlers.enroll(LEARNER, rust)
            for position in (50, 20, 80, 80, 10):
                progress = await handlers.record_position(LEARNER, refs[0], position)
            assert progress.position_s == 80
            for ref in (*refs, *refs):
                progress = await handlers.complete_lecture(LEARNER, ref)
            assert (progress.course_completion_percent, progress.course_completed) == (100, True)
        finally:
            await database.dispose()


def _schema(connection) -> dict[str, set[str]]:
    inspector = sa.inspect(connection)
    return {t: {c["name"] for c in inspector.get_columns(t)} for t in metadata.tables}


async def test_migrated_schema_matches_the_table_definitions_on_both_databases(pg_url):
    expected = {name: {c.name for c in table.columns} for name, table in metadata.tables.items()}
    with sqlite_database() as url:
        await upgrade(url, MIGRATIONS_DIR)
        await upgrade(url, MIGRATIONS_DIR)  # idempotent
        for target in (url, pg_url):
            database = Database(target)
            try:
                async with database.engine.connect() as connection:
                    found = await connection.run_sync(_schema)
            finally:
                await database.dispose()
            extra = {"courses": {"search_vector"}} if target == pg_url else {}
            assert {t: cols - extra.get(t, set()) for t, cols in found.items()} == expected


async def test_a_teachers_courses_include_co_taught_ones_on_sqlite():
    with sqlite_database() as url:
        await upgrade(url, MIGRATIONS_DIR)
        database = Database(url)
        try:
            handlers = CourseHandlers(lambda: SqlUnitOfWork(database))
            own = await handlers.create_course(TEACHER, CourseDetails(title="Own draft"))
            colleague = Actor("teacher-2")
            shared = await handlers.create_course(
                colleague, CourseDetails(title="Shared", instructor_ids=(TEACHER.user_id,))
            )
            await handlers.create_course(colleague, CourseDetails(title="Not mine"))

            found = await handlers.list_teaching_courses(TEACHER, TEACHER.user_id, None, 10)

            assert [c.id for c in found] == [shared.id, own.id]
        finally:
            await database.dispose()
