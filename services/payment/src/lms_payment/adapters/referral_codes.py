"""Referral codes in SQL: a code is its own primary key, so a taken one is refused."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_kit.uow import SqlRepository
from lms_payment.adapters.sql import wrote_row
from lms_payment.adapters.tables import referral_codes
from lms_payment.domain.earnings import ReferralCode


def _to_code(row: Any) -> ReferralCode:
    return ReferralCode(row.code, row.owner_id, row.commission_bps, row.created_at)


class SqlReferralCodes(SqlRepository):
    async def add(self, code: ReferralCode) -> bool:
        statement = (
            insert(referral_codes)
            .values(
                code=code.code,
                owner_id=code.owner_id,
                commission_bps=code.commission_bps,
                created_at=code.created_at,
            )
            .on_conflict_do_nothing(index_elements=["code"])
        )
        if not await wrote_row(self.session, statement, referral_codes.c.code):
            return False
        self.seen(code)
        return True

    async def get(self, code: str) -> ReferralCode | None:
        row = (
            await self.session.execute(sa.select(referral_codes).where(referral_codes.c.code == code))
        ).first()
        return self.seen(_to_code(row)) if row else None

    async def for_owner(self, owner_id: str) -> list[ReferralCode]:
        query = (
            sa.select(referral_codes)
            .where(referral_codes.c.owner_id == owner_id)
            .order_by(referral_codes.c.created_at, referral_codes.c.code)
        )
        return [self.seen(_to_code(row)) for row in await self.session.execute(query)]
