"""The course service, as this service uses it: who teaches a course (GetCourse: owner and
instructors) and whether a learner is enrolled (GetEnrollment, called with the learner's
own token forwarded, so the course service applies the learner's rights)."""

from __future__ import annotations

import time

import grpc

from lms.course.v1 import course_pb2, course_pb2_grpc
from lms_assessment.domain.errors import CourseUnavailable
from lms_assessment.handlers.ports import CourseRoles
from lms_kit.clients import upstream_unavailable
from lms_kit.domain import Actor
from lms_kit.proto import last_id


class CourseServiceDirectory:
    """Answers are kept `ttl_s` seconds per (user, course): one request asks several times,
    and an autosave every few seconds should not cost two calls to the course service."""

    def __init__(self, channel: grpc.aio.Channel, *, ttl_s: float = 30.0) -> None:
        self._stub = course_pb2_grpc.CourseServiceStub(channel)
        self._ttl_s = ttl_s
        self._known: dict[tuple[str, str], tuple[float, CourseRoles]] = {}

    async def roles(self, actor: Actor, course_id: str) -> CourseRoles:
        key = (actor.user_id, course_id)
        known = self._known.get(key)
        if known is not None and time.monotonic() - known[0] < self._ttl_s:
            return known[1]
        roles = await self._ask(actor, course_id)
        if len(self._known) > 10_000:
            self._known.clear()
        self._known[key] = (time.monotonic(), roles)
        return roles

    async def _ask(self, actor: Actor, course_id: str) -> CourseRoles:
        try:
            course = await self._stub.GetCourse(course_pb2.GetCourseRequest(name=f"courses/{course_id}"))
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                return CourseRoles(teaches=False, enrolled=False)
            if upstream_unavailable(exc):
                raise CourseUnavailable() from exc
            raise
        teachers = {last_id(course.owner), *(last_id(i) for i in course.instructors)}
        if actor.user_id in teachers:
            return CourseRoles(teaches=True, enrolled=False)
        try:
            enrolment = await self._stub.GetEnrollment(
                course_pb2.GetEnrollmentRequest(name=f"courses/{course_id}/enrollments/{actor.user_id}")
            )
        except grpc.aio.AioRpcError as exc:
            if exc.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED):
                return CourseRoles(teaches=False, enrolled=False)
            if upstream_unavailable(exc):
                raise CourseUnavailable() from exc
            raise
        return CourseRoles(teaches=False, enrolled=enrolment.state == course_pb2.ENROLLMENT_STATE_ACTIVE)
