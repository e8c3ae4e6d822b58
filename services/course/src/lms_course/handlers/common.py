"""What several use cases share: loading a course, chapter or lecture with the checks that
go with it, and dropping the shared copies of public reads after a write."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from lms_course.domain.errors import ChapterNotFound, CourseNotFound, LectureNotFound, NotCourseInstructor
from lms_course.domain.model import Chapter, Course, Lecture
from lms_course.domain.search import SearchHit, SearchQuery
from lms_course.handlers.ports import CoursePages, CourseUnitOfWork, SearchPages
from lms_course.handlers.results import CourseOutline, CoursePage, LectureRef, SearchPage
from lms_kit.domain import Actor


async def editable_course(
    uow: CourseUnitOfWork, course_id: str, actor: Actor, *, lock: bool = False
) -> Course:
    """The course, if `actor` may edit it: not found for whoever may not see it, denied
    for whoever may see but not edit it."""
    course = await uow.courses.get(course_id, lock=lock)
    if course is None or not course.is_visible_to(actor):
        raise CourseNotFound(course_id)
    if not course.can_edit(actor):
        raise NotCourseInstructor()
    return course


async def visible_course(uow: CourseUnitOfWork, course_id: str, actor: Actor) -> Course:
    course = await uow.courses.get(course_id)
    if course is None or not course.is_visible_to(actor):
        raise CourseNotFound(course_id)
    return course


async def chapter_of(uow: CourseUnitOfWork, course_id: str, chapter_id: str) -> Chapter:
    chapter = await uow.structure.get_chapter(chapter_id)
    if chapter is None or chapter.course_id != course_id:
        raise ChapterNotFound(course_id, chapter_id)
    return chapter


async def lecture_at(uow: CourseUnitOfWork, ref: LectureRef) -> Lecture:
    lecture = await uow.structure.get_lecture(ref.lecture_id)
    if lecture is None or lecture.course_id != ref.course_id or lecture.chapter_id != ref.chapter_id:
        raise LectureNotFound(ref.course_id, ref.chapter_id, ref.lecture_id)
    return lecture


class NoCoursePages:
    """No shared copies: every GetCourse reads the database."""

    async def get(self, course_id: str) -> CoursePage | None:
        return None

    async def keep(self, outline: CourseOutline) -> CoursePage:
        return CoursePage(outline, cacheable_for_everyone=True)

    async def invalidate(self, course_id: str) -> None:
        return None


class NoSearchPages:
    """No shared pages: every search queries."""

    async def page(
        self, query: SearchQuery, search: Callable[[SearchQuery], Awaitable[list[SearchHit]]]
    ) -> SearchPage:
        return SearchPage(await search(query), query.size)

    def clear(self) -> None:
        return None


class SharedReads:
    """The shared copies a write may make stale. Called right after a commit: this
    process (and, with Redis, every process) reads the change at once; other processes'
    in-process copies go when the change's event reaches them, or by their time-to-live."""

    def __init__(self, pages: CoursePages | None = None, search_pages: SearchPages | None = None) -> None:
        self.pages: CoursePages = pages or NoCoursePages()
        self.search_pages: SearchPages = search_pages or NoSearchPages()

    async def course_changed(self, course_id: str) -> None:
        """The course's detail, structure, lifecycle or rating changed."""
        self.search_pages.clear()
        await self.pages.invalidate(course_id)

    def catalogue_changed(self) -> None:
        """Categories changed (search filters by subtree)."""
        self.search_pages.clear()
