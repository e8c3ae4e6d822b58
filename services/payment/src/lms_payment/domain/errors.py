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


class CheckoutRejected(PaymentDomainError):
    """A provider checkout signature that does not match, or a payment that is not captured
    for the order's amount."""

    reason = "CHECKOUT_SIGNATURE_INVALID"


class RefundTooLarge(Precondition):
    """More than what is still refundable (paid, less refunded and pending refunds)."""

    def __init__(self, refundable_minor: int, currency: str) -> None:
        super().__init__(
            "REFUND_EXCEEDS_PAYMENT", f"at most {refundable_minor} {currency} (minor units) can be refunded"
        )
        self.refundable_minor = refundable_minor


class CouponNotFound(PaymentDomainError):
    reason = "COUPON_NOT_FOUND"

    def __init__(self, code: str) -> None:
        super().__init__(f"coupons/{code} not found")
        self.name = f"coupons/{code}"


class CouponRefused(Precondition):
    """A coupon that cannot be used here (COUPON_EXPIRED, _NOT_APPLICABLE, _EXHAUSTED)."""


class AlreadyExists(PaymentDomainError):
    reason = "ALREADY_EXISTS"

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} already exists")
        self.name = name


class NotFound(PaymentDomainError):
    """A named resource that does not exist or is not visible to the caller."""

    def __init__(self, reason: str, name: str) -> None:
        super().__init__(f"{name} not found")
        self.reason = reason
        self.name = name


class InsufficientEarnings(Precondition):
    def __init__(self, available_minor: int, currency: str) -> None:
        super().__init__(
            "INSUFFICIENT_EARNINGS", f"only {available_minor} {currency} (minor units) is available"
        )
        self.available_minor = available_minor


class RetryLater(PaymentDomainError):
    """The event arrived before what it refers to was stored (a race with our own write):
    refuse it so the provider delivers it again."""

    reason = "UPSTREAM_UNAVAILABLE"


class EnrolmentRefused(PaymentDomainError):
    """The course service refused a paid enrolment for good (archived course, missing
    prerequisite): the order is refunded automatically. `reason` is the course service's."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message or reason)
        self.reason = reason
