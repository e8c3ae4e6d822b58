"""Domain errors. Each carries a stable `reason` (lms.payment.v1.ErrorReason); mappers.map_error
turns them into gRPC statuses."""

from __future__ import annotations


class PaymentDomainError(Exception):
    reason: str = ""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OrderNotFound(PaymentDomainError):
    reason = "ORDER_NOT_FOUND"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"orders/{order_id} not found")
        self.name = f"orders/{order_id}"


class CourseNotFound(PaymentDomainError):
    reason = "COURSE_NOT_FOUND"

    def __init__(self, course_id: str) -> None:
        super().__init__(f"courses/{course_id} not found")
        self.name = f"courses/{course_id}"


class Precondition(PaymentDomainError):
    """The operation does not fit the current state (FAILED_PRECONDITION)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class IllegalTransition(PaymentDomainError):
    """An order state change the lifecycle does not allow (a bug or a hostile event)."""

    reason = "ILLEGAL_ORDER_TRANSITION"

    def __init__(self, order_id: str, current: str, target: str) -> None:
        super().__init__(f"order {order_id} cannot go from {current} to {target}")
        self.current = current
        self.target = target


class WebhookRejected(PaymentDomainError):
    """A webhook whose signature is missing, wrong or outside the timestamp tolerance."""

    reason = "WEBHOOK_SIGNATURE_INVALID"


class UpstreamUnavailable(PaymentDomainError):
    """The provider or the course service did not answer; the caller may retry."""

    reason = "UPSTREAM_UNAVAILABLE"
