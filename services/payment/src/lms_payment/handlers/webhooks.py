"""Provider webhooks: verify, then apply each event once.

The event id is stored in the same transaction as everything the event changes, so a
replay (or a concurrent duplicate, which waits on the first one's row) changes nothing,
and a failure rolls back both, so the provider's retry is applied later. Verification
happens before any database access: a bad signature changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from lms_payment.domain import ledger
from lms_payment.domain.errors import RetryLater, WebhookRejected
from lms_payment.domain.model import Order, Provider, Refund, RefundStatus
from lms_payment.domain.providers import EventKind, ProviderEvent, SubscriptionStatus
from lms_payment.handlers import settlement
from lms_payment.handlers.common import Deps, log
from lms_payment.handlers.ports import PaymentUnitOfWork

Outcome = tuple[str, str | None]  # what the event did (provider_events.outcome), and to what


class WebhookHandlers:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def handle(self, provider: Provider, payload: bytes, headers: dict[str, str]) -> bool:
        """Apply a signed provider event once. True if it changed something."""
        gateway = self._deps.gateways.get(provider)
        if gateway is None:  # no signing secret here: no delivery can be genuine
            raise WebhookRejected(f"no webhook secret configured for {provider}")
        event = gateway.verify_webhook(payload, headers)
        now = self._deps.clock()
        async with self._deps.uow() as uow:
            if not await uow.provider_events.remember(provider, event.event_id, event.event_type, now):
                log.info("webhook_replay provider=%s event_id=%s", provider, event.event_id)
                return False
            outcome, reference = await self._apply(uow, event, now)
            await uow.provider_events.settle(provider, event.event_id, outcome, reference)
            await uow.commit()
        log.info(
            "webhook_handled provider=%s event_id=%s type=%s outcome=%s reference=%s",
            provider,
            event.event_id,
            event.event_type,
            outcome,
            reference,
        )
        return outcome == "applied"

    async def _apply(self, uow: PaymentUnitOfWork, event: ProviderEvent, now: datetime) -> Outcome:
        match event.kind:
            case EventKind.PAYMENT_SUCCEEDED | EventKind.PAYMENT_FAILED:
                return await self._payment(uow, event, now)
            case EventKind.REFUND_SUCCEEDED | EventKind.REFUND_FAILED:
                return await self._refund(uow, event, now)
            case EventKind.SUBSCRIPTION_CHANGED:
                return await self._subscription(uow, event, now)
            case EventKind.INVOICE_PAID:
                return await self._invoice(uow, event, now)
        return "ignored", None

    async def _payment(self, uow: PaymentUnitOfWork, event: ProviderEvent, now: datetime) -> Outcome:
        order = await uow.orders.by_payment(event.provider, event.provider_payment_id, for_update=True)
        if order is None:
            return "unknown_order", None
        if event.kind is EventKind.PAYMENT_SUCCEEDED:
            assert event.amount is not None
            try:
                changed = await settlement.paid(
                    uow, order, event.amount, now, transaction_id=event.transaction_id
                )
            except ValueError:
                log.error("webhook_amount_mismatch order_id=%s event_id=%s", order.id, event.event_id)
                return "amount_mismatch", order.id
        else:
            changed = await settlement.failed(uow, order, event.failure_reason or "payment failed", now)
        return ("applied" if changed else "no_change"), order.id

    async def _refund(self, uow: PaymentUnitOfWork, event: ProviderEvent, now: datetime) -> Outcome:
        status = RefundStatus.SUCCEEDED if event.kind is EventKind.REFUND_SUCCEEDED else RefundStatus.FAILED
        refund = await uow.refunds.by_provider_id(event.provider_refund_id, for_update=True)
        if refund is not None:
            order = await uow.orders.get(refund.order_id, for_update=True)
            assert order is not None  # a refund's order is never deleted
        else:
            order = await self._order_of_refund(uow, event)
            if order is None:
                return "unknown_order", None
            if any(
                r.state is RefundStatus.PENDING and not r.provider_refund_id
                for r in await uow.refunds.for_order(order.id)
            ):
                # Our own refund call has not stored the provider's id yet: ask for redelivery.
                raise RetryLater(f"refund {event.provider_refund_id} is not recorded yet")
            if status is RefundStatus.FAILED or event.amount is None:
                return "unknown_refund", order.id
            refund = await self._external_refund(uow, order, event, now)
            if refund is None:
                return "refund_exceeds_payment", order.id
        changed = await settlement.refund_settled(
            uow, refund, order, status, now, failure_reason=event.failure_reason
        )
        return ("applied" if changed else "no_change"), order.id

    @staticmethod
    async def _order_of_refund(uow: PaymentUnitOfWork, event: ProviderEvent) -> Order | None:
        if event.order_id:
            order = await uow.orders.get(event.order_id, for_update=True)
            if order is not None:
                return order
        order = await uow.orders.by_payment(event.provider, event.provider_payment_id, for_update=True)
        if order is None:  # Razorpay names a refund's payment `pay_...`: the transaction id
            order = await uow.orders.by_transaction(
                event.provider, event.provider_payment_id, for_update=True
            )
        return order

    @staticmethod
    async def _external_refund(
        uow: PaymentUnitOfWork, order: Order, event: ProviderEvent, now: datetime
    ) -> Refund | None:
        """A refund made outside the platform (the provider's dashboard): record it so the
        order, the ledger and the enrolment follow the money."""
        assert event.amount is not None
        if event.amount.amount_minor > order.refundable.amount_minor:
            log.error("external_refund_too_large order_id=%s refund=%s", order.id, event.provider_refund_id)
            return None
        order.reserve_refund(event.amount)
        refund = Refund(
            id=str(uuid.uuid4()),
            order_id=order.id,
            amount=event.amount,
            reason="refunded at the provider",
            requester=f"providers/{event.provider.value}",
            request_id=f"provider-{event.provider_refund_id}"[:80],
            created_at=now,
            provider_refund_id=event.provider_refund_id,
        )
        await uow.refunds.add(refund)
        log.warning("external_refund_recorded order_id=%s refund=%s", order.id, event.provider_refund_id)
        return refund

    async def _subscription(self, uow: PaymentUnitOfWork, event: ProviderEvent, now: datetime) -> Outcome:
        subscription = await uow.subscriptions.by_provider_id(
            event.provider.value, event.provider_subscription_id, for_update=True
        )
        if subscription is None or event.subscription_status is None:
            return "unknown_subscription", None
        changed = subscription.apply(
            event.subscription_status, event.current_period_end, event.cancel_at_period_end, now
        )
        if changed:
            await uow.subscriptions.save(subscription)
        return ("applied" if changed else "no_change"), subscription.id

    async def _invoice(self, uow: PaymentUnitOfWork, event: ProviderEvent, now: datetime) -> Outcome:
        subscription = await uow.subscriptions.by_provider_id(
            event.provider.value, event.provider_subscription_id, for_update=True
        )
        if subscription is None or event.amount is None:
            return "unknown_subscription", None
        booked = await uow.ledger.book(
            ledger.subscription_payment(
                event.provider.value, subscription.id, event.invoice_id or event.event_id, event.amount, now
            )
        )
        if subscription.state is SubscriptionStatus.INCOMPLETE:
            # The first invoice is paid; the subscription.updated event may come later.
            subscription.apply(
                SubscriptionStatus.ACTIVE, event.current_period_end, subscription.cancel_at_period_end, now
            )
            await uow.subscriptions.save(subscription)
        return ("applied" if booked else "no_change"), subscription.id
