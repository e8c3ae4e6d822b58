"""The course service, as downloads use it: may the caller see the lecture (or course)
that references a file? The course service's own rules decide (enrolled learners, the
course's teachers, administrators, anyone for a free preview)."""

from __future__ import annotations

import logging
import re

import grpc

from lms.course.v1 import course_pb2, course_pb2_grpc
from lms_file.domain.errors import StorageUnavailable
from lms_kit.clients import upstream_unavailable
from lms_kit.domain import Actor

log = logging.getLogger("lms_file")

LECTURE = re.compile(r"courses/[^/]+/chapters/[^/]+/lectures/[^/]+")
COURSE = re.compile(r"courses/[^/]+")
REFUSED = {grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND, grpc.StatusCode.UNAUTHENTICATED}


class CourseViewers:
    """Calls CourseService over a kit channel, which forwards the end user's token: the
    course service answers for the user, not for the file service."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self._stub = course_pb2_grpc.CourseServiceStub(channel)

    async def may_view(self, actor: Actor, referrer: str) -> bool:
        try:
            if LECTURE.fullmatch(referrer):
                await self._stub.GetLecture(course_pb2.GetLectureRequest(name=referrer))
                return True
            if COURSE.fullmatch(referrer):
                await self._stub.GetCourse(course_pb2.GetCourseRequest(name=referrer))
                return True
        except grpc.aio.AioRpcError as exc:
            if exc.code() in REFUSED:
                return False
            if upstream_unavailable(exc):
                raise StorageUnavailable("the course service") from exc
            log.error("lecture_check_failed referrer=%s code=%s", referrer, exc.code().name)
            raise
        return False
