"""The course service, as the payment service uses it: a course's price, and paid enrolment."""

from __future__ import annotations

from dataclasses import dataclass

import grpc

from lms.course.v1 import course_pb2, course_pb2_grpc
from lms_payment.domain.errors import CourseNotFound, UpstreamUnavailable
from lms_payment.domain.model import Money

_UNAVAILABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED}


@dataclass(frozen=True, slots=True)
class CourseOffer:
    course_id: str
    price: Money | None  # None: free
    published: bool


class CourseCatalog:
    """Calls CourseService over a kit channel (service token, deadlines, retries for idempotent RPCs)."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self._stub = course_pb2_grpc.CourseServiceStub(channel)

    async def offer(self, course_id: str) -> CourseOffer:
        """The course's current price and whether it is on sale (GetCourse: read only)."""
        try:
            course = await self._stub.GetCourse(course_pb2.GetCourseRequest(name=f"courses/{course_id}"))
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                raise CourseNotFound(course_id) from exc
            if exc.code() in _UNAVAILABLE:
                raise UpstreamUnavailable("the course service did not answer; retry") from exc
            raise
        price = None
        if course.HasField("price") and course.price.amount_minor > 0:
            price = Money(course.price.amount_minor, course.price.currency_code.upper())
        return CourseOffer(course_id, price, course.state == course_pb2.COURSE_STATE_PUBLISHED)

    async def enroll_paid(self, *, course_id: str, user_id: str, order_id: str) -> None:
        """Enrol the learner for a paid order; idempotent by order id in the course service."""
        await self._stub.EnrollPaid(
            course_pb2.EnrollPaidRequest(
                course=f"courses/{course_id}", user=f"users/{user_id}", order_id=order_id
            )
        )
