"""Coupon administration. Redemption happens in OrderHandlers, inside the order's
transaction."""

from __future__ import annotations

from lms_payment.domain.coupons import Coupon
from lms_payment.domain.errors import CouponNotFound
from lms_payment.handlers.common import Deps, log
from lms_payment.handlers.results import NewCoupon


class CouponHandlers:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def create(self, new: NewCoupon) -> Coupon:
        coupon = Coupon(
            code=new.code,
            created_at=self._deps.clock(),
            percent_off=new.percent_off,
            amount_off=new.amount_off,
            course_id=new.course_id,
            starts_at=new.starts_at,
            ends_at=new.ends_at,
            max_redemptions=new.max_redemptions,
            max_redemptions_per_user=new.max_redemptions_per_user,
        )
        async with self._deps.uow() as uow:
            await uow.coupons.add(coupon)  # AlreadyExists for a taken code
            await uow.commit()
        log.info("coupon_created code=%s", coupon.code)
        return coupon

    async def get(self, code: str) -> Coupon:
        async with self._deps.uow() as uow:
            coupon = await uow.coupons.get(code)
        if coupon is None:
            raise CouponNotFound(code)
        return coupon

    async def list(self, after: str | None, limit: int) -> list[Coupon]:
        async with self._deps.uow() as uow:
            return await uow.coupons.list(after, limit)

    async def deactivate(self, code: str) -> Coupon:
        async with self._deps.uow() as uow:
            if await uow.coupons.get(code) is None:
                raise CouponNotFound(code)
            await uow.coupons.deactivate(code)
            await uow.commit()
        return await self.get(code)
