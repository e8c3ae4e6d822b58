"""A course's structure: chapters and lectures, in dense order (positions 0..n-1).

Each change locks the course row first, so concurrent edits of one course take turns
and positions stay dense; each marks the course changed (CourseChanged, shared copies
dropped).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from lms_course.domain import ordering
from lms_course.domain.assets import asset_change
from lms_course.domain.enums import CourseState
from lms_course.domain.errors import CourseHasNoLectures, InvalidField, NotEnrolled, UpdateMaskInvalid
from lms_course.domain.model import Chapter, Course, Lecture, LectureContent
from lms_course.handlers.common import SharedReads, chapter_of, editable_course, lecture_at, visible_course
from lms_course.handlers.ports import CourseUnitOfWork
from lms_course.handlers.results import ChapterRef, LectureRef
from lms_kit.domain import Actor, Clock, utc_now

LECTURE_FIELDS = ("title", "free_preview", "content")


def _check_title(field: str, title: str) -> None:
    if not title.strip():
        raise InvalidField(field, "REQUIRED", f"a {field.split('.')[0]} needs a title")


class StructureHandlers:
    def __init__(
        self,
        uow: Callable[[], CourseUnitOfWork],
        *,
        shared: SharedReads | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._shared = shared or SharedReads()
        self._clock = clock

    # -- chapters --

    async def create_chapter(self, actor: Actor, course_id: str, title: str, position: int | None) -> Chapter:
        _check_title("chapter.title", title)
        now = self._clock()
        async with self._uow() as uow:
            course = await editable_course(uow, course_id, actor, lock=True)
            chapter = Chapter(str(uuid.uuid4()), course_id, title, 0)
            order = ordering.inserted(
                [c.id for c in await uow.structure.chapters(course_id)], chapter.id, position
            )
            chapter.position = order.index(chapter.id)
            await uow.structure.add_chapter(chapter)
            await uow.structure.set_chapter_positions(ordering.positions(order))
            await self._commit_change(uow, course, now)
        await self._shared.course_changed(course_id)
        return chapter

    async def update_chapter(self, actor: Actor, ref: ChapterRef, fields: set[str], title: str) -> Chapter:
        unknown = sorted(fields - {"title"})
        if unknown:
            raise UpdateMaskInvalid(unknown)
        now = self._clock()
        async with self._uow() as uow:
            course = await editable_course(uow, ref.course_id, actor, lock=True)
            chapter = await chapter_of(uow, ref.course_id, ref.chapter_id)
            if "title" in fields:
                _check_title("chapter.title", title)
                chapter.title = title
                await uow.structure.save_chapter(chapter)
            await self._commit_change(uow, course, now)
        await self._shared.course_changed(ref.course_id)
        return chapter

    async def delete_chapter(self, actor: Actor, ref: ChapterRef) -> None:
        """Delete a chapter and its lectures; a published course keeps at least one lecture."""
        now = self._clock()
        async with self._uow() as uow:
            course = await editable_course(uow, ref.course_id, actor, lock=True)
            await chapter_of(uow, ref.course_id, ref.chapter_id)
            lecture_ids = await uow.structure.lecture_ids(ref.chapter_id)
            if course.state is not CourseState.DRAFT:
                remaining = await uow.structure.lecture_count(ref.course_id) - len(lecture_ids)
                if remaining <= 0:
                    raise CourseHasNoLectures("a published course keeps at least one lecture")
            for lecture_id in lecture_ids:
                lecture = await uow.structure.get_lecture(lecture_id)
                if lecture is not None:
                    self._asset_changed(uow, lecture, lecture.content.asset, "", now)
            await uow.structure.delete_chapter(ref.chapter_id)
            order = [c.id for c in await uow.structure.chapters(ref.course_id)]
            await uow.structure.set_chapter_positions(ordering.positions(order))
            await self._commit_change(uow, course, now)
        await self._shared.course_changed(ref.course_id)

    async def move_chapter(self, actor: Actor, ref: ChapterRef, position: int) -> Chapter:
        now = self._clock()
        async with self._uow() as uow:
            course = await editable_course(uow, ref.course_id, actor, lock=True)
            chapter = await chapter_of(uow, ref.course_id, ref.chapter_id)
            order = ordering.inserted(
                [c.id for c in await uow.structure.chapters(ref.course_id)], ref.chapter_id, position
            )
            await uow.structure.set_chapter_positions(ordering.positions(order))
            chapter.position = order.index(ref.chapter_id)
            await self._commit_change(uow, course, now)
        await self._shared.course_changed(ref.course_id)
        return chapter

    # -- lectures --

    async def create_lecture(
        self,
        actor: Actor,
        chapter: ChapterRef,
        *,
        title: str,
        free_preview: bool,
        content: LectureContent,
        position: int | None,
    ) -> Lecture:
        _check_title("lecture.title", title)
        now = self._clock()
        async with self._uow() as uow:
            course = await editable_course(uow, chapter.course_id, actor, lock=True)
            await chapter_of(uow, chapter.course_id, chapter.chapter_id)
            lecture = Lecture(
                str(uuid.uuid4()), chapter.course_id, chapter.chapter_id, title, 0, free_preview, content
            )
            order = ordering.inserted(
                await uow.structure.lecture_ids(chapter.chapter_id), lecture.id, position
            )
            lecture.position = order.index(lecture.id)
            await uow.structure.add_lecture(lecture)
            await uow.structure.set_lecture_positions(chapter.chapter_id, ordering.positions(order))
            self._asset_changed(uow, lecture, "", content.asset, now)
            await self._commit_change(uow, course, now)
        await self._shared.course_changed(chapter.course_id)
        return lecture

    async def get_lecture(self, actor: Actor, ref: LectureRef) -> Lecture:
        """The lecture with its content, for enrolled learners, teachers, admins, and
        anyone for a free preview of a published course."""
        async with self._uow() as uow:
            course = await visible_course(uow, ref.course_id, actor)
            lecture = await lecture_at(uow, ref)
            if course.can_edit(actor):
                return lecture
            if lecture.free_preview and course.state is CourseState.PUBLISHED:
                return lecture
            enrollment = await uow.enrollments.get(ref.course_id, actor.user_id) if actor.user_id else None
            if enrollment is None or not enrollment.is_active:
                raise NotEnrolled("enrol in the course to open this lecture")
            return lecture

    async def update_lecture(
        self,
        actor: Actor,
        ref: LectureRef,
        fields: set[str],
        *,
        title: str,
        free_preview: bool,
        content: LectureContent,
    ) -> Lecture:
        unknown = sorted(fields - set(LECTURE_FIELDS))
        if unknown:
            raise UpdateMaskInvalid(unknown)
        now = self._clock()
        async with self._uow() as uow:
            course = await editable_course(uow, ref.course_id, actor, lock=True)
            lecture = await lecture_at(uow, ref)
            if "title" in fields:
                _check_title("lecture.title", title)
                lecture.title = title
            if "free_preview" in fields:
                lecture.free_preview = free_preview
            if "content" in fields:
                self._asset_changed(uow, lecture, lecture.content.asset, content.asset, now)
                lecture.content = content
            await uow.structure.save_lecture(lecture)
            await self._commit_change(uow, course, now)
        await self._shared.course_changed(ref.course_id)
        return lecture

    async def delete_lecture(self, actor: Actor, ref: LectureRef) -> None:
        now = self._clock()
        async with self._uow() as uow:
            course = await editable_course(uow, ref.course_id, actor, lock=True)
            lecture = await lecture_at(uow, ref)
            if (
                course.state is not CourseState.DRAFT
                and await uow.structure.lecture_count(ref.course_id) <= 1
            ):
                raise CourseHasNoLectures("a published course keeps at least one lecture")
            await uow.structure.delete_lecture(ref.lecture_id)
            self._asset_changed(uow, lecture, lecture.content.asset, "", now)
            order = await uow.structure.lecture_ids(ref.chapter_id)
            await uow.structure.set_lecture_positions(ref.chapter_id, ordering.positions(order))
            await self._commit_change(uow, course, now)
        await self._shared.course_changed(ref.course_id)

    async def move_lecture(
        self, actor: Actor, ref: LectureRef, *, to_chapter: ChapterRef | None, position: int
    ) -> Lecture:
        """Move within or across chapters of one course (None: within its own chapter), in
        one transaction; both chapters stay dense."""
        if to_chapter is not None and to_chapter.course_id != ref.course_id:
            raise InvalidField("chapter", "OTHER_COURSE", "must be a chapter of the same course")
        now = self._clock()
        async with self._uow() as uow:
            course = await editable_course(uow, ref.course_id, actor, lock=True)
            lecture = await lecture_at(uow, ref)
            target = to_chapter.chapter_id if to_chapter is not None else ref.chapter_id
            await chapter_of(uow, ref.course_id, target)
            if target != ref.chapter_id:
                source_order = ordering.removed(await uow.structure.lecture_ids(ref.chapter_id), lecture.id)
                await uow.structure.set_lecture_positions(ref.chapter_id, ordering.positions(source_order))
            order = ordering.inserted(
                [i for i in await uow.structure.lecture_ids(target) if i != lecture.id], lecture.id, position
            )
            await uow.structure.set_lecture_positions(target, ordering.positions(order))
            renamed = target != ref.chapter_id  # a lecture's name holds its chapter: the reference moves
            if renamed:
                self._asset_changed(uow, lecture, lecture.content.asset, "", now)
            lecture.chapter_id, lecture.position = target, order.index(lecture.id)
            if renamed:
                self._asset_changed(uow, lecture, "", lecture.content.asset, now)
            await self._commit_change(uow, course, now)
        await self._shared.course_changed(ref.course_id)
        return lecture

    @staticmethod
    def _asset_changed(uow: CourseUnitOfWork, lecture: Lecture, old: str, new: str, now: datetime) -> None:
        """Record the file service's reference change with the structure change."""
        event = asset_change(lecture, old, new, now)
        if event is not None:
            uow.emit(event)

    async def _commit_change(self, uow: CourseUnitOfWork, course: Course, now: datetime) -> None:
        course.changed(now)
        await uow.courses.save(course)
        await uow.commit()
