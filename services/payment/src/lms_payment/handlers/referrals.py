"""Referral codes: a user's code earns a commission on the orders placed with it."""

from __future__ import annotations

from lms_payment.domain.earnings import ReferralCode, new_referral_code
from lms_payment.domain.errors import AlreadyExists
from lms_payment.handlers.common import Deps


class ReferralHandlers:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def create(self, owner_id: str, code: str = "") -> ReferralCode:
        """The code asked for (case-insensitive), or a generated one."""
        now = self._deps.clock()
        wanted = code.upper() if code else ""
        async with self._deps.uow() as uow:
            for _ in range(5):  # a generated code that collides is simply drawn again
                referral = ReferralCode(
                    wanted or new_referral_code(), owner_id, self._deps.terms.referral_commission_bps, now
                )
                if await uow.referral_codes.add(referral):
                    await uow.commit()
                    return referral
                if wanted:
                    break
        raise AlreadyExists(f"referralCodes/{wanted or 'generated'}")

    async def for_owner(self, owner_id: str) -> list[ReferralCode]:
        """The owner's codes, each with how many paid orders used it."""
        async with self._deps.uow() as uow:
            codes = await uow.referral_codes.for_owner(owner_id)
            counts = await uow.orders.paid_with_referral([c.code for c in codes])
        return [
            ReferralCode(c.code, c.owner_id, c.commission_bps, c.created_at, counts.get(c.code, 0))
            for c in codes
        ]
