"""Orders in SQL. One order per (learner, request id) is the table's unique key: a
concurrent retry of CreateOrder finds the first one (ON CONFLICT DO NOTHING)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_kit.domain.money import Money
from lms_kit.uow import SqlRepository
from lms_payment.adapters.sql import Key, before, wrote_row
from lms_payment.adapters.tables import orders
from lms_payment.domain.model import Order, OrderState, Provider, Referral
from lms_payment.handlers.results import OrderFilter


def _to_order(row: Any) -> Order:
    referral = None
    if row.referral_code:
        referral = Referral(row.referral_code, row.referrer_id, row.commission_bps)
    return Order(
        id=row.id,
        user_id=row.user_id,
        course_id=row.course_id,
        amount=Money(row.amount_minor, row.currency),
        provider=Provider(row.provider),
        request_id=row.request_id,
        created_at=row.created_at,
        state=OrderState(row.state),
        provider_payment_id=row.provider_payment_id,
        client_secret=row.client_secret,
        failure_reason=row.failure_reason,
        paid_at=row.paid_at,
        fulfilled_at=row.fulfilled_at,
        updated_at=row.updated_at,
        list_price=Money(row.list_price_minor, row.currency) if row.list_price_minor is not None else None,
        coupon_code=row.coupon_code,
        referral=referral,
        teacher_id=row.teacher_id,
        platform_fee_bps=row.platform_fee_bps,
        refundable_until=row.refundable_until,
        transaction_id=row.transaction_id,
        refunded_minor=row.refunded_minor,
        refund_pending_minor=row.refund_pending_minor,
        state_reason=row.state_reason,
    )


class SqlOrders(SqlRepository):
    async def _one(self, query: Any, for_update: bool) -> Order | None:
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return self.seen(_to_order(row)) if row else None

    async def get(self, order_id: str, *, for_update: bool = False) -> Order | None:
        return await self._one(sa.select(orders).where(orders.c.id == order_id), for_update)

    async def by_request(self, user_id: str, request_id: str) -> Order | None:
        query = sa.select(orders).where(orders.c.user_id == user_id, orders.c.request_id == request_id)
        return await self._one(query, False)

    async def by_payment(
        self, provider: Provider, payment_id: str, *, for_update: bool = False
    ) -> Order | None:
        query = sa.select(orders).where(
            orders.c.provider == provider.value, orders.c.provider_payment_id == payment_id
        )
        return await self._one(query, for_update)

    async def by_transaction(
        self, provider: Provider, transaction_id: str, *, for_update: bool = False
    ) -> Order | None:
        query = sa.select(orders).where(
            orders.c.provider == provider.value, orders.c.transaction_id == transaction_id
        )
        return await self._one(query, for_update)

    async def add(self, order: Order) -> bool:
        """Insert `order`; False if the learner already has an order with its request id."""
        statement = (
            insert(orders)
            .values(
                id=order.id,
                user_id=order.user_id,
                course_id=order.course_id,
                amount_minor=order.amount.amount_minor,
                currency=order.amount.currency,
                provider=order.provider.value,
                request_id=order.request_id,
                list_price_minor=order.price_before_discount.amount_minor,
                coupon_code=order.coupon_code,
                referral_code=order.referral.code if order.referral else "",
                referrer_id=order.referral.referrer_id if order.referral else "",
                commission_bps=order.referral.commission_bps if order.referral else 0,
                teacher_id=order.teacher_id,
                platform_fee_bps=order.platform_fee_bps,
                refundable_until=order.refundable_until,
                **self._mutable(order),
                created_at=order.created_at,
            )
            .on_conflict_do_nothing(index_elements=["user_id", "request_id"])
        )
        if not await wrote_row(self.session, statement, orders.c.id):
            return False
        self.seen(order)
        return True

    async def save(self, order: Order) -> None:
        await self.session.execute(
            sa.update(orders).where(orders.c.id == order.id).values(**self._mutable(order))
        )

    @staticmethod
    def _mutable(order: Order) -> dict[str, Any]:
        return {
            "state": order.state.value,
            "provider_payment_id": order.provider_payment_id,
            "client_secret": order.client_secret,
            "failure_reason": order.failure_reason,
            "updated_at": order.updated_at or order.created_at,
            "paid_at": order.paid_at,
            "fulfilled_at": order.fulfilled_at,
            "transaction_id": order.transaction_id,
            "refunded_minor": order.refunded_minor,
            "refund_pending_minor": order.refund_pending_minor,
            "state_reason": order.state_reason,
        }

    async def search(self, where: OrderFilter, after: Key, limit: int) -> list[Order]:
        """Orders matching every given filter, newest first."""
        c = orders.c
        query = sa.select(orders).where(before(orders, after))
        if where.user_id:
            query = query.where(c.user_id == where.user_id)
        if where.course_id:
            query = query.where(c.course_id == where.course_id)
        if where.state is not None:
            query = query.where(c.state == where.state.value)
        if where.provider is not None:
            query = query.where(c.provider == where.provider.value)
        if where.created_from is not None:
            query = query.where(c.created_at >= where.created_from)
        if where.created_to is not None:
            query = query.where(c.created_at < where.created_to)
        query = query.order_by(c.created_at.desc(), c.id.desc()).limit(limit)
        return [self.seen(_to_order(row)) for row in await self.session.execute(query)]

    async def stale(self, states: Sequence[OrderState], created_before: datetime, limit: int) -> list[str]:
        """Ids of orders in `states` created before the cut-off, oldest first (reconciliation)."""
        query = (
            sa.select(orders.c.id)
            .where(orders.c.state.in_([s.value for s in states]), orders.c.created_at < created_before)
            .order_by(orders.c.created_at)
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())

    async def paid_with_referral(self, codes: Sequence[str]) -> dict[str, int]:
        if not codes:
            return {}
        query = (
            sa.select(orders.c.referral_code, sa.func.count())
            .where(
                orders.c.referral_code.in_(codes),
                orders.c.state.in_([OrderState.PAID.value, OrderState.FULFILLED.value]),
            )
            .group_by(orders.c.referral_code)
        )
        return {code: count for code, count in await self.session.execute(query)}
