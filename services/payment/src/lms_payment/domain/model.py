"""The order aggregate and its refunds (amounts are the kit's Money: integer minor units).

An order moves pending -> paid -> fulfilled, or pending -> failed / expired, or
paid / fulfilled -> refunded, and only by these transitions. Repeating the transition
that led to the current state is a no-op (providers deliver events more than once and
out of order); anything else raises IllegalTransition.

Refunds: an order keeps what is refunded and what is on its way to being refunded
(pending at the provider), so two refunds can never together return more than was paid.
A partial refund leaves the state alone; the refund that returns the last minor unit
makes the order REFUNDED.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from lms_kit.domain import Aggregate
from lms_kit.domain.money import Money
from lms_payment.domain.errors import IllegalTransition, OrderNotPaid, RefundTooLarge


class OrderState(enum.StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FULFILLED = "fulfilled"
    FAILED = "failed"
    EXPIRED = "expired"
    REFUNDED = "refunded"


class Provider(enum.StrEnum):
    STRIPE = "stripe"
    RAZORPAY = "razorpay"
    FREE = "free"  # a coupon covered the whole price: nothing to collect


# Allowed moves: state -> states it may go to next.
TRANSITIONS: dict[OrderState, frozenset[OrderState]] = {
    OrderState.PENDING: frozenset({OrderState.PAID, OrderState.FAILED, OrderState.EXPIRED}),
    OrderState.PAID: frozenset({OrderState.FULFILLED, OrderState.REFUNDED}),
    OrderState.FULFILLED: frozenset({OrderState.REFUNDED}),
    # A PaymentIntent may still succeed after a failed attempt (the learner retries with
    # another card), and a payment may land after the order expired: money received is
    # never dropped, so failed and expired orders can still be paid.
    OrderState.FAILED: frozenset({OrderState.PAID, OrderState.EXPIRED}),
    OrderState.EXPIRED: frozenset({OrderState.PAID}),
    OrderState.REFUNDED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class CourseOffer:
    """A course as the order logic needs it, read from the course service at order time."""

    course_id: str
    price: Money | None  # None: free
    published: bool
    teacher_id: str = ""
    refund_window_days: int | None = None  # None: the platform default


@dataclass(frozen=True, slots=True)
class Referral:
    """Who referred the order and the commission frozen at order time."""

    code: str
    referrer_id: str
    commission_bps: int


@dataclass(frozen=True, slots=True)
class OrderPaid:
    order_id: str
    user_id: str
    course_id: str
    amount: Money
    provider: Provider
    at: datetime


@dataclass(frozen=True, slots=True)
class OrderFulfilled:
    order_id: str
    user_id: str
    course_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class OrderFailed:
    order_id: str
    user_id: str
    course_id: str
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True)
class OrderExpired:
    order_id: str
    user_id: str
    course_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class OrderRefunded:
    order_id: str
    user_id: str
    course_id: str
    refund_id: str
    amount: Money
    total_refunded: Money
    full: bool
    reason: str
    automatic: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class RefundFailed:
    order_id: str
    refund_id: str
    amount: Money
    reason: str
    at: datetime


@dataclass
class Order(Aggregate):
    id: str
    user_id: str
    course_id: str
    amount: Money  # what the learner pays: list_price - discount
    provider: Provider
    request_id: str
    created_at: datetime
    state: OrderState = OrderState.PENDING
    provider_payment_id: str = ""
    client_secret: str = ""
    failure_reason: str = ""
    paid_at: datetime | None = None
    fulfilled_at: datetime | None = None
    updated_at: datetime | None = None
    list_price: Money | None = None  # None: same as amount (orders without a discount)
    coupon_code: str = ""
    referral: Referral | None = None
    teacher_id: str = ""
    platform_fee_bps: int = 0
    refundable_until: datetime | None = None
    transaction_id: str = ""
    refunded_minor: int = 0
    refund_pending_minor: int = 0
    state_reason: str = ""

    @classmethod
    def place(
        cls,
        *,
        order_id: str,
        user_id: str,
        course_id: str,
        price: Money,
        provider: Provider,
        request_id: str,
        now: datetime,
        discount: Money | None = None,
        coupon_code: str = "",
        referral: Referral | None = None,
        teacher_id: str = "",
        platform_fee_bps: int = 0,
        refundable_until: datetime | None = None,
    ) -> Order:
        """A new pending order at `price` less `discount` (both frozen: the course's later
        price changes do not touch it). A discount that covers the whole price makes an
        order with provider FREE, paid at once."""
        if price.amount_minor <= 0:
            raise ValueError("an order needs a positive price")
        discount = discount or Money.zero(price.currency)
        if not 0 <= discount.amount_minor <= price.amount_minor:
            raise ValueError("a discount is between zero and the price")
        if referral is not None and referral.referrer_id == user_id:
            raise ValueError("a learner cannot refer themselves")
        if not 0 <= platform_fee_bps <= 10_000:
            raise ValueError("the platform fee is 0..10000 basis points")
        amount = price - discount
        return cls(
            order_id,
            user_id,
            course_id,
            amount,
            Provider.FREE if amount.is_zero else provider,
            request_id,
            now,
            updated_at=now,
            list_price=price,
            coupon_code=coupon_code,
            referral=referral,
            teacher_id=teacher_id,
            platform_fee_bps=platform_fee_bps,
            refundable_until=refundable_until,
        )

    @property
    def price_before_discount(self) -> Money:
        return self.list_price or self.amount

    @property
    def discount(self) -> Money:
        return self.price_before_discount - self.amount

    @property
    def refunded(self) -> Money:
        return Money(self.refunded_minor, self.amount.currency)

    @property
    def refundable(self) -> Money:
        """What may still be refunded: paid, less refunded and pending refunds."""
        if self.state not in (OrderState.PAID, OrderState.FULFILLED):
            return Money.zero(self.amount.currency)
        return Money(
            self.amount.amount_minor - self.refunded_minor - self.refund_pending_minor, self.amount.currency
        )

    def attach_payment(self, provider_payment_id: str, client_secret: str) -> None:
        if self.state is not OrderState.PENDING:
            raise IllegalTransition(self.id, self.state, "payment attached")
        self.provider_payment_id = provider_payment_id
        self.client_secret = client_secret

    def _move(self, target: OrderState, now: datetime) -> bool:
        """Move to `target`; False (no change) if already there; IllegalTransition if not allowed."""
        if self.state is target:
            return False
        if target not in TRANSITIONS[self.state]:
            raise IllegalTransition(self.id, self.state, target)
        self.state = target
        self.updated_at = now
        return True

    def mark_paid(self, amount: Money, now: datetime, *, transaction_id: str = "") -> bool:
        """The provider confirmed `amount`. Returns True if this changed the order.

        A confirmation after the order was paid, fulfilled or refunded is a replay: no change.
        An amount that differs from the frozen price is refused (ValueError), so the order is
        never paid for less than it costs.
        """
        if self.state in (OrderState.PAID, OrderState.FULFILLED, OrderState.REFUNDED):
            return False
        if amount != self.amount:
            raise ValueError(f"paid {amount} for an order of {self.amount}")
        self._move(OrderState.PAID, now)
        self.paid_at = now
        self.client_secret = ""
        self.failure_reason = ""
        self.transaction_id = transaction_id or self.transaction_id or self.provider_payment_id
        self.raise_event(OrderPaid(self.id, self.user_id, self.course_id, self.amount, self.provider, now))
        return True

    def fail(self, reason: str, now: datetime) -> bool:
        """The provider reported a failed payment. Late failures (the order was paid since:
        a retry succeeded) change nothing."""
        if self.state is not OrderState.PENDING:
            return False
        self._move(OrderState.FAILED, now)
        self.failure_reason = reason[:500]
        self.client_secret = ""
        self.raise_event(OrderFailed(self.id, self.user_id, self.course_id, self.failure_reason, now))
        return True

    def fulfil(self, now: datetime) -> bool:
        """The learner is enrolled. True if this changed the order; False if already fulfilled."""
        if not self._move(OrderState.FULFILLED, now):
            return False
        self.fulfilled_at = now
        self.raise_event(OrderFulfilled(self.id, self.user_id, self.course_id, now))
        return True

    def expire(self, now: datetime, reason: str = "not paid in time") -> bool:
        """A pending (or failed) order that was not paid in time. True if this changed it."""
        if self.state not in (OrderState.PENDING, OrderState.FAILED):
            return False
        self._move(OrderState.EXPIRED, now)
        self.client_secret = ""
        self.state_reason = reason[:500]
        self.raise_event(OrderExpired(self.id, self.user_id, self.course_id, now))
        return True

    # Refunds

    def reserve_refund(self, amount: Money) -> None:
        """Hold `amount` for a refund about to be sent to the provider."""
        if self.state not in (OrderState.PAID, OrderState.FULFILLED):
            raise OrderNotPaid(f"order {self.id} is {self.state}, not paid")
        if amount.currency != self.amount.currency:
            raise ValueError(f"refund in {amount.currency} for an order in {self.amount.currency}")
        if amount.amount_minor <= 0:
            raise ValueError("a refund needs a positive amount")
        if amount.amount_minor > self.refundable.amount_minor:
            raise RefundTooLarge(self.refundable.amount_minor, self.amount.currency)
        self.refund_pending_minor += amount.amount_minor

    def refund_succeeded(
        self, refund_id: str, amount: Money, now: datetime, *, reason: str, automatic: bool
    ) -> bool:
        """The provider returned `amount` (a refund reserved before). True if this made the
        order fully refunded."""
        self.refund_pending_minor = max(0, self.refund_pending_minor - amount.amount_minor)
        self.refunded_minor += amount.amount_minor
        full = self.refunded_minor >= self.amount.amount_minor
        if full:
            self._move(OrderState.REFUNDED, now)
            if automatic:
                self.state_reason = reason[:500]
        self.updated_at = now
        self.raise_event(
            OrderRefunded(
                self.id,
                self.user_id,
                self.course_id,
                refund_id,
                amount,
                self.refunded,
                full,
                reason,
                automatic,
                now,
            )
        )
        return full

    def refund_failed(self, refund_id: str, amount: Money, reason: str, now: datetime) -> None:
        """The provider refused a reserved refund: the amount is refundable again."""
        self.refund_pending_minor = max(0, self.refund_pending_minor - amount.amount_minor)
        self.updated_at = now
        self.raise_event(RefundFailed(self.id, refund_id, amount, reason, now))

    def learner_may_refund(self, now: datetime) -> bool:
        return self.refundable_until is not None and now <= self.refundable_until

    def visible_to(self, user_id: str, *, is_admin: bool) -> bool:
        return is_admin or user_id == self.user_id


class RefundStatus(enum.StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


SERVICE_REQUESTER = "services/payment"


@dataclass
class Refund(Aggregate):
    """A refund of (part of) an order. `idempotency_key` goes to the provider, so however
    often sending it is retried, the provider refunds once."""

    id: str
    order_id: str
    amount: Money
    reason: str
    requester: str  # "users/{id}" or SERVICE_REQUESTER
    request_id: str
    created_at: datetime
    state: RefundStatus = RefundStatus.PENDING
    provider_refund_id: str = ""
    failure_reason: str = ""
    completed_at: datetime | None = None

    @property
    def idempotency_key(self) -> str:
        return f"refund-{self.id}"

    @property
    def automatic(self) -> bool:
        return self.requester == SERVICE_REQUESTER

    def settle(self, state: RefundStatus, now: datetime, *, failure_reason: str = "") -> bool:
        """Record the provider's outcome; True the first time (a pending refund settles once)."""
        if self.state is not RefundStatus.PENDING or state is RefundStatus.PENDING:
            return False
        self.state = state
        self.failure_reason = failure_reason[:500]
        self.completed_at = now
        return True
