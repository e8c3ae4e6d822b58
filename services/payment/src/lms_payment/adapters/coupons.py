"""Coupons and their redemptions in SQL. A coupon's global limit is one conditional UPDATE
of its count (concurrent checkouts queue on the row and re-check the condition); the
learner's limit is counted while that UPDATE holds the coupon's row lock. Both happen in
the order's transaction: if it rolls back, so does the redemption."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_kit.domain.money import Money
from lms_kit.uow import SqlRepository
from lms_payment.adapters.sql import wrote_row
from lms_payment.adapters.tables import coupon_redemptions, coupons
from lms_payment.domain.coupons import Coupon
from lms_payment.domain.errors import AlreadyExists, CouponExhausted


def _to_coupon(row: Any) -> Coupon:
    amount_off = None
    if row.amount_off_minor is not None:
        amount_off = Money(row.amount_off_minor, row.amount_off_currency)
    return Coupon(
        code=row.code,
        created_at=row.created_at,
        percent_off=row.percent_off,
        amount_off=amount_off,
        course_id=row.course_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        max_redemptions=row.max_redemptions,
        max_redemptions_per_user=row.max_redemptions_per_user,
        redemption_count=row.redemption_count,
        active=row.active,
    )


class SqlCoupons(SqlRepository):
    async def add(self, coupon: Coupon) -> None:
        statement = (
            insert(coupons)
            .values(
                code=coupon.code,
                percent_off=coupon.percent_off,
                amount_off_minor=coupon.amount_off.amount_minor if coupon.amount_off else None,
                amount_off_currency=coupon.amount_off.currency if coupon.amount_off else None,
                course_id=coupon.course_id,
                starts_at=coupon.starts_at,
                ends_at=coupon.ends_at,
                max_redemptions=coupon.max_redemptions,
                max_redemptions_per_user=coupon.max_redemptions_per_user,
                redemption_count=0,
                active=coupon.active,
                created_at=coupon.created_at,
            )
            .on_conflict_do_nothing(index_elements=["code"])
        )
        if not await wrote_row(self.session, statement, coupons.c.code):
            raise AlreadyExists(f"coupons/{coupon.code}")
        self.seen(coupon)

    async def get(self, code: str) -> Coupon | None:
        row = (await self.session.execute(sa.select(coupons).where(coupons.c.code == code))).first()
        return self.seen(_to_coupon(row)) if row else None

    async def list(self, after: str | None, limit: int) -> list[Coupon]:
        query = sa.select(coupons).order_by(coupons.c.code).limit(limit)
        if after is not None:
            query = query.where(coupons.c.code > after)
        return [self.seen(_to_coupon(row)) for row in await self.session.execute(query)]

    async def deactivate(self, code: str) -> None:
        await self.session.execute(sa.update(coupons).where(coupons.c.code == code).values(active=False))

    async def redeem(self, coupon: Coupon, *, order_id: str, user_id: str, now: datetime) -> None:
        """Take one redemption for `order_id`, or CouponExhausted. Runs in the
        order's transaction: if that rolls back, so does the redemption."""
        c = coupons.c
        taken = await self.session.execute(
            sa.update(coupons)
            .where(
                c.code == coupon.code,
                c.active.is_(True),
                sa.or_(c.max_redemptions == 0, c.redemption_count < c.max_redemptions),
            )
            .values(redemption_count=c.redemption_count + 1)
            .returning(c.code)
        )
        if taken.first() is None:
            raise CouponExhausted(f"coupon {coupon.code} has no redemptions left")
        # The UPDATE holds the coupon's row lock until commit, so one learner's concurrent
        # checkouts are counted one after the other.
        if coupon.max_redemptions_per_user:
            r = coupon_redemptions.c
            used = await self.session.scalar(
                sa.select(sa.func.count()).where(
                    r.coupon_code == coupon.code, r.user_id == user_id, r.released.is_(False)
                )
            )
            if (used or 0) >= coupon.max_redemptions_per_user:
                raise CouponExhausted(f"coupon {coupon.code} was already used the most times allowed")
        await self.session.execute(
            sa.insert(coupon_redemptions).values(
                order_id=order_id, coupon_code=coupon.code, user_id=user_id, released=False, created_at=now
            )
        )

    async def release(self, order_id: str) -> bool:
        """Give back the redemption an order holds (it expired). True if there was one."""
        r = coupon_redemptions.c
        released = await self.session.execute(
            sa.update(coupon_redemptions)
            .where(r.order_id == order_id, r.released.is_(False))
            .values(released=True)
            .returning(r.coupon_code)
        )
        code = released.scalar()
        if code is None:
            return False
        await self.session.execute(
            sa.update(coupons)
            .where(coupons.c.code == code, coupons.c.redemption_count > 0)
            .values(redemption_count=coupons.c.redemption_count - 1)
        )
        return True

    async def reclaim(self, order_id: str) -> bool:
        """An expired order was paid after all: it holds its redemption again (even beyond
        the limit: the learner paid the discounted price)."""
        r = coupon_redemptions.c
        reclaimed = await self.session.execute(
            sa.update(coupon_redemptions)
            .where(r.order_id == order_id, r.released.is_(True))
            .values(released=False)
            .returning(r.coupon_code)
        )
        code = reclaimed.scalar()
        if code is None:
            return False
        await self.session.execute(
            sa.update(coupons)
            .where(coupons.c.code == code)
            .values(redemption_count=coupons.c.redemption_count + 1)
        )
        return True
