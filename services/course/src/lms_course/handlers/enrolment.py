"""Enrolment: free courses, paid orders (the payment service), subscriptions that open a
paid course, leaving, refunds, and who is enrolled where."""

from __future__ import annotations

import logging
from collections.abc import Callable

from lms_course.domain.enums import CourseState, EnrollmentSource, EnrollmentState
from lms_course.domain.errors import (
    CourseNotFound,
    CourseNotFree,
    CourseNotPublished,
    EnrollmentNotFound,
    NotCourseInstructor,
    OrderIdReused,
    PrerequisitesNotMet,
)
from lms_course.domain.events import EnrollmentCreated, EnrollmentEnded
from lms_course.domain.model import Course, Enrollment
from lms_course.handlers.common import editable_course
from lms_course.handlers.ports import After, CourseUnitOfWork, SubscriptionAccess
from lms_kit.domain import Actor, Clock, utc_now

log = logging.getLogger("lms_course")


class EnrolmentHandlers:
    def __init__(
        self,
        uow: Callable[[], CourseUnitOfWork],
        *,
        access: SubscriptionAccess | None = None,
        clock: Clock = utc_now,
    ) -> None:
        """`access`: the subscription check of paid courses at Enroll; None (no payment
        service configured): paid courses are refused there, COURSE_NOT_FREE."""
        self._uow = uow
        self._access = access
        self._clock = clock

    async def enroll(self, actor: Actor, course_id: str) -> Enrollment:
        """Enrol the caller in a published course: a free one, or a paid one that a
        subscription of theirs opens (when a subscription check is configured).
        Enrolling twice returns the existing enrolment."""
        async with self._uow() as uow:
            course = await self._enrollable(uow, course_id, actor.user_id)
            if course.details.is_free:
                return await self._enroll(uow, course, actor.user_id, EnrollmentSource.FREE, "")
            if self._access is None:
                raise CourseNotFree()
            current = await uow.enrollments.get(course_id, actor.user_id)
            if current is not None and current.is_active:  # a retry needs no payment service
                return await _with_progress(uow, current)
        # Asked outside any transaction: no row lock or connection is held while the
        # payment service answers (it may raise PaymentUnavailable: nothing is recorded).
        access = await self._access.course_access(actor.user_id, course_id)
        if not access.granted:
            raise CourseNotFree()
        async with self._uow() as uow:
            course = await self._enrollable(uow, course_id, actor.user_id)  # may have changed meanwhile
            source = EnrollmentSource.FREE if course.details.is_free else EnrollmentSource.SUBSCRIPTION
            enrollment = await self._enroll(uow, course, actor.user_id, source, "")
        if source is EnrollmentSource.SUBSCRIPTION:
            log.info(
                "subscription_enrollment course_id=%s user_id=%s subscription_id=%s",
                course_id,
                actor.user_id,
                access.subscription_id,
            )
        return enrollment

    async def enroll_paid(self, course_id: str, user_id: str, order_id: str) -> Enrollment:
        """Enrol after a paid order; idempotent by order id."""
        async with self._uow() as uow:
            earlier = await uow.enrollments.get_by_order(order_id)
            if earlier is not None:
                if (earlier.course_id, earlier.user_id) != (course_id, user_id):
                    raise OrderIdReused()
                return await _with_progress(uow, earlier)
            course = await self._enrollable(uow, course_id, user_id, paid=True)
            return await self._enroll(uow, course, user_id, EnrollmentSource.PAID, order_id)

    async def _enrollable(
        self, uow: CourseUnitOfWork, course_id: str, user_id: str, *, paid: bool = False
    ) -> Course:
        course = await uow.courses.get(course_id)
        if course is None or course.state is CourseState.DRAFT:
            raise CourseNotFound(course_id)
        if course.state is not CourseState.PUBLISHED and not paid:
            raise CourseNotPublished()
        required = course.details.prerequisite_ids
        if required:
            done = await uow.enrollments.completed_course_ids(user_id, required)
            missing = [r for r in required if r not in done]
            if missing:
                raise PrerequisitesNotMet(missing)
        return course

    async def _enroll(
        self, uow: CourseUnitOfWork, course: Course, user_id: str, source: EnrollmentSource, order_id: str
    ) -> Enrollment:
        now = self._clock()
        enrollment = Enrollment(course.id, user_id, EnrollmentState.ACTIVE, source, order_id, now)
        if await uow.enrollments.add_if_absent(enrollment):
            await uow.courses.count_enrollment(course.id)
        else:
            existing = await uow.enrollments.get(course.id, user_id, lock=True)
            if existing is None:  # the order id is taken by a concurrent call for someone else
                raise OrderIdReused()
            if existing.is_active:
                return await _with_progress(uow, existing)
            existing.state, existing.source, existing.enrolled_at, existing.ended_at = (
                EnrollmentState.ACTIVE,
                source,
                now,
                None,
            )
            existing.order_id = order_id or existing.order_id
            await uow.enrollments.save(existing)
            enrollment = existing
        uow.emit(EnrollmentCreated(course.id, user_id, source, order_id, now))
        enrollment.course_title = course.details.title
        enrollment = await _with_progress(uow, enrollment)
        await uow.commit()
        log.info("enrollment_created course_id=%s user_id=%s source=%s", course.id, user_id, source.value)
        return enrollment

    async def unenroll(self, actor: Actor, course_id: str) -> Enrollment:
        """End the caller's own enrolment; progress is kept."""
        async with self._uow() as uow:
            enrollment = await uow.enrollments.get(course_id, actor.user_id, lock=True)
            if enrollment is None or not enrollment.is_active:
                raise EnrollmentNotFound.of(course_id, actor.user_id)
            return await self._end(uow, enrollment, EnrollmentState.CANCELLED)

    async def revoke(self, order_id: str) -> Enrollment:
        """End the enrolment an order made (refund); revoking twice changes nothing."""
        async with self._uow() as uow:
            enrollment = await uow.enrollments.get_by_order(order_id)
            if enrollment is None:
                raise EnrollmentNotFound(f"order {order_id}")
            locked = await uow.enrollments.get(enrollment.course_id, enrollment.user_id, lock=True)
            if (
                locked is None
                or not locked.is_active
                or locked.order_id != order_id
                # re-opened by a subscription since: that access is not the order's to end
                or locked.source is EnrollmentSource.SUBSCRIPTION
            ):
                return locked or enrollment
            return await self._end(uow, locked, EnrollmentState.REVOKED)

    async def _end(self, uow: CourseUnitOfWork, enrollment: Enrollment, state: EnrollmentState) -> Enrollment:
        now = self._clock()
        enrollment.state, enrollment.ended_at = state, now
        await uow.enrollments.save(enrollment)
        uow.emit(EnrollmentEnded(enrollment.course_id, enrollment.user_id, state, enrollment.order_id, now))
        await uow.commit()
        return enrollment

    async def get(self, actor: Actor, course_id: str, user_id: str) -> Enrollment:
        """One enrolment with its completion, for the learner, the course's teachers, admins."""
        async with self._uow() as uow:
            if actor.user_id != user_id and not actor.is_admin:
                course = await uow.courses.get(course_id)
                if course is None or not course.can_edit(actor):
                    raise NotCourseInstructor("only the learner or the course's teachers may see this")
            enrollment = await uow.enrollments.get(course_id, user_id)
            if enrollment is None:
                raise EnrollmentNotFound.of(course_id, user_id)
            return await _with_progress(uow, enrollment)

    async def list_for_user(self, user_id: str, after: After, limit: int) -> list[Enrollment]:
        """A learner's active enrolments, newest first."""
        async with self._uow() as uow:
            found = await uow.enrollments.list_for_user(user_id, after, limit)
            return await _with_progress_many(uow, found)

    async def list_for_course(
        self, actor: Actor, course_id: str, after: After, limit: int
    ) -> list[Enrollment]:
        """A course's active enrolments, newest first, for its teachers and admins."""
        async with self._uow() as uow:
            await editable_course(uow, course_id, actor)
            found = await uow.enrollments.list_for_course(course_id, after, limit)
            return await _with_progress_many(uow, found)


async def _with_progress(uow: CourseUnitOfWork, enrollment: Enrollment) -> Enrollment:
    enrollment.completed_lectures = await uow.progress.completed_count(
        enrollment.user_id, enrollment.course_id
    )
    enrollment.lecture_count = await uow.structure.lecture_count(enrollment.course_id)
    return enrollment


async def _with_progress_many(uow: CourseUnitOfWork, found: list[Enrollment]) -> list[Enrollment]:
    done = await uow.progress.completed_counts([(e.user_id, e.course_id) for e in found])
    totals = await uow.progress.lecture_counts(e.course_id for e in found)
    for enrollment in found:
        enrollment.completed_lectures = done.get((enrollment.user_id, enrollment.course_id), 0)
        enrollment.lecture_count = totals.get(enrollment.course_id, 0)
    return found
