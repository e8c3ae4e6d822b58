"""The payment service's errors, each one of the kit's categories with a stable reason of
lms.payment.v1.ErrorReason (domain `payment.lms`); the kit maps each to its status."""

from __future__ import annotations

from lms_kit.domain.errors import Conflict, FieldViolation, Invalid, NotFound, Precondition, Unavailable

# -- not found (metadata `name`) ----------------------------------------------------


class _Missing(NotFound):
    reason = ""

    def __init__(self, name: str) -> None:
        super().__init__(self.reason, f"{name} not found", metadata={"name": name})
        self.name = name


class OrderNotFound(_Missing):
    """No order with this id is visible to the caller."""

    reason = "ORDER_NOT_FOUND"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"orders/{order_id}")


class CourseNotFound(_Missing):
    reason = "COURSE_NOT_FOUND"

    def __init__(self, course_id: str) -> None:
        super().__init__(f"courses/{course_id}")


class CouponNotFound(_Missing):
    reason = "COUPON_NOT_FOUND"

    def __init__(self, code: str) -> None:
        super().__init__(f"coupons/{code}")


class PlanNotFound(_Missing):
    """No plan with this id, or it is retired."""

    reason = "PLAN_NOT_FOUND"

    def __init__(self, plan_id: str) -> None:
        super().__init__(f"plans/{plan_id}")


class SubscriptionNotFound(_Missing):
    reason = "SUBSCRIPTION_NOT_FOUND"

    def __init__(self, subscription_id: str) -> None:
        super().__init__(f"subscriptions/{subscription_id}")


class PayoutBatchNotFound(_Missing):
    reason = "PAYOUT_BATCH_NOT_FOUND"

    def __init__(self, batch_id: str) -> None:
        super().__init__(f"payoutBatches/{batch_id}")


class PayoutAccountNotFound(_Missing):
    """GetPayoutAccount of a user who set none."""

    reason = "PAYOUT_ACCOUNT_MISSING"

    def __init__(self, user_id: str) -> None:
        super().__init__(f"users/{user_id}/payoutAccount")


# -- already exists -----------------------------------------------------------------


class AlreadyExists(Conflict):
    """A coupon code, plan id or referral code that is taken."""

    def __init__(self, name: str) -> None:
        super().__init__("ALREADY_EXISTS", f"{name} already exists", metadata={"name": name})
        self.name = name


# -- failed preconditions -----------------------------------------------------------


class ProviderNotConfigured(Precondition):
    """The payment provider (or the payout keys) this needs is not set up here."""

    def __init__(self, message: str, *, setting: str = "") -> None:
        super().__init__(
            "PROVIDER_NOT_CONFIGURED", message, metadata={"setting": setting} if setting else None
        )


class CourseNotPurchasable(Precondition):
    def __init__(self, course_id: str) -> None:
        super().__init__("COURSE_NOT_PURCHASABLE", f"courses/{course_id} is not on sale")


class RequestIdReused(Precondition):
    def __init__(self, what: str) -> None:
        super().__init__("REQUEST_ID_REUSED", f"request_id was used for another {what}")


class WrongProvider(Precondition):
    def __init__(self, order_id: str, provider: str) -> None:
        super().__init__("WRONG_PROVIDER", f"order {order_id} is paid with {provider}")


class OrderNotPaid(Precondition):
    def __init__(self, message: str) -> None:
        super().__init__("ORDER_NOT_PAID", message)


class RefundWindowClosed(Precondition):
    """A learner's refund outside the window, of part of the amount, or of a refunded order."""

    def __init__(self, message: str) -> None:
        super().__init__("REFUND_WINDOW_CLOSED", message)


class RefundTooLarge(Precondition):
    """More than what is still refundable (paid, less refunded and pending refunds)."""

    def __init__(self, refundable_minor: int, currency: str) -> None:
        super().__init__(
            "REFUND_EXCEEDS_PAYMENT",
            f"at most {refundable_minor} {currency} (minor units) can be refunded",
            metadata={"refundable": str(refundable_minor)},
        )
        self.refundable_minor = refundable_minor


class ProviderRefusedRefund(Precondition):
    """The provider says the refund exceeds what it still holds of the payment."""

    def __init__(self, message: str) -> None:
        super().__init__("REFUND_EXCEEDS_PAYMENT", message)


class CouponRefused(Precondition):
    """A coupon that cannot be used here; the subclass says why."""


class CouponExpired(CouponRefused):
    """Outside its validity window, or deactivated."""

    def __init__(self, message: str) -> None:
        super().__init__("COUPON_EXPIRED", message)


class CouponNotApplicable(CouponRefused):
    """For another course or another currency."""

    def __init__(self, message: str) -> None:
        super().__init__("COUPON_NOT_APPLICABLE", message)


class CouponExhausted(CouponRefused):
    """No redemptions left in all, or none left for this learner."""

    def __init__(self, message: str) -> None:
        super().__init__("COUPON_EXHAUSTED", message)


class InsufficientEarnings(Precondition):
    def __init__(self, available_minor: int, currency: str) -> None:
        super().__init__(
            "INSUFFICIENT_EARNINGS",
            f"only {available_minor} {currency} (minor units) is available",
            metadata={"available": str(available_minor)},
        )
        self.available_minor = available_minor


class PayoutAccountMissing(Precondition):
    """CreatePayout before a payout account is set."""

    def __init__(self) -> None:
        super().__init__("PAYOUT_ACCOUNT_MISSING", "set a payout account first")


class PayoutNotInBatch(Precondition):
    def __init__(self, message: str) -> None:
        super().__init__("PAYOUT_NOT_IN_BATCH", message)


class CheckoutRejected(Precondition):
    """A provider checkout signature that does not match, or a payment that is not captured
    for the order's amount."""

    def __init__(self, message: str) -> None:
        super().__init__("CHECKOUT_SIGNATURE_INVALID", message)


class IllegalTransition(Precondition):
    """An order state change the lifecycle does not allow (a bug or a hostile event)."""

    def __init__(self, order_id: str, current: str, target: str) -> None:
        super().__init__("ILLEGAL_ORDER_TRANSITION", f"order {order_id} cannot go from {current} to {target}")
        self.current = current
        self.target = target


class EnrolmentRefused(Precondition):
    """The course service refused a paid enrolment for good (archived course, missing
    prerequisite): the order is refunded automatically. The reason and the domain are the
    course service's own."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(reason, message or reason, domain="course.lms")


# -- bad input ----------------------------------------------------------------------


class WebhookMalformed(Invalid):
    """A correctly signed webhook whose body is not an event of the provider's shape."""

    def __init__(self, message: str) -> None:
        reason = "WEBHOOK_PAYLOAD_INVALID"
        super().__init__([FieldViolation("body", message, reason)], message, reason=reason)


class CoursePriceInvalid(Precondition):
    """The course service holds a price this service cannot charge (bad stored data)."""

    def __init__(self, course_id: str, detail: str) -> None:
        super().__init__(
            "COURSE_PRICE_INVALID",
            f"courses/{course_id} has a price that cannot be charged ({detail}); its teacher must fix it",
            metadata={"course": f"courses/{course_id}"},
        )


class WebhookRejected(Invalid):
    """A webhook whose signature is missing, wrong or outside the timestamp tolerance."""

    def __init__(self, message: str) -> None:
        reason = "WEBHOOK_SIGNATURE_INVALID"
        super().__init__([FieldViolation("signature", message, reason)], message, reason=reason)


# -- try again later ----------------------------------------------------------------


class UpstreamUnavailable(Unavailable):
    """The provider or the course service did not answer; the caller may retry."""

    def __init__(self, message: str) -> None:
        super().__init__("UPSTREAM_UNAVAILABLE", message)


class RetryLater(Unavailable):
    """The event arrived before what it refers to was stored (a race with our own write):
    refuse it so the provider delivers it again."""

    def __init__(self, message: str) -> None:
        super().__init__("UPSTREAM_UNAVAILABLE", message)
