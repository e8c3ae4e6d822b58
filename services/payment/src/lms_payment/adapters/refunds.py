"""Refunds in SQL: one per (order, request id), inserted under the order's row lock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_kit.domain.money import Money
from lms_kit.uow import SqlRepository
from lms_payment.adapters.sql import wrote_row
from lms_payment.adapters.tables import refunds
from lms_payment.domain.model import Refund, RefundStatus


def _to_refund(row: Any) -> Refund:
    return Refund(
        id=row.id,
        order_id=row.order_id,
        amount=Money(row.amount_minor, row.currency),
        reason=row.reason,
        requester=row.requester,
        request_id=row.request_id,
        created_at=row.created_at,
        state=RefundStatus(row.state),
        provider_refund_id=row.provider_refund_id,
        failure_reason=row.failure_reason,
        completed_at=row.completed_at,
    )


class SqlRefunds(SqlRepository):
    async def add(self, refund: Refund) -> bool:
        """Insert; False if the order already has a refund with this request id."""
        statement = (
            insert(refunds)
            .values(
                id=refund.id,
                order_id=refund.order_id,
                amount_minor=refund.amount.amount_minor,
                currency=refund.amount.currency,
                reason=refund.reason,
                requester=refund.requester,
                request_id=refund.request_id,
                created_at=refund.created_at,
                **self._mutable(refund),
            )
            .on_conflict_do_nothing(index_elements=["order_id", "request_id"])
        )
        if not await wrote_row(self.session, statement, refunds.c.id):
            return False
        self.seen(refund)
        return True

    async def save(self, refund: Refund) -> None:
        await self.session.execute(
            sa.update(refunds).where(refunds.c.id == refund.id).values(**self._mutable(refund))
        )

    @staticmethod
    def _mutable(refund: Refund) -> dict[str, Any]:
        return {
            "state": refund.state.value,
            "provider_refund_id": refund.provider_refund_id,
            "failure_reason": refund.failure_reason,
            "completed_at": refund.completed_at,
        }

    async def _one(self, query: Any, for_update: bool = False) -> Refund | None:
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return self.seen(_to_refund(row)) if row else None

    async def get(self, refund_id: str, *, for_update: bool = False) -> Refund | None:
        return await self._one(sa.select(refunds).where(refunds.c.id == refund_id), for_update)

    async def by_request(self, order_id: str, request_id: str) -> Refund | None:
        return await self._one(
            sa.select(refunds).where(refunds.c.order_id == order_id, refunds.c.request_id == request_id)
        )

    async def by_provider_id(self, provider_refund_id: str, *, for_update: bool = False) -> Refund | None:
        query = sa.select(refunds).where(refunds.c.provider_refund_id == provider_refund_id)
        return await self._one(query, for_update)

    async def for_order(self, order_id: str) -> list[Refund]:
        query = sa.select(refunds).where(refunds.c.order_id == order_id).order_by(refunds.c.created_at)
        return [self.seen(_to_refund(row)) for row in await self.session.execute(query)]

    async def stale_pending(self, created_before: datetime, limit: int) -> list[str]:
        query = (
            sa.select(refunds.c.id)
            .where(refunds.c.state == RefundStatus.PENDING.value, refunds.c.created_at < created_before)
            .order_by(refunds.c.created_at)
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())
