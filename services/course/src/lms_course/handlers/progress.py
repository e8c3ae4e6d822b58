"""A learner's progress: completed lectures and video positions."""

from __future__ import annotations

import logging
from collections.abc import Callable

from lms_course.domain.enums import LectureKind
from lms_course.domain.errors import CourseNotFound, LectureNotVideo, NotCourseInstructor, NotEnrolled
from lms_course.domain.events import CourseCompleted, LectureCompleted
from lms_course.domain.model import Lecture
from lms_course.domain.progress import completion_percent, is_complete
from lms_course.handlers.common import lecture_at
from lms_course.handlers.ports import CourseUnitOfWork
from lms_course.handlers.results import LectureProgress, LectureRef
from lms_kit.domain import Actor, Clock, utc_now

log = logging.getLogger("lms_course")


class ProgressHandlers:
    def __init__(self, uow: Callable[[], CourseUnitOfWork], *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._clock = clock

    async def complete_lecture(self, actor: Actor, ref: LectureRef) -> LectureProgress:
        """Complete a lecture for the enrolled caller. Idempotent. LectureCompleted is
        recorded once per learner and lecture, CourseCompleted once per learner and course."""
        async with self._uow() as uow:
            lecture = await lecture_at(uow, ref)
            progress = await self._complete(uow, lecture, actor.user_id)
            await uow.commit()
        return progress

    async def complete_passed_quiz(
        self, uow: CourseUnitOfWork, *, course_id: str, lecture_id: str, user_id: str
    ) -> bool:
        """The assessment service graded a passed attempt of the quiz linked to a lecture:
        complete that lecture for the learner, in the consumer's unit of work (it commits
        with the inbox row, so a redelivered event completes nothing twice). False when the
        lecture is gone or the learner is no longer enrolled."""
        lecture = await uow.structure.get_lecture(lecture_id)
        if lecture is None or lecture.course_id != course_id:
            log.info("quiz_lecture_missing course_id=%s lecture_id=%s", course_id, lecture_id)
            return False
        try:
            await self._complete(uow, lecture, user_id)
        except NotEnrolled:
            log.info("quiz_passed_not_enrolled course_id=%s user_id=%s", course_id, user_id)
            return False
        return True

    async def _complete(self, uow: CourseUnitOfWork, lecture: Lecture, user_id: str) -> LectureProgress:
        now = self._clock()
        course_id = lecture.course_id
        # The enrolment row lock serialises this learner's completions in this course,
        # so the count below sees every completion committed before it.
        enrollment = await uow.enrollments.get(course_id, user_id, lock=True)
        if enrollment is None or not enrollment.is_active:
            raise NotEnrolled()
        newly = await uow.progress.complete(user_id, course_id, lecture.id, now)
        completed = await uow.progress.completed_count(user_id, course_id)
        total = await uow.structure.lecture_count(course_id)
        percent = completion_percent(completed, total)
        if newly:
            uow.emit(LectureCompleted(course_id, lecture.id, user_id, percent, now))
        course_done = is_complete(completed, total)
        if course_done and await uow.enrollments.mark_completed(course_id, user_id, now):
            uow.emit(CourseCompleted(course_id, user_id, now))
            log.info("course_completed course_id=%s user_id=%s", course_id, user_id)
        position, completed_at = await uow.progress.get(user_id, lecture.id)
        return LectureProgress(
            course_id, lecture.id, lecture.chapter_id, user_id, completed_at, position, percent, course_done
        )

    async def record_position(self, actor: Actor, ref: LectureRef, position_s: int) -> LectureProgress:
        """A video heartbeat: the stored position only moves forward, up to the duration."""
        now = self._clock()
        async with self._uow() as uow:
            lecture = await lecture_at(uow, ref)
            if lecture.content.kind is not LectureKind.VIDEO:
                raise LectureNotVideo()
            enrollment = await uow.enrollments.get(ref.course_id, actor.user_id)
            if enrollment is None or not enrollment.is_active:
                raise NotEnrolled()
            if lecture.content.duration_s:
                position_s = min(position_s, lecture.content.duration_s)
            position, completed_at = await uow.progress.record_position(
                actor.user_id, ref.course_id, lecture.id, position_s, now
            )
            completed = await uow.progress.completed_count(actor.user_id, ref.course_id)
            total = await uow.structure.lecture_count(ref.course_id)
            await uow.commit()
        return LectureProgress(
            ref.course_id,
            lecture.id,
            lecture.chapter_id,
            actor.user_id,
            completed_at,
            position,
            completion_percent(completed, total),
            is_complete(completed, total),
        )

    async def of_course(self, actor: Actor, course_id: str, user_id: str) -> list[LectureProgress]:
        """A learner's progress in every current lecture, in course order: their own, or
        anyone's for the course's teachers and administrators."""
        async with self._uow() as uow:
            if actor.user_id != user_id:
                course = await uow.courses.get(course_id)
                if course is None:
                    raise CourseNotFound(course_id)
                if not (actor.is_admin or course.is_teacher(actor)):
                    raise NotCourseInstructor()
            enrollment = await uow.enrollments.get(course_id, user_id)
            if enrollment is None:
                raise NotEnrolled()
            rows = await uow.progress.of_course(user_id, course_id)
        completed = sum(1 for *_, done in rows if done is not None)
        percent, finished = completion_percent(completed, len(rows)), is_complete(completed, len(rows))
        return [
            LectureProgress(course_id, lecture_id, chapter_id, user_id, done, position, percent, finished)
            for lecture_id, chapter_id, position, done in rows
        ]
