"""Courses: create, read (with structure), edit, publish, archive, a teacher's list.

Ownership that needs the database (teacher of a course) is checked here; the contract's
access policy has already checked roles and sign-in.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import replace

from lms_course.domain.errors import (
    InvalidField,
    NotCourseInstructor,
    NotCourseOwner,
    PrerequisiteCycle,
    UpdateMaskInvalid,
)
from lms_course.domain.graph import prerequisites_make_cycle
from lms_course.domain.model import COURSE_FIELDS, OWNER_ONLY_FIELDS, Course, CourseDetails, checked_price
from lms_course.handlers.common import SharedReads, editable_course, visible_course
from lms_course.handlers.ports import After, CourseUnitOfWork
from lms_course.handlers.results import CourseOutline, CoursePage
from lms_kit.domain import Actor, Clock, utc_now
from lms_kit.domain.money import DEFAULT_CURRENCIES

log = logging.getLogger("lms_course")


class CourseHandlers:
    def __init__(
        self,
        uow: Callable[[], CourseUnitOfWork],
        *,
        shared: SharedReads | None = None,
        clock: Clock = utc_now,
        currencies: frozenset[str] = DEFAULT_CURRENCIES,
    ) -> None:
        """`currencies`: the ISO 4217 codes prices may be in (LMS_SUPPORTED_CURRENCIES)."""
        self._uow = uow
        self._shared = shared or SharedReads()
        self._clock = clock
        self._currencies = currencies

    async def create(self, actor: Actor, details: CourseDetails, *, request_id: str = "") -> Course:
        """A draft owned by the caller. A retry with the same `request_id` returns the
        course the first call made."""
        if request_id:
            async with self._uow() as uow:
                earlier = await uow.courses.get_by_request_id(request_id)
            if earlier is not None:
                if earlier.owner_id != actor.user_id:
                    raise InvalidField("request_id", "REUSED", "this request_id was used for another request")
                return earlier
        details = replace(details, price=checked_price(details.price, self._currencies))
        course = Course.create(
            course_id=str(uuid.uuid4()), owner_id=actor.user_id, details=details, now=self._clock()
        )
        async with self._uow() as uow:
            await self._check_references(uow, course, set(COURSE_FIELDS))
            if not await uow.courses.add(course, request_id=request_id or None):
                earlier = await uow.courses.get_by_request_id(request_id)  # a concurrent retry won
                if earlier is None:  # cannot happen: ON CONFLICT saw that retry's committed row
                    raise RuntimeError("create_course: request id taken but no course found")
                return earlier
            await uow.commit()
        log.info("course_created course_id=%s owner_id=%s", course.id, actor.user_id)
        return course

    async def get(self, actor: Actor, course_id: str) -> CoursePage:
        """The course and its structure, if the actor may see it (drafts: its teachers,
        admins). A course that looks the same to everyone comes from, and goes to, the
        shared copies: it is the same answer for every caller."""
        cached = await self._shared.pages.get(course_id)
        if cached is not None:
            return cached
        async with self._uow() as uow:
            course = await visible_course(uow, course_id, actor)
            outline = CourseOutline(course, await uow.structure.outline(course_id))
        if not course.looks_the_same_to_everyone:
            return CoursePage(outline)
        return await self._shared.pages.keep(outline)

    async def update(self, actor: Actor, course_id: str, fields: set[str], values: CourseDetails) -> Course:
        unknown = sorted(fields - set(COURSE_FIELDS))
        if unknown or not fields:
            raise UpdateMaskInvalid(unknown or ["(empty)"])
        now = self._clock()
        if "price" in fields:
            values = replace(values, price=checked_price(values.price, self._currencies))
        async with self._uow() as uow:
            if "prerequisites" in fields:  # before any row lock: one lock order for every writer
                await uow.courses.lock_prerequisite_graph()
            course = await editable_course(uow, course_id, actor, lock=True)
            if fields & OWNER_ONLY_FIELDS and not (actor.is_admin or actor.user_id == course.owner_id):
                raise NotCourseOwner()
            await self._check_references(uow, course, fields, values)
            course.update(fields, values, now)
            await uow.courses.save(course)
            await uow.commit()
        await self._shared.course_changed(course_id)
        return course

    async def _check_references(
        self, uow: CourseUnitOfWork, course: Course, fields: set[str], values: CourseDetails | None = None
    ) -> None:
        details = values or course.details
        if (
            "category" in fields
            and details.category_id
            and await uow.categories.get(details.category_id) is None
        ):
            raise InvalidField("course.category", "NOT_FOUND", "no such category")
        if "prerequisites" in fields and details.prerequisite_ids:
            required = list(dict.fromkeys(details.prerequisite_ids))
            if len(required) != len(details.prerequisite_ids):
                raise InvalidField("course.prerequisites", "DUPLICATE", "prerequisites must be distinct")
            missing = set(required) - await uow.courses.existing_ids(required)
            if missing:
                raise InvalidField("course.prerequisites", "NOT_FOUND", f"no such course: {sorted(missing)}")
            closure = await uow.courses.prerequisite_closure(required)
            if prerequisites_make_cycle(course.id, required, closure):
                raise PrerequisiteCycle()

    async def publish(self, actor: Actor, course_id: str) -> Course:
        """Enter the catalogue (idempotent); a course needs a lecture first, and every
        lecture its content."""
        now = self._clock()
        async with self._uow() as uow:
            course = await editable_course(uow, course_id, actor, lock=True)
            outline = await uow.structure.outline(course_id, with_bodies=True)
            lectures = [lecture for chapter in outline for lecture in chapter.lectures]
            empty = [lecture.name for lecture in lectures if not lecture.has_content]
            if course.publish(lecture_count=len(lectures), now=now, without_content=empty):
                await uow.courses.save(course)
                await uow.commit()
                log.info("course_published course_id=%s actor_id=%s", course_id, actor.user_id)
        await self._shared.course_changed(course_id)
        return course

    async def archive(self, actor: Actor, course_id: str) -> Course:
        """Leave the catalogue for good (idempotent)."""
        now = self._clock()
        async with self._uow() as uow:
            course = await editable_course(uow, course_id, actor, lock=True)
            if course.archive(now):
                await uow.courses.save(course)
                await uow.commit()
        await self._shared.course_changed(course_id)
        return course

    async def list_teaching(self, actor: Actor, user_id: str, after: After, limit: int) -> list[Course]:
        """Courses `user_id` owns or co-teaches, drafts included, newest first. The
        contract lets only that user or an administrator ask."""
        if actor.user_id != user_id and not actor.is_admin:
            raise NotCourseInstructor("only the teacher or an administrator may list these")
        async with self._uow() as uow:
            return await uow.courses.list_teaching(user_id, after, limit)
