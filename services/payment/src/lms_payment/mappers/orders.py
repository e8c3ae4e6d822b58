"""Orders, refunds, receipts, prices and the reconciliation report, proto <-> domain."""

from __future__ import annotations

from lms.payment.v1 import payment_pb2
from lms_kit.proto import from_timestamp, last_id, money, set_times
from lms_payment.domain.model import Order, OrderState, Refund
from lms_payment.handlers.results import OrderFilter, Price, Receipt, ReconcileReport
from lms_payment.mappers.common import (
    PROVIDER_FROM_PROTO,
    PROVIDER_TO_PROTO,
    REFUND_STATE_TO_PROTO,
    STATE_FROM_PROTO,
    STATE_TO_PROTO,
)


def order_to_proto(order: Order, *, key_id: str = "", test_checkout: str = "") -> payment_pb2.Order:
    """`key_id`: what the app opens the provider's checkout with (Razorpay), while pending;
    `test_checkout`: the test-mode checkout URL prefix (a stand-in), if any."""
    pending = order.state is OrderState.PENDING
    message = payment_pb2.Order(
        name=f"orders/{order.id}",
        course=f"courses/{order.course_id}",
        user=f"users/{order.user_id}",
        amount=money(order.amount),
        state=STATE_TO_PROTO[order.state],
        provider=PROVIDER_TO_PROTO[order.provider],
        provider_payment_id=order.provider_payment_id,
        client_secret=order.client_secret if pending else "",
        failure_reason=order.failure_reason,
        list_price=money(order.price_before_discount),
        discount=money(order.discount),
        coupon=f"coupons/{order.coupon_code}" if order.coupon_code else "",
        referral_code=order.referral.code if order.referral else "",
        provider_key_id=key_id if pending else "",
        provider_transaction_id=order.transaction_id,
        refunded_amount=money(order.refunded),
        state_reason=order.state_reason,
        test_checkout_url=f"{test_checkout}{order.provider_payment_id}"
        if test_checkout and pending and order.provider_payment_id
        else "",
    )
    set_times(
        message,
        create_time=order.created_at,
        pay_time=order.paid_at,
        fulfill_time=order.fulfilled_at,
        refundable_until=order.refundable_until,
    )
    return message


def order_filter(request: payment_pb2.SearchOrdersRequest) -> OrderFilter:
    return OrderFilter(
        user_id=last_id(request.user),
        course_id=last_id(request.course),
        state=STATE_FROM_PROTO.get(request.state),
        provider=PROVIDER_FROM_PROTO[request.provider] if request.provider else None,
        created_from=from_timestamp(request, "create_time_from"),
        created_to=from_timestamp(request, "create_time_to"),
    )


def refund_to_proto(refund: Refund) -> payment_pb2.Refund:
    message = payment_pb2.Refund(
        name=f"orders/{refund.order_id}/refunds/{refund.id}",
        amount=money(refund.amount),
        state=REFUND_STATE_TO_PROTO[refund.state],
        reason=refund.reason,
        requester=refund.requester,
        provider_refund_id=refund.provider_refund_id,
    )
    set_times(message, create_time=refund.created_at, complete_time=refund.completed_at)
    return message


def receipt_to_proto(receipt: Receipt) -> payment_pb2.Receipt:
    order = receipt.order
    message = payment_pb2.Receipt(
        name=f"orders/{order.id}/receipt",
        receipt_number=f"R-{order.created_at:%Y%m%d}-{order.id.replace('-', '')[:10].upper()}",
        order=f"orders/{order.id}",
        course=f"courses/{order.course_id}",
        user=f"users/{order.user_id}",
        list_price=money(order.price_before_discount),
        discount=money(order.discount),
        amount_paid=money(order.amount),
        amount_refunded=money(order.refunded),
        provider=PROVIDER_TO_PROTO[order.provider],
        provider_transaction_id=order.transaction_id,
        refunds=[refund_to_proto(r) for r in receipt.refunds],
    )
    set_times(message, pay_time=order.paid_at)
    return message


def price_to_proto(price: Price) -> payment_pb2.PricePreview:
    return payment_pb2.PricePreview(
        list_price=money(price.list_price), discount=money(price.discount), amount=money(price.amount)
    )


def reconcile_report_to_proto(report: ReconcileReport) -> payment_pb2.ReconcileOrdersResponse:
    return payment_pb2.ReconcileOrdersResponse(
        checked=report.checked,
        paid=report.paid,
        failed=report.failed,
        expired=report.expired,
        refunds_settled=report.refunds_settled,
    )
