"""The user and course services, as issuance uses them: the learner's display name, the
course's title, hours and teachers (CourseCompleted carries only the ids)."""

from __future__ import annotations

import grpc

from lms.course.v1 import course_pb2, course_pb2_grpc
from lms.user.v1 import user_pb2, user_pb2_grpc
from lms_certificate.domain.errors import SubjectNotFound, UpstreamUnavailable
from lms_certificate.handlers.ports import CourseFacts
from lms_kit.clients import upstream_unavailable
from lms_kit.proto import last_id


def _refusal(exc: grpc.aio.AioRpcError, what: str) -> Exception:
    if exc.code() == grpc.StatusCode.NOT_FOUND:
        return SubjectNotFound(what)
    if upstream_unavailable(exc):
        return UpstreamUnavailable(f"{what.split('/')[0]} service did not answer; retry")
    return exc


class ServiceDirectory:
    def __init__(self, users: grpc.aio.Channel, courses: grpc.aio.Channel) -> None:
        self._users = user_pb2_grpc.UserServiceStub(users)
        self._courses = course_pb2_grpc.CourseServiceStub(courses)

    async def learner_name(self, user_id: str) -> str:
        name = f"users/{user_id}"
        try:
            user = await self._users.GetUserInternal(user_pb2.GetUserInternalRequest(name=name))
        except grpc.aio.AioRpcError as exc:
            raise _refusal(exc, name) from exc
        return user.display_name

    async def course(self, course_id: str) -> CourseFacts:
        name = f"courses/{course_id}"
        try:
            course = await self._courses.GetCourse(course_pb2.GetCourseRequest(name=name))
        except grpc.aio.AioRpcError as exc:
            raise _refusal(exc, name) from exc
        teachers = {last_id(course.owner), *(last_id(i) for i in course.instructors)} - {""}
        return CourseFacts(course.title, round(course.total_duration_seconds / 3600, 1), frozenset(teachers))
