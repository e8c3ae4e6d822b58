"""The order aggregate and its money.

An order moves pending -> paid -> fulfilled, or pending -> failed / expired, or
paid / fulfilled -> refunded, and only by these transitions. Repeating the transition
that led to the current state is a no-op (providers deliver events more than once and
out of order); anything else raises IllegalTransition.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import datetime

from lms_payment.domain.errors import IllegalTransition

_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in a currency's minor units (cents, paise); never a float."""

    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount_minor, int) or isinstance(self.amount_minor, bool):
            raise TypeError("amount_minor must be an int")
        if not _CURRENCY.match(self.currency):
            raise ValueError(f"currency must be an ISO 4217 code, got {self.currency!r}")

    @property
    def is_zero(self) -> bool:
        return self.amount_minor == 0


class OrderState(enum.StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FULFILLED = "fulfilled"
    FAILED = "failed"
    EXPIRED = "expired"
    REFUNDED = "refunded"


class Provider(enum.StrEnum):
    STRIPE = "stripe"


# Allowed moves: state -> states it may go to next.
TRANSITIONS: dict[OrderState, frozenset[OrderState]] = {
    OrderState.PENDING: frozenset({OrderState.PAID, OrderState.FAILED, OrderState.EXPIRED}),
    OrderState.PAID: frozenset({OrderState.FULFILLED, OrderState.REFUNDED}),
    OrderState.FULFILLED: frozenset({OrderState.REFUNDED}),
    # A Stripe PaymentIntent may still succeed after a failed attempt (the learner retries with
    # another card): money received must never be dropped, so a failed order can still be paid.
    OrderState.FAILED: frozenset({OrderState.PAID}),
    OrderState.EXPIRED: frozenset(),
    OrderState.REFUNDED: frozenset(),
}


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


DomainEvent = OrderPaid | OrderFulfilled | OrderFailed


@dataclass
class Order:
    id: str
    user_id: str
    course_id: str
    amount: Money
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
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

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
    ) -> Order:
        """A new pending order at `price` (frozen: the course's later price changes do not touch it)."""
        if price.amount_minor <= 0:
            raise ValueError("an order needs a positive amount")
        return cls(order_id, user_id, course_id, price, provider, request_id, now, updated_at=now)

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

    def mark_paid(self, amount: Money, now: datetime) -> bool:
        """The provider confirmed `amount`. Returns True if this changed the order.

        A confirmation after the order was paid or fulfilled is a replay: no change. An amount
        that differs from the frozen price is refused (ValueError), so the order is never paid
        for less than it costs.
        """
        if self.state in (OrderState.PAID, OrderState.FULFILLED, OrderState.REFUNDED):
            return False
        if amount != self.amount:
            raise ValueError(f"paid {amount} for an order of {self.amount}")
        self._move(OrderState.PAID, now)
        self.paid_at = now
        self.client_secret = ""
        self.events.append(OrderPaid(self.id, self.user_id, self.course_id, self.amount, self.provider, now))
        return True

    def fail(self, reason: str, now: datetime) -> bool:
        """The provider reported a failed payment. Late failures (the order was paid since:
        a retry succeeded) change nothing."""
        if self.state is not OrderState.PENDING:
            return False
        self._move(OrderState.FAILED, now)
        self.failure_reason = reason[:500]
        self.client_secret = ""
        self.events.append(OrderFailed(self.id, self.user_id, self.course_id, self.failure_reason, now))
        return True

    def fulfil(self, now: datetime) -> bool:
        """The learner is enrolled. True if this changed the order; False if already fulfilled."""
        if not self._move(OrderState.FULFILLED, now):
            return False
        self.fulfilled_at = now
        self.events.append(OrderFulfilled(self.id, self.user_id, self.course_id, now))
        return True

    def expire(self, now: datetime) -> bool:
        return self._move(OrderState.EXPIRED, now)

    def refund(self, now: datetime) -> bool:
        return self._move(OrderState.REFUNDED, now)

    def visible_to(self, user_id: str, *, is_admin: bool) -> bool:
        return is_admin or user_id == self.user_id
