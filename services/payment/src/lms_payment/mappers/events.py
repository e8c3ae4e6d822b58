"""Domain events -> the messages of lms.payment.v1.events (the outbox's payloads)."""

from __future__ import annotations

from google.protobuf.message import Message

from lms.payment.v1 import events_pb2
from lms_kit.proto import money, timestamp
from lms_payment.domain.earnings import PayoutCompleted
from lms_payment.domain.model import (
    OrderExpired,
    OrderFailed,
    OrderFulfilled,
    OrderPaid,
    OrderRefunded,
    RefundFailed,
)
from lms_payment.domain.subscriptions import SubscriptionChangedEvent


def event_to_proto(event: object) -> Message:
    match event:
        case OrderPaid():
            return events_pb2.OrderPaid(
                order_id=event.order_id,
                user_id=event.user_id,
                course_id=event.course_id,
                amount=money(event.amount),
                provider=event.provider.value,
                pay_time=timestamp(event.at),
            )
        case OrderFulfilled():
            return events_pb2.OrderFulfilled(
                order_id=event.order_id,
                user_id=event.user_id,
                course_id=event.course_id,
                fulfill_time=timestamp(event.at),
            )
        case OrderFailed():
            return events_pb2.OrderFailed(
                order_id=event.order_id,
                user_id=event.user_id,
                course_id=event.course_id,
                reason=event.reason,
                fail_time=timestamp(event.at),
            )
        case OrderExpired():
            return events_pb2.OrderExpired(
                order_id=event.order_id,
                user_id=event.user_id,
                course_id=event.course_id,
                expire_time=timestamp(event.at),
            )
        case OrderRefunded():
            return events_pb2.OrderRefunded(
                order_id=event.order_id,
                user_id=event.user_id,
                course_id=event.course_id,
                refund_id=event.refund_id,
                amount=money(event.amount),
                total_refunded=money(event.total_refunded),
                full=event.full,
                reason=event.reason,
                automatic=event.automatic,
                refund_time=timestamp(event.at),
            )
        case RefundFailed():
            return events_pb2.RefundFailed(
                order_id=event.order_id,
                refund_id=event.refund_id,
                amount=money(event.amount),
                reason=event.reason,
                fail_time=timestamp(event.at),
            )
        case SubscriptionChangedEvent():
            return events_pb2.SubscriptionChanged(
                subscription_id=event.subscription_id,
                user_id=event.user_id,
                plan_id=event.plan_id,
                state=event.state.value,
                current_period_end=timestamp(event.current_period_end),
                change_time=timestamp(event.at),
            )
        case PayoutCompleted():
            return events_pb2.PayoutCompleted(
                payout_id=event.payout_id,
                user_id=event.user_id,
                amount=money(event.amount),
                paid=event.paid,
                failure_reason=event.failure_reason,
                complete_time=timestamp(event.at),
            )
    raise TypeError(f"unmapped event {type(event).__name__}")
