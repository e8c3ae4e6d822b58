"""The course service, as the payment service uses it: a course's price, owner and refund
window; paid enrolment and its revocation."""

from __future__ import annotations

import grpc

from lms.course.v1 import course_pb2, course_pb2_grpc
from lms_kit.clients import upstream_unavailable
from lms_kit.domain.money import Money
from lms_kit.errors import reason_of
from lms_kit.proto import last_id
from lms_payment.domain.errors import CourseNotFound, EnrolmentRefused, UpstreamUnavailable
from lms_payment.domain.model import CourseOffer

# The course service's final answers to EnrollPaid: retrying cannot change them.
_REFUSED = {grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED}


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
            if upstream_unavailable(exc):
                raise UpstreamUnavailable("the course service did not answer; retry") from exc
            raise
        price = None
        if course.HasField("price") and course.price.amount_minor > 0:
            price = Money(course.price.amount_minor, course.price.currency_code.upper())
        window = course.refund_window_days if course.HasField("refund_window_days") else None
        return CourseOffer(
            course_id,
            price,
            course.state == course_pb2.COURSE_STATE_PUBLISHED,
            teacher_id=last_id(course.owner),
            refund_window_days=window,
        )

    async def enroll_paid(self, *, course_id: str, user_id: str, order_id: str) -> None:
        """Enrol the learner for a paid order; idempotent by order id in the course service.
        A refusal (archived course, missing prerequisite) raises EnrolmentRefused; anything
        else (the service is down) propagates, and the saga retries."""
        try:
            await self._stub.EnrollPaid(
                course_pb2.EnrollPaidRequest(
                    course=f"courses/{course_id}", user=f"users/{user_id}", order_id=order_id
                )
            )
        except grpc.aio.AioRpcError as exc:
            if exc.code() in _REFUSED:
                raise EnrolmentRefused(reason_of(exc) or exc.code().name, exc.details() or "") from exc
            raise

    async def revoke(self, *, order_id: str, reason: str) -> None:
        """End the enrolment an order made (a full refund). No enrolment: nothing to do."""
        try:
            await self._stub.RevokeEnrollment(
                course_pb2.RevokeEnrollmentRequest(order_id=order_id, reason=reason[:200])
            )
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                return
            raise
