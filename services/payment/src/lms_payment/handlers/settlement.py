"""How an order's money settles, whatever told us: a webhook, a Razorpay checkout, the
reconciliation job, or a coupon that covered the whole price. Each function runs inside
the caller's unit of work with the order row locked, changes the order (which raises its
events: the unit of work collects them at commit) and books the ledger, all in that one
transaction, and is a no-op when repeated."""

from __future__ import annotations

from datetime import datetime

from lms_kit.domain.money import Money
from lms_payment.domain import ledger
from lms_payment.domain.model import Order, OrderState, Refund, RefundStatus
from lms_payment.handlers.common import log
from lms_payment.handlers.ports import PaymentUnitOfWork


async def paid(
    uow: PaymentUnitOfWork, order: Order, amount: Money, now: datetime, *, transaction_id: str = ""
) -> bool:
    """The provider received `amount`. Raises ValueError when it is not the order's amount."""
    was_expired = order.state is OrderState.EXPIRED
    if not order.mark_paid(amount, now, transaction_id=transaction_id):
        return False
    if was_expired and order.coupon_code:
        await uow.coupons.reclaim(order.id)
    if not order.amount.is_zero:
        await uow.ledger.book(ledger.sale(order, now))
    await uow.orders.save(order)
    log.info("order_paid order_id=%s amount_minor=%d", order.id, order.amount.amount_minor)
    return True


async def failed(uow: PaymentUnitOfWork, order: Order, reason: str, now: datetime) -> bool:
    if not order.fail(reason, now):
        return False
    await uow.orders.save(order)
    return True


async def expired(
    uow: PaymentUnitOfWork, order: Order, now: datetime, reason: str = "not paid in time"
) -> bool:
    """A pending order ends unpaid; its coupon redemption is given back."""
    if not order.expire(now, reason):
        return False
    if order.coupon_code:
        await uow.coupons.release(order.id)
    await uow.orders.save(order)
    log.info("order_expired order_id=%s", order.id)
    return True


async def refund_settled(
    uow: PaymentUnitOfWork,
    refund: Refund,
    order: Order,
    status: RefundStatus,
    now: datetime,
    *,
    failure_reason: str = "",
) -> bool:
    """The provider's final word on a refund (both rows locked by the caller). Success takes
    each leg of the sale back in proportion; failure makes the amount refundable again."""
    if not refund.settle(status, now, failure_reason=failure_reason):
        return False
    await uow.refunds.save(refund)
    if status is RefundStatus.SUCCEEDED:
        refunded_before = order.refunded_minor
        order.refund_succeeded(
            refund.id, refund.amount, now, reason=refund.reason, automatic=refund.automatic
        )
        sale_entries = await uow.ledger.entries_of(f"sale:{order.id}")
        if sale_entries:
            await uow.ledger.book(
                ledger.refund_reversal(
                    order,
                    sale_entries,
                    refunded_before=refunded_before,
                    refund=refund.amount,
                    refund_id=refund.id,
                    now=now,
                )
            )
    else:
        order.refund_failed(refund.id, refund.amount, failure_reason, now)
    await uow.orders.save(order)
    log.info("refund_settled refund_id=%s order_id=%s status=%s", refund.id, order.id, status)
    return True
