"""Coupons: a percentage or a fixed amount off, for one course or every course, within a
validity window, with global and per-learner redemption limits.

The limits are enforced by the repository in the order's transaction (an atomic
conditional increment of the coupon's count, then the learner's count under the coupon's
row lock), so they hold under concurrent checkouts. This module decides only what a
valid coupon takes off a price.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from lms_kit.domain import Aggregate
from lms_kit.domain.money import Money
from lms_payment.domain.errors import CouponExhausted, CouponExpired, CouponNotApplicable

CODE = re.compile(r"^[A-Z0-9_-]{3,32}$")


def normalise_code(code: str) -> str:
    """Learners type codes in any case; codes are stored upper case."""
    return code.strip().upper()


@dataclass
class Coupon(Aggregate):
    code: str
    created_at: datetime
    percent_off: int = 0  # 1..100, or 0 when amount_off is set
    amount_off: Money | None = None
    course_id: str = ""  # empty: every course
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    max_redemptions: int = 0  # 0: no limit
    max_redemptions_per_user: int = 0  # 0: no limit
    redemption_count: int = 0
    active: bool = True

    def __post_init__(self) -> None:
        if not CODE.match(self.code):
            raise ValueError("a code is 3 to 32 of A-Z, 0-9, '-' and '_'")
        if (self.percent_off == 0) == (self.amount_off is None):
            raise ValueError("a coupon takes either a percentage or an amount off")
        if self.amount_off is None and not 1 <= self.percent_off <= 100:
            raise ValueError("percent_off is 1..100")
        if self.amount_off is not None and self.amount_off.amount_minor <= 0:
            raise ValueError("amount_off must be positive")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("end_time must be after start_time")
        if self.max_redemptions < 0 or self.max_redemptions_per_user < 0:
            raise ValueError("limits are 0 (none) or positive")

    def discount_for(self, price: Money, course_id: str, now: datetime) -> Money:
        """What this coupon takes off `price` for `course_id` now, or CouponRefused (the
        subclass says why)."""
        if not self.active:
            raise CouponExpired(f"coupon {self.code} is no longer active")
        if self.starts_at and now < self.starts_at:
            raise CouponExpired(f"coupon {self.code} is not valid yet")
        if self.ends_at and now >= self.ends_at:
            raise CouponExpired(f"coupon {self.code} has expired")
        if self.course_id and self.course_id != course_id:
            raise CouponNotApplicable(f"coupon {self.code} is for another course")
        if self.max_redemptions and self.redemption_count >= self.max_redemptions:
            raise CouponExhausted(f"coupon {self.code} has no redemptions left")
        if self.amount_off is not None:
            if self.amount_off.currency != price.currency:
                raise CouponNotApplicable(f"coupon {self.code} is in {self.amount_off.currency}")
            return Money(min(self.amount_off.amount_minor, price.amount_minor), price.currency)
        # Half up to the minor unit: 15% of 999 is 149.85 -> 150.
        return Money((price.amount_minor * self.percent_off + 50) // 100, price.currency)
