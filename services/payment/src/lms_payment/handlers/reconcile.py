"""The reconciliation job: a lost webhook, a crash after a provider call, or a learner who
never paid must still end right. It asks the providers about orders pending (or failed)
longer than the configured age and settles them as a webhook would; it expires orders not
paid in time; and it sends again, or looks up, refunds still pending. Every step is the
same idempotent settlement the webhooks use, under the order's row lock, so the job may
run in every worker at once and beside live webhooks."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from lms_payment.domain.errors import UpstreamUnavailable
from lms_payment.domain.model import OrderState, Provider, RefundStatus
from lms_payment.domain.providers import PaymentStatus
from lms_payment.handlers import settlement
from lms_payment.handlers.common import Deps, log
from lms_payment.handlers.refunds import RefundHandlers
from lms_payment.handlers.results import ReconcileReport

BATCH = 200


class Reconciler:
    def __init__(self, deps: Deps, refunds: RefundHandlers) -> None:
        self._deps = deps
        self._refunds = refunds
        self._task: asyncio.Task[None] | None = None

    async def run(self, min_age: timedelta | None = None) -> ReconcileReport:
        deps = self._deps
        age = deps.terms.reconcile_after if min_age is None else min_age
        now = deps.clock()
        report = ReconcileReport()
        async with deps.uow() as uow:
            order_ids = await uow.orders.stale([OrderState.PENDING, OrderState.FAILED], now - age, BATCH)
            refund_ids = await uow.refunds.stale_pending(now - age, BATCH)
        for order_id in order_ids:
            report.checked += 1
            try:
                await self._order(order_id, report)
            except UpstreamUnavailable:
                log.warning("reconcile_provider_unavailable order_id=%s", order_id)
        for refund_id in refund_ids:
            refund = await self._refunds.send(refund_id)
            if refund.state is not RefundStatus.PENDING:
                report.refunds_settled += 1
        if order_ids or refund_ids:
            log.info("reconcile_done %s", report)
        return report

    async def _order(self, order_id: str, report: ReconcileReport) -> None:
        deps = self._deps
        async with deps.uow() as uow:
            order = await uow.orders.get(order_id)
        if order is None or order.provider is Provider.FREE:
            return
        state = None
        if order.provider_payment_id and order.provider in deps.gateways:
            state = await deps.gateway(order.provider).fetch_payment(order.provider_payment_id)
        now = deps.clock()
        too_old = now - order.created_at >= deps.terms.order_expiry
        async with deps.uow() as uow:
            order = await uow.orders.get(order_id, for_update=True)
            assert order is not None
            if state is not None and state.status is PaymentStatus.SUCCEEDED and state.amount is not None:
                try:
                    if await settlement.paid(
                        uow, order, state.amount, now, transaction_id=state.transaction_id
                    ):
                        report.paid += 1
                except ValueError:
                    log.error("reconcile_amount_mismatch order_id=%s", order_id)
            elif (
                state is not None
                and state.status is PaymentStatus.FAILED
                and order.state is OrderState.PENDING
            ):
                if await settlement.failed(uow, order, state.failure_reason or "payment failed", now):
                    report.failed += 1
            elif (too_old or (state is not None and state.status is PaymentStatus.CANCELED)) and (
                await settlement.expired(uow, order, now)
            ):
                report.expired += 1
            await uow.commit()

    # The timer (started and stopped with the service)

    async def start(self, interval_s: float) -> None:
        """Run every `interval_s` seconds from now on (0: only on demand)."""
        if interval_s > 0 and self._task is None:
            self._task = asyncio.create_task(self._every(interval_s), name="payment-reconcile")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _every(self, interval_s: float) -> None:
        while True:
            await asyncio.sleep(interval_s)
            try:
                await self.run()
            except Exception:  # the next round tries again
                log.exception("reconcile_failed")
