"""Plans and subscriptions (Stripe Billing). The provider's events drive a subscription's
state (handlers/webhooks.py); these use cases create, read and cancel them and answer the
course service's access checks."""

from __future__ import annotations

import uuid

from lms_kit.domain import Actor, require_verified_email
from lms_payment.domain.errors import PlanNotFound, RequestIdReused, SubscriptionNotFound
from lms_payment.domain.model import Provider
from lms_payment.domain.providers import SubscriptionGateway
from lms_payment.domain.subscriptions import Plan, Subscription
from lms_payment.handlers.common import Deps, log
from lms_payment.handlers.results import AccessGrant, NewPlan

# Subscriptions bill through Stripe; Razorpay subscriptions are not built (docs).
SUBSCRIPTION_PROVIDER = Provider.STRIPE


class SubscriptionHandlers:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    def _gateway(self) -> SubscriptionGateway:
        return self._deps.subscription_gateway(SUBSCRIPTION_PROVIDER)

    async def create_plan(self, new: NewPlan) -> Plan:
        plan = Plan(
            id=new.plan_id,
            display_name=new.display_name,
            interval=new.interval,
            price=new.price,
            stripe_price_id=new.stripe_price_id,
            created_at=self._deps.clock(),
            course_ids=new.course_ids,
            all_courses=new.all_courses,
        )
        async with self._deps.uow() as uow:
            await uow.plans.add(plan)
            await uow.commit()
        return plan

    async def list_plans(self) -> list[Plan]:
        async with self._deps.uow() as uow:
            return await uow.plans.active()

    async def subscribe(self, actor: Actor, plan_id: str, request_id: str) -> Subscription:
        """Create the subscription at the provider, waiting for its first payment. Idempotent by
        (user, request_id); the provider call uses the subscription's own key."""
        deps = self._deps
        require_verified_email(actor, "subscribe", required=deps.terms.verified_email_required)
        gateway = self._gateway()
        now = deps.clock()
        async with deps.uow() as uow:
            subscription = await uow.subscriptions.by_request(actor.user_id, request_id)
            if subscription is None:
                plan = await uow.plans.get(plan_id)
                if plan is None or not plan.active:
                    raise PlanNotFound(plan_id)
                subscription = Subscription(
                    id=str(uuid.uuid4()),
                    user_id=actor.user_id,
                    plan_id=plan_id,
                    provider=SUBSCRIPTION_PROVIDER.value,
                    request_id=request_id,
                    created_at=now,
                    updated_at=now,
                )
                if not await uow.subscriptions.add(subscription):
                    subscription = await uow.subscriptions.by_request(actor.user_id, request_id)
                    assert subscription is not None
                await uow.commit()
            plan = await uow.plans.get(subscription.plan_id)
            earlier = [s for s in await uow.subscriptions.for_user(actor.user_id) if s.provider_customer_id]
        if subscription.plan_id != plan_id:
            raise RequestIdReused("plan")
        if subscription.provider_subscription_id:
            return subscription
        assert plan is not None  # plans are retired, never deleted
        opened = await gateway.open_subscription(
            subscription_id=subscription.id,
            user_id=actor.user_id,
            price_id=plan.stripe_price_id,
            customer_id=earlier[0].provider_customer_id if earlier else "",
            idempotency_key=f"subscription-{subscription.id}",
        )
        async with deps.uow() as uow:
            found = await uow.subscriptions.get(subscription.id, for_update=True)
            assert found is not None
            subscription = found
            if subscription.opened(opened, deps.clock()):
                await uow.subscriptions.save(subscription)
                await uow.commit()
        log.info("subscription_created subscription_id=%s plan_id=%s", subscription.id, plan_id)
        return subscription

    async def get(self, actor: Actor, subscription_id: str) -> Subscription:
        async with self._deps.uow() as uow:
            subscription = await uow.subscriptions.get(subscription_id)
        if subscription is None or not subscription.visible_to(actor.user_id, is_admin=actor.is_admin):
            raise SubscriptionNotFound(subscription_id)
        return subscription

    async def list_for_user(self, user_id: str) -> list[Subscription]:
        async with self._deps.uow() as uow:
            return await uow.subscriptions.for_user(user_id)

    async def cancel(self, actor: Actor, subscription_id: str) -> Subscription:
        """Cancel at the end of the paid period. Idempotent."""
        subscription = await self.get(actor, subscription_id)
        if subscription.cancel_at_period_end or not subscription.provider_subscription_id:
            return subscription
        answer = await self._gateway().cancel_subscription(subscription.provider_subscription_id)
        async with self._deps.uow() as uow:
            found = await uow.subscriptions.get(subscription_id, for_update=True)
            assert found is not None
            subscription = found
            subscription.apply(answer.status, answer.current_period_end, True, self._deps.clock())
            await uow.subscriptions.save(subscription)
            await uow.commit()
        return subscription

    async def check_access(self, user_id: str, course_id: str) -> AccessGrant | None:
        """The subscription that grants `user_id` access to `course_id` now, if any."""
        now = self._deps.clock()
        async with self._deps.uow() as uow:
            candidates = [s for s in await uow.subscriptions.for_user(user_id) if s.grants_access(now)]
            plans = await uow.plans.many([s.plan_id for s in candidates])
        for subscription in candidates:
            plan = plans.get(subscription.plan_id)
            if plan is not None and plan.covers(course_id):
                return AccessGrant(subscription, subscription.current_period_end)
        return None
