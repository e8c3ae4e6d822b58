"""proto <-> domain: the only module where both worlds meet."""

from __future__ import annotations

from datetime import datetime

from google.protobuf import timestamp_pb2
from google.protobuf.message import Message

from lms.payment.v1 import events_pb2, payment_pb2
from lms.type.v1 import money_pb2
from lms_kit import errors as rpc
from lms_payment.domain import errors as domain
from lms_payment.domain.model import (
    DomainEvent,
    Money,
    Order,
    OrderFailed,
    OrderFulfilled,
    OrderPaid,
    OrderState,
    Provider,
)

DOMAIN = "payment.lms"

STATE_TO_PROTO = {
    OrderState.PENDING: payment_pb2.ORDER_STATE_PENDING,
    OrderState.PAID: payment_pb2.ORDER_STATE_PAID,
    OrderState.FULFILLED: payment_pb2.ORDER_STATE_FULFILLED,
    OrderState.FAILED: payment_pb2.ORDER_STATE_FAILED,
    OrderState.EXPIRED: payment_pb2.ORDER_STATE_EXPIRED,
    OrderState.REFUNDED: payment_pb2.ORDER_STATE_REFUNDED,
}
PROVIDER_TO_PROTO = {Provider.STRIPE: payment_pb2.PAYMENT_PROVIDER_STRIPE}
PROVIDER_FROM_PROTO = {
    payment_pb2.PAYMENT_PROVIDER_UNSPECIFIED: Provider.STRIPE,
    payment_pb2.PAYMENT_PROVIDER_STRIPE: Provider.STRIPE,
}


def timestamp(value: datetime | None) -> timestamp_pb2.Timestamp | None:
    if value is None:
        return None
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(value)
    return ts


def money(value: Money) -> money_pb2.Money:
    return money_pb2.Money(currency_code=value.currency, amount_minor=value.amount_minor)


def order_to_proto(order: Order) -> payment_pb2.Order:
    message = payment_pb2.Order(
        name=f"orders/{order.id}",
        course=f"courses/{order.course_id}",
        user=f"users/{order.user_id}",
        amount=money(order.amount),
        state=STATE_TO_PROTO[order.state],
        provider=PROVIDER_TO_PROTO[order.provider],
        provider_payment_id=order.provider_payment_id,
        client_secret=order.client_secret if order.state is OrderState.PENDING else "",
        failure_reason=order.failure_reason,
        create_time=timestamp(order.created_at),
    )
    for field, value in (("pay_time", order.paid_at), ("fulfill_time", order.fulfilled_at)):
        if value is not None:
            getattr(message, field).CopyFrom(timestamp(value))
    return message


def event_to_proto(event: DomainEvent) -> Message:
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
    raise TypeError(f"unmapped event {type(event).__name__}")


def map_error(error: Exception) -> rpc.DomainError | None:
    """App.map_error: the kit error for this service's domain errors, None for anything else."""
    match error:
        case domain.OrderNotFound() | domain.CourseNotFound():
            return rpc.NotFound(error.reason, error.message, domain=DOMAIN, metadata={"name": error.name})
        case domain.WebhookRejected():
            return rpc.InvalidArgument(
                [rpc.FieldViolation("stripe-signature", error.message, error.reason)],
                error.message,
                reason=error.reason,
                domain=DOMAIN,
            )
        case domain.UpstreamUnavailable():
            return rpc.Unavailable(error.reason, error.message, domain=DOMAIN)
        case domain.Precondition() | domain.IllegalTransition():
            return rpc.FailedPrecondition(error.reason, error.message, domain=DOMAIN)
    return None
