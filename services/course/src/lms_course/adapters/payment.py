"""The payment service, as the course service uses it: does a learner's subscription
open a paid course (CheckCourseAccess, course service only)."""

from __future__ import annotations

import logging

import grpc

from lms.payment.v1 import payment_pb2, payment_pb2_grpc
from lms_course.domain.errors import PaymentUnavailable
from lms_course.domain.model import CourseAccess
from lms_kit.clients import upstream_unavailable
from lms_kit.proto import from_timestamp, last_id

log = logging.getLogger("lms_course")


class PaymentAccess:
    """Calls PaymentService over a kit channel (service token, deadline, retries on
    UNAVAILABLE: the RPC is NO_SIDE_EFFECTS)."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self._stub = payment_pb2_grpc.PaymentServiceStub(channel)

    async def course_access(self, user_id: str, course_id: str) -> CourseAccess:
        request = payment_pb2.CheckCourseAccessRequest(user=f"users/{user_id}", course=f"courses/{course_id}")
        try:
            reply = await self._stub.CheckCourseAccess(request)
        except grpc.aio.AioRpcError as exc:
            if upstream_unavailable(exc):
                raise PaymentUnavailable(
                    "the payment service did not answer the subscription check; nothing was recorded, retry"
                ) from exc
            log.error(
                "subscription_check_failed course_id=%s user_id=%s code=%s details=%s",
                course_id,
                user_id,
                exc.code().name,
                exc.details(),
            )
            raise
        return CourseAccess(reply.granted, last_id(reply.subscription), from_timestamp(reply, "access_until"))
