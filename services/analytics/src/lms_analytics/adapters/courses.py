"""The course service, as analytics uses it: who teaches a course (GetCourse: owner and
instructors), asked with the caller's token forwarded."""

from __future__ import annotations

import time

import grpc

from lms.course.v1 import course_pb2, course_pb2_grpc
from lms_analytics.domain.errors import CourseUnavailable
from lms_kit.clients import upstream_unavailable
from lms_kit.domain import Actor
from lms_kit.proto import last_id


class CourseServiceTeachers:
    """Answers are kept `ttl_s` seconds per (user, course): a dashboard refreshing every few
    seconds should not cost a course-service call each time."""

    def __init__(self, channel: grpc.aio.Channel, *, ttl_s: float = 30.0) -> None:
        self._stub = course_pb2_grpc.CourseServiceStub(channel)
        self._ttl_s = ttl_s
        self._known: dict[tuple[str, str], tuple[float, bool]] = {}

    async def teaches(self, actor: Actor, course_id: str) -> bool:
        key = (actor.user_id, course_id)
        known = self._known.get(key)
        if known is not None and time.monotonic() - known[0] < self._ttl_s:
            return known[1]
        answer = await self._ask(actor, course_id)
        if len(self._known) > 10_000:
            self._known.clear()
        self._known[key] = (time.monotonic(), answer)
        return answer

    async def _ask(self, actor: Actor, course_id: str) -> bool:
        try:
            course = await self._stub.GetCourse(course_pb2.GetCourseRequest(name=f"courses/{course_id}"))
        except grpc.aio.AioRpcError as exc:
            if exc.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED):
                return False
            if upstream_unavailable(exc):
                raise CourseUnavailable() from exc
            raise
        return actor.user_id in {last_id(course.owner), *(last_id(i) for i in course.instructors)}
