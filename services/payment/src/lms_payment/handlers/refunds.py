"""Refunds: asked for by an administrator (any amount still refundable) or by the learner
(everything, while the order's refund window is open), or made by the service itself when
the course service refuses the enrolment.

A refund is (1) reserved on the order and stored as pending in one transaction, (2) sent
to the provider with the refund's own idempotency key, (3) settled with the provider's
answer (or later by its webhook). A crash between (1) and (3) leaves a pending refund that
the reconciliation job sends again with the same key, so the provider refunds once.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from lms_kit.domain import Actor, FieldViolation, Invalid
from lms_kit.domain.money import Money
from lms_payment.domain.errors import OrderNotFound, RefundTooLarge, RefundWindowClosed, UpstreamUnavailable
from lms_payment.domain.model import SERVICE_REQUESTER, Order, Refund, RefundStatus
from lms_payment.domain.providers import RefundState
from lms_payment.handlers import settlement
from lms_payment.handlers.common import Deps, log
from lms_payment.handlers.ports import PaymentUnitOfWork

# Automatic refunds get ids derived from the order: a retried saga step finds the same one.
_AUTO_REFUNDS = uuid.UUID("6f1c7d3e-2b4a-4e8f-9c1d-5a7b3e9f0d21")


class RefundHandlers:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def refund_order(
        self, actor: Actor, order_id: str, *, amount: Money | None, reason: str, request_id: str
    ) -> Refund:
        deps = self._deps
        now = deps.clock()
        async with deps.uow() as uow:
            order = await uow.orders.get(order_id, for_update=True)
            if order is None or not order.visible_to(actor.user_id, is_admin=actor.is_admin):
                raise OrderNotFound(order_id)
            existing = await uow.refunds.by_request(order_id, request_id)
            if existing is not None:
                return existing
            if not actor.is_admin:
                self._check_learner_refund(order, amount, now)
            if amount is not None and (amount.amount_minor <= 0 or amount.currency != order.amount.currency):
                raise Invalid(
                    [FieldViolation("amount", f"a positive amount in {order.amount.currency}", "RANGE")]
                )
            wanted = amount or order.refundable
            if wanted.is_zero and order.paid_at is not None:  # a FREE order, or all refunded
                raise RefundTooLarge(order.refundable.amount_minor, order.amount.currency)
            order.reserve_refund(wanted)
            refund = Refund(
                id=str(uuid.uuid4()),
                order_id=order.id,
                amount=wanted,
                reason=reason or "requested",
                requester=f"users/{actor.user_id}",
                request_id=request_id,
                created_at=now,
            )
            await uow.refunds.add(refund)  # the order's row lock makes (order, request id) unique here
            await uow.orders.save(order)
            await uow.commit()
        log.info(
            "refund_requested refund_id=%s order_id=%s amount_minor=%d",
            refund.id,
            order_id,
            wanted.amount_minor,
        )
        return await self.send(refund.id)

    @staticmethod
    def _check_learner_refund(order: Order, amount: Money | None, now: datetime) -> None:
        if order.refunded_minor or order.refund_pending_minor:
            raise RefundWindowClosed("this order was already (partly) refunded")
        if amount is not None and amount != order.amount:
            raise RefundWindowClosed("learners may only ask for a full refund")
        if not order.learner_may_refund(now):
            raise RefundWindowClosed("the refund window of this order has closed")

    async def send(self, refund_id: str) -> Refund:
        """Send a pending refund to its provider (again) and record the answer. A provider that
        does not answer leaves it pending for the reconciliation job."""
        deps = self._deps
        async with deps.uow() as uow:
            refund = await uow.refunds.get(refund_id)
            order = await uow.orders.get(refund.order_id) if refund else None
        assert refund is not None and order is not None
        if refund.state is not RefundStatus.PENDING:
            return refund
        try:
            answer = await self._ask_provider(order, refund)
        except UpstreamUnavailable:
            log.warning("refund_provider_unavailable refund_id=%s", refund_id)
            return refund
        async with deps.uow() as uow:
            refund = await uow.refunds.get(refund_id, for_update=True)
            assert refund is not None
            order = await uow.orders.get(refund.order_id, for_update=True)
            assert order is not None
            await self.record(uow, refund, order, answer)
            await uow.commit()
        return refund

    async def _ask_provider(self, order: Order, refund: Refund) -> RefundState:
        gateway = self._deps.gateway(order.provider)
        if refund.provider_refund_id:
            return await gateway.fetch_refund(
                refund.provider_refund_id, provider_payment_id=order.provider_payment_id
            )
        return await gateway.refund(
            provider_payment_id=order.provider_payment_id,
            transaction_id=order.transaction_id,
            amount=refund.amount,
            idempotency_key=refund.idempotency_key,
            reason=refund.reason,
        )

    async def record(self, uow: PaymentUnitOfWork, refund: Refund, order: Order, answer: RefundState) -> None:
        """Store the provider's answer (both rows locked)."""
        if answer.provider_refund_id and not refund.provider_refund_id:
            refund.provider_refund_id = answer.provider_refund_id
            await uow.refunds.save(refund)
        if answer.status is not RefundStatus.PENDING:
            await settlement.refund_settled(
                uow, refund, order, answer.status, self._deps.clock(), failure_reason=answer.failure_reason
            )

    async def refund_automatically(self, uow: PaymentUnitOfWork, order: Order, reason: str) -> Refund:
        """Refund everything of a paid order inside the caller's transaction (the saga's).
        The refund's id and provider key come from the order, so a retried step after a crash
        asks the provider with the same key and it refunds once."""
        now = self._deps.clock()
        refund_id = str(uuid.uuid5(_AUTO_REFUNDS, order.id))
        refund = await uow.refunds.get(refund_id, for_update=True)
        if refund is None:
            order.state_reason = reason[:500]
            refundable = order.refundable
            order.reserve_refund(refundable)
            refund = Refund(
                id=refund_id,
                order_id=order.id,
                amount=refundable,
                reason=reason,
                requester=SERVICE_REQUESTER,
                request_id=f"auto-{order.id}",
                created_at=now,
            )
            await uow.refunds.add(refund)
            await uow.orders.save(order)
        if refund.state is RefundStatus.PENDING:
            # No answer: raise, the whole step rolls back and the saga retries it.
            await self.record(uow, refund, order, await self._ask_provider(order, refund))
        log.info("order_refunded_automatically order_id=%s reason=%s", order.id, reason)
        return refund

    async def list_refunds(self, actor: Actor, order_id: str) -> list[Refund]:
        async with self._deps.uow() as uow:
            order = await uow.orders.get(order_id)
            if order is None or not order.visible_to(actor.user_id, is_admin=actor.is_admin):
                raise OrderNotFound(order_id)
            return await uow.refunds.for_order(order_id)
