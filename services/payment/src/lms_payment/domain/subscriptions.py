"""Plans and subscriptions. A subscription's state follows the provider's events; access to
a course is granted while it is ACTIVE or PAST_DUE (the provider is still retrying) and its
paid period has not ended, for the courses its plan covers."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime

from lms_kit.domain import Aggregate
from lms_kit.domain.money import Money
from lms_payment.domain.providers import OpenedSubscription, SubscriptionStatus

PLAN_ID = re.compile(r"^[a-z0-9-]{3,40}$")


class BillingInterval(enum.StrEnum):
    MONTHLY = "monthly"
    YEARLY = "yearly"


@dataclass(frozen=True, slots=True)
class Plan(Aggregate):
    id: str
    display_name: str
    interval: BillingInterval
    price: Money
    stripe_price_id: str
    created_at: datetime
    course_ids: tuple[str, ...] = ()
    all_courses: bool = False
    active: bool = True

    def __post_init__(self) -> None:
        if not PLAN_ID.match(self.id):
            raise ValueError("a plan id is 3 to 40 of a-z, 0-9 and '-'")
        if self.price.amount_minor <= 0:
            raise ValueError("a plan needs a positive price")
        if not self.all_courses and not self.course_ids:
            raise ValueError("a plan grants some courses or all of them")

    def covers(self, course_id: str) -> bool:
        return self.all_courses or course_id in self.course_ids


@dataclass(frozen=True, slots=True)
class SubscriptionChangedEvent:
    subscription_id: str
    user_id: str
    plan_id: str
    state: SubscriptionStatus
    current_period_end: datetime | None
    at: datetime


@dataclass
class Subscription(Aggregate):
    id: str
    user_id: str
    plan_id: str
    provider: str
    request_id: str
    created_at: datetime
    state: SubscriptionStatus = SubscriptionStatus.INCOMPLETE
    provider_subscription_id: str = ""
    provider_customer_id: str = ""
    client_secret: str = ""
    current_period_end: datetime | None = None
    cancel_at_period_end: bool = False
    updated_at: datetime | None = None

    def apply(
        self,
        status: SubscriptionStatus,
        current_period_end: datetime | None,
        cancel_at_period_end: bool,
        now: datetime,
    ) -> bool:
        """The provider's view of the subscription. CANCELED is final: a late update that
        arrives after the deletion event changes nothing. True if something changed."""
        if not self._follow(status, current_period_end, cancel_at_period_end, now):
            return False
        self.raise_event(
            SubscriptionChangedEvent(
                self.id, self.user_id, self.plan_id, self.state, self.current_period_end, now
            )
        )
        return True

    def opened(self, at_provider: OpenedSubscription, now: datetime) -> bool:
        """The provider created it (our own call's answer). No event: the provider's own
        events announce the changes. False if it was recorded before."""
        if self.provider_subscription_id:
            return False
        self.provider_subscription_id = at_provider.provider_subscription_id
        self.provider_customer_id = at_provider.provider_customer_id
        self.client_secret = at_provider.client_secret
        self._follow(at_provider.status, at_provider.current_period_end, False, now)
        return True

    def _follow(
        self,
        status: SubscriptionStatus,
        current_period_end: datetime | None,
        cancel_at_period_end: bool,
        now: datetime,
    ) -> bool:
        if self.state is SubscriptionStatus.CANCELED:
            return False
        before = (self.state, self.current_period_end, self.cancel_at_period_end)
        self.state = status
        if current_period_end is not None:
            self.current_period_end = current_period_end
        self.cancel_at_period_end = cancel_at_period_end
        if status is not SubscriptionStatus.INCOMPLETE:
            self.client_secret = ""
        if (self.state, self.current_period_end, self.cancel_at_period_end) == before:
            return False
        self.updated_at = now
        return True

    def grants_access(self, now: datetime) -> bool:
        if self.state not in (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE):
            return False
        return self.current_period_end is None or now < self.current_period_end

    def visible_to(self, user_id: str, *, is_admin: bool) -> bool:
        return is_admin or user_id == self.user_id
