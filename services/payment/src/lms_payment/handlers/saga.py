"""The enrolment saga, run by the service's own event consumer:

    OrderPaid     -> EnrollPaid at the course service -> the order is fulfilled
                     (refused for good: the order is refunded automatically, and the
                     OrderRefunded event tells the learner why)
    OrderRefunded -> when the whole payment is back, the enrolment is revoked

Each step runs in the consumer's transaction with its inbox row, so it has its effect once
however often JetStream delivers the event; the calls to other services are idempotent
(EnrollPaid and RevokeEnrollment by order id, the provider by the refund's key), so a crash
between a call and the commit repeats the call harmlessly.
"""

from __future__ import annotations

from lms_kit.domain.money import Money
from lms_payment.domain.errors import EnrolmentRefused
from lms_payment.domain.model import OrderState
from lms_payment.handlers.common import Deps, log
from lms_payment.handlers.ports import PaymentUnitOfWork
from lms_payment.handlers.refunds import RefundHandlers


class EnrolmentSaga:
    def __init__(self, deps: Deps, refunds: RefundHandlers) -> None:
        self._deps = deps
        self._refunds = refunds

    async def fulfil(self, order_id: str, uow: PaymentUnitOfWork) -> bool:
        """Enrol the learner of a paid order and mark it fulfilled, in the consumer's unit of
        work (the service's own, built by Deps.uow; the consumer commits it with its inbox row).
        True if it was fulfilled."""
        order = await uow.orders.get(order_id, for_update=True)
        if order is None:  # not this database's order (e.g. a shared stream in tests)
            log.warning("fulfil_unknown_order order_id=%s", order_id)
            return False
        if order.state is not OrderState.PAID:
            log.info("fulfil_skipped order_id=%s state=%s", order_id, order.state)
            return False
        try:
            await self._deps.catalog.enroll_paid(
                course_id=order.course_id, user_id=order.user_id, order_id=order.id
            )
        except EnrolmentRefused as refused:
            reason = f"enrolment refused: {refused.reason}"
            log.warning("enrolment_refused order_id=%s reason=%s", order_id, refused.reason)
            if order.amount.is_zero:  # a coupon paid for it all: nothing to send back
                order.state_reason = reason
                order.refund_succeeded(
                    "", Money.zero(order.amount.currency), self._deps.clock(), reason=reason, automatic=True
                )
                await uow.orders.save(order)
            else:
                await self._refunds.refund_automatically(uow, order, reason)
            return False
        order.fulfil(self._deps.clock())
        await uow.orders.save(order)
        log.info("order_fulfilled order_id=%s", order_id)
        return True

    async def revoke_if_fully_refunded(self, order_id: str, full: bool, uow: PaymentUnitOfWork) -> None:
        order = await uow.orders.get(order_id)
        if order is None or not full:
            return
        await self._deps.catalog.revoke(order_id=order_id, reason="refund")
        log.info("enrolment_revoked order_id=%s", order_id)
