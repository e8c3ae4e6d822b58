"""What the use cases take and return when it is not an aggregate: the terms of a new
coupon or plan, an order search, a price, a receipt, earnings balances, an access grant
and the reconciliation job's report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lms_kit.domain.money import Money
from lms_payment.domain.coupons import Coupon
from lms_payment.domain.model import Order, OrderState, Provider, Refund
from lms_payment.domain.subscriptions import BillingInterval, Subscription

# Keyset paging of newest-first lists: the (time, id) of the last item of the previous page.
After = tuple[datetime, str] | None


@dataclass(frozen=True, slots=True)
class NewCoupon:
    """An administrator's coupon, before it exists (the use case stamps its time)."""

    code: str
    percent_off: int = 0
    amount_off: Money | None = None
    course_id: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    max_redemptions: int = 0
    max_redemptions_per_user: int = 0


@dataclass(frozen=True, slots=True)
class NewPlan:
    plan_id: str
    display_name: str
    interval: BillingInterval
    price: Money
    stripe_price_id: str
    course_ids: tuple[str, ...] = ()
    all_courses: bool = False


@dataclass(frozen=True, slots=True)
class OrderFilter:
    """SearchOrders' filters (empty or None: any); ListUserOrders is `user_id` alone."""

    user_id: str = ""
    course_id: str = ""
    state: OrderState | None = None
    provider: Provider | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


@dataclass(frozen=True, slots=True)
class Price:
    list_price: Money
    discount: Money
    coupon: Coupon | None

    @property
    def amount(self) -> Money:
        return self.list_price - self.discount


@dataclass(frozen=True, slots=True)
class Receipt:
    order: Order
    refunds: list[Refund]  # the succeeded ones, oldest first


@dataclass(frozen=True, slots=True)
class Balance:
    """A user's money in one currency (minor units): available, held for payouts, paid out."""

    currency: str
    available: int
    in_payout: int
    paid_out: int


@dataclass(frozen=True, slots=True)
class LedgerTotals:
    totals: dict[str, int]  # currency -> sum of every entry (zero when the books balance)
    entry_count: int


@dataclass(frozen=True, slots=True)
class AccessGrant:
    """The subscription that opens a course to a learner now, and until when."""

    subscription: Subscription
    until: datetime | None


@dataclass
class ReconcileReport:
    checked: int = 0
    paid: int = 0
    failed: int = 0
    expired: int = 0
    refunds_settled: int = 0
