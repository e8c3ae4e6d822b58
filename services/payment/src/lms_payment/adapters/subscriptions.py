"""Plans and subscriptions in SQL: one subscription per (user, request id)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_kit.domain.money import Money
from lms_kit.uow import SqlRepository
from lms_payment.adapters.sql import wrote_row
from lms_payment.adapters.tables import plans, subscriptions
from lms_payment.domain.errors import AlreadyExists
from lms_payment.domain.providers import SubscriptionStatus
from lms_payment.domain.subscriptions import BillingInterval, Plan, Subscription


def _to_plan(row: Any) -> Plan:
    return Plan(
        id=row.id,
        display_name=row.display_name,
        interval=BillingInterval(row.interval),
        price=Money(row.price_minor, row.currency),
        stripe_price_id=row.stripe_price_id,
        created_at=row.created_at,
        course_ids=tuple(row.course_ids or ()),
        all_courses=row.all_courses,
        active=row.active,
    )


def _to_subscription(row: Any) -> Subscription:
    return Subscription(
        id=row.id,
        user_id=row.user_id,
        plan_id=row.plan_id,
        provider=row.provider,
        request_id=row.request_id,
        created_at=row.created_at,
        state=SubscriptionStatus(row.state),
        provider_subscription_id=row.provider_subscription_id,
        provider_customer_id=row.provider_customer_id,
        client_secret=row.client_secret,
        current_period_end=row.current_period_end,
        cancel_at_period_end=row.cancel_at_period_end,
        updated_at=row.updated_at,
    )


class SqlPlans(SqlRepository):
    async def add(self, plan: Plan) -> None:
        statement = (
            insert(plans)
            .values(
                id=plan.id,
                display_name=plan.display_name,
                interval=plan.interval.value,
                price_minor=plan.price.amount_minor,
                currency=plan.price.currency,
                stripe_price_id=plan.stripe_price_id,
                course_ids=list(plan.course_ids),
                all_courses=plan.all_courses,
                active=plan.active,
                created_at=plan.created_at,
            )
            .on_conflict_do_nothing(index_elements=["id"])
        )
        if not await wrote_row(self.session, statement, plans.c.id):
            raise AlreadyExists(f"plans/{plan.id}")
        self.seen(plan)

    async def get(self, plan_id: str) -> Plan | None:
        row = (await self.session.execute(sa.select(plans).where(plans.c.id == plan_id))).first()
        return self.seen(_to_plan(row)) if row else None

    async def active(self) -> list[Plan]:
        query = sa.select(plans).where(plans.c.active.is_(True)).order_by(plans.c.id)
        return [self.seen(_to_plan(row)) for row in await self.session.execute(query)]

    async def many(self, plan_ids: Sequence[str]) -> dict[str, Plan]:
        if not plan_ids:
            return {}
        query = sa.select(plans).where(plans.c.id.in_(plan_ids))
        return {row.id: self.seen(_to_plan(row)) for row in await self.session.execute(query)}


class SqlSubscriptions(SqlRepository):
    async def add(self, subscription: Subscription) -> bool:
        statement = (
            insert(subscriptions)
            .values(
                id=subscription.id,
                user_id=subscription.user_id,
                plan_id=subscription.plan_id,
                provider=subscription.provider,
                request_id=subscription.request_id,
                created_at=subscription.created_at,
                **self._mutable(subscription),
            )
            .on_conflict_do_nothing(index_elements=["user_id", "request_id"])
        )
        if not await wrote_row(self.session, statement, subscriptions.c.id):
            return False
        self.seen(subscription)
        return True

    @staticmethod
    def _mutable(subscription: Subscription) -> dict[str, Any]:
        return {
            "state": subscription.state.value,
            "provider_subscription_id": subscription.provider_subscription_id,
            "provider_customer_id": subscription.provider_customer_id,
            "client_secret": subscription.client_secret,
            "current_period_end": subscription.current_period_end,
            "cancel_at_period_end": subscription.cancel_at_period_end,
            "updated_at": subscription.updated_at or subscription.created_at,
        }

    async def save(self, subscription: Subscription) -> None:
        await self.session.execute(
            sa.update(subscriptions)
            .where(subscriptions.c.id == subscription.id)
            .values(**self._mutable(subscription))
        )

    async def get(self, subscription_id: str, *, for_update: bool = False) -> Subscription | None:
        query = sa.select(subscriptions).where(subscriptions.c.id == subscription_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return self.seen(_to_subscription(row)) if row else None

    async def by_request(self, user_id: str, request_id: str) -> Subscription | None:
        query = sa.select(subscriptions).where(
            subscriptions.c.user_id == user_id, subscriptions.c.request_id == request_id
        )
        row = (await self.session.execute(query)).first()
        return self.seen(_to_subscription(row)) if row else None

    async def by_provider_id(
        self, provider: str, provider_subscription_id: str, *, for_update: bool = False
    ) -> Subscription | None:
        query = sa.select(subscriptions).where(
            subscriptions.c.provider == provider,
            subscriptions.c.provider_subscription_id == provider_subscription_id,
        )
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return self.seen(_to_subscription(row)) if row else None

    async def for_user(self, user_id: str) -> list[Subscription]:
        query = (
            sa.select(subscriptions)
            .where(subscriptions.c.user_id == user_id)
            .order_by(subscriptions.c.created_at.desc(), subscriptions.c.id.desc())
        )
        return [self.seen(_to_subscription(row)) for row in await self.session.execute(query)]
