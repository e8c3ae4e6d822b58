"""proto <-> domain: the only module where both worlds meet."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from google.protobuf import timestamp_pb2
from google.protobuf.message import Message

from lms.payment.v1 import events_pb2, payment_pb2
from lms.type.v1 import money_pb2
from lms_kit import errors as rpc
from lms_payment.domain import errors as domain
from lms_payment.domain.coupons import Coupon
from lms_payment.domain.earnings import (
    BatchState,
    Payout,
    PayoutAccount,
    PayoutBatch,
    PayoutState,
    ReferralCode,
)
from lms_payment.domain.ledger import EntryKind
from lms_payment.domain.model import (
    Money,
    Order,
    OrderExpired,
    OrderFailed,
    OrderFulfilled,
    OrderPaid,
    OrderRefunded,
    OrderState,
    Provider,
    Refund,
    RefundFailed,
    RefundStatus,
)
from lms_payment.domain.providers import SubscriptionStatus
from lms_payment.domain.subscriptions import BillingInterval, Plan, Subscription, SubscriptionChangedEvent

DOMAIN = "payment.lms"

STATE_TO_PROTO = {
    OrderState.PENDING: payment_pb2.ORDER_STATE_PENDING,
    OrderState.PAID: payment_pb2.ORDER_STATE_PAID,
    OrderState.FULFILLED: payment_pb2.ORDER_STATE_FULFILLED,
    OrderState.FAILED: payment_pb2.ORDER_STATE_FAILED,
    OrderState.EXPIRED: payment_pb2.ORDER_STATE_EXPIRED,
    OrderState.REFUNDED: payment_pb2.ORDER_STATE_REFUNDED,
}
STATE_FROM_PROTO = {v: k for k, v in STATE_TO_PROTO.items()}
PROVIDER_TO_PROTO = {
    Provider.STRIPE: payment_pb2.PAYMENT_PROVIDER_STRIPE,
    Provider.RAZORPAY: payment_pb2.PAYMENT_PROVIDER_RAZORPAY,
    Provider.FREE: payment_pb2.PAYMENT_PROVIDER_FREE,
}
PROVIDER_FROM_PROTO = {
    payment_pb2.PAYMENT_PROVIDER_UNSPECIFIED: Provider.STRIPE,
    payment_pb2.PAYMENT_PROVIDER_STRIPE: Provider.STRIPE,
    payment_pb2.PAYMENT_PROVIDER_RAZORPAY: Provider.RAZORPAY,
    payment_pb2.PAYMENT_PROVIDER_FREE: Provider.FREE,
}
REFUND_STATE_TO_PROTO = {
    RefundStatus.PENDING: payment_pb2.REFUND_STATE_PENDING,
    RefundStatus.SUCCEEDED: payment_pb2.REFUND_STATE_SUCCEEDED,
    RefundStatus.FAILED: payment_pb2.REFUND_STATE_FAILED,
}
SUBSCRIPTION_STATE_TO_PROTO = {
    SubscriptionStatus.INCOMPLETE: payment_pb2.SUBSCRIPTION_STATE_INCOMPLETE,
    SubscriptionStatus.ACTIVE: payment_pb2.SUBSCRIPTION_STATE_ACTIVE,
    SubscriptionStatus.PAST_DUE: payment_pb2.SUBSCRIPTION_STATE_PAST_DUE,
    SubscriptionStatus.CANCELED: payment_pb2.SUBSCRIPTION_STATE_CANCELED,
}
INTERVAL_TO_PROTO = {
    BillingInterval.MONTHLY: payment_pb2.BILLING_INTERVAL_MONTHLY,
    BillingInterval.YEARLY: payment_pb2.BILLING_INTERVAL_YEARLY,
}
INTERVAL_FROM_PROTO = {v: k for k, v in INTERVAL_TO_PROTO.items()}
PAYOUT_STATE_TO_PROTO = {
    PayoutState.REQUESTED: payment_pb2.PAYOUT_STATE_REQUESTED,
    PayoutState.BATCHED: payment_pb2.PAYOUT_STATE_BATCHED,
    PayoutState.PAID: payment_pb2.PAYOUT_STATE_PAID,
    PayoutState.FAILED: payment_pb2.PAYOUT_STATE_FAILED,
}
ENTRY_KIND_TO_PROTO = {
    EntryKind.SALE: payment_pb2.LEDGER_ENTRY_KIND_SALE,
    EntryKind.PLATFORM_FEE: payment_pb2.LEDGER_ENTRY_KIND_PLATFORM_FEE,
    EntryKind.COMMISSION: payment_pb2.LEDGER_ENTRY_KIND_COMMISSION,
    EntryKind.REFUND_REVERSAL: payment_pb2.LEDGER_ENTRY_KIND_REFUND_REVERSAL,
    EntryKind.PAYOUT: payment_pb2.LEDGER_ENTRY_KIND_PAYOUT,
    EntryKind.SUBSCRIPTION: payment_pb2.LEDGER_ENTRY_KIND_SUBSCRIPTION,
    EntryKind.PROVIDER: payment_pb2.LEDGER_ENTRY_KIND_PROVIDER,
}


def last_id(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def timestamp(value: datetime | None) -> timestamp_pb2.Timestamp | None:
    if value is None:
        return None
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(value)
    return ts


def from_timestamp(message: Any, field: str) -> datetime | None:
    if not message.HasField(field):
        return None
    return getattr(message, field).ToDatetime(tzinfo=UTC)


def money(value: Money) -> money_pb2.Money:
    return money_pb2.Money(currency_code=value.currency, amount_minor=value.amount_minor)


def money_from_proto(value: money_pb2.Money, field: str) -> Money:
    """A request's Money, or INVALID_ARGUMENT naming the field."""
    try:
        return Money(value.amount_minor, value.currency_code)
    except (TypeError, ValueError) as exc:
        raise rpc.InvalidArgument(
            [rpc.FieldViolation(f"{field}.currency_code", "must be an ISO 4217 code such as USD", "CURRENCY")]
        ) from exc


def _set_times(message: Message, **values: datetime | None) -> None:
    for name, value in values.items():
        if value is not None:
            getattr(message, name).CopyFrom(timestamp(value))


def order_to_proto(order: Order, *, key_id: str = "") -> payment_pb2.Order:
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
        list_price=money(order.price_before_discount),
        discount=money(order.discount),
        coupon=f"coupons/{order.coupon_code}" if order.coupon_code else "",
        referral_code=order.referral.code if order.referral else "",
        provider_key_id=key_id if order.state is OrderState.PENDING else "",
        provider_transaction_id=order.transaction_id,
        refunded_amount=money(order.refunded),
        state_reason=order.state_reason,
    )
    _set_times(
        message,
        create_time=order.created_at,
        pay_time=order.paid_at,
        fulfill_time=order.fulfilled_at,
        refundable_until=order.refundable_until,
    )
    return message


def refund_to_proto(refund: Refund) -> payment_pb2.Refund:
    message = payment_pb2.Refund(
        name=f"orders/{refund.order_id}/refunds/{refund.id}",
        amount=money(refund.amount),
        state=REFUND_STATE_TO_PROTO[refund.state],
        reason=refund.reason,
        requester=refund.requester,
        provider_refund_id=refund.provider_refund_id,
    )
    _set_times(message, create_time=refund.created_at, complete_time=refund.completed_at)
    return message


def receipt_to_proto(order: Order, refunds: list[Refund]) -> payment_pb2.Receipt:
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
        refunds=[refund_to_proto(r) for r in refunds],
    )
    _set_times(message, pay_time=order.paid_at)
    return message


def coupon_to_proto(coupon: Coupon) -> payment_pb2.Coupon:
    message = payment_pb2.Coupon(
        name=f"coupons/{coupon.code}",
        course=f"courses/{coupon.course_id}" if coupon.course_id else "",
        max_redemptions=coupon.max_redemptions,
        max_redemptions_per_user=coupon.max_redemptions_per_user,
        redemption_count=coupon.redemption_count,
        active=coupon.active,
    )
    if coupon.amount_off is not None:
        message.amount_off.CopyFrom(money(coupon.amount_off))
    else:
        message.percent_off = coupon.percent_off
    _set_times(message, start_time=coupon.starts_at, end_time=coupon.ends_at, create_time=coupon.created_at)
    return message


def coupon_from_proto(message: payment_pb2.Coupon, now: datetime) -> Coupon:
    """A new coupon from CreateCoupon, or INVALID_ARGUMENT naming each bad field."""
    violations: list[rpc.FieldViolation] = []
    code = last_id(message.name).upper() if message.name.startswith("coupons/") else ""
    if not code:
        violations.append(rpc.FieldViolation("coupon.name", "must be coupons/{code}", "REQUIRED"))
    which = message.WhichOneof("discount")
    if which is None:
        violations.append(
            rpc.FieldViolation("coupon.percent_off", "set percent_off or amount_off", "REQUIRED")
        )
    elif which == "percent_off" and not 1 <= message.percent_off <= 100:
        violations.append(rpc.FieldViolation("coupon.percent_off", "must be 1..100", "RANGE"))
    amount_off = None
    if which == "amount_off":
        try:
            amount_off = Money(message.amount_off.amount_minor, message.amount_off.currency_code)
            if amount_off.amount_minor <= 0:
                violations.append(
                    rpc.FieldViolation("coupon.amount_off.amount_minor", "must be positive", "MIN")
                )
        except ValueError:
            violations.append(
                rpc.FieldViolation("coupon.amount_off.currency_code", "must be an ISO 4217 code", "CURRENCY")
            )
    starts, ends = from_timestamp(message, "start_time"), from_timestamp(message, "end_time")
    if starts and ends and ends <= starts:
        violations.append(rpc.FieldViolation("coupon.end_time", "must be after start_time", "ORDER"))
    if violations:
        raise rpc.InvalidArgument(violations)
    try:
        return Coupon(
            code=code,
            created_at=now,
            percent_off=message.percent_off if which == "percent_off" else 0,
            amount_off=amount_off,
            course_id=last_id(message.course) if message.course else "",
            starts_at=starts,
            ends_at=ends,
            max_redemptions=message.max_redemptions,
            max_redemptions_per_user=message.max_redemptions_per_user,
        )
    except ValueError as exc:
        raise rpc.InvalidArgument([rpc.FieldViolation("coupon.name", str(exc), "PATTERN")]) from exc


def plan_to_proto(plan: Plan) -> payment_pb2.Plan:
    message = payment_pb2.Plan(
        name=f"plans/{plan.id}",
        display_name=plan.display_name,
        interval=INTERVAL_TO_PROTO[plan.interval],
        price=money(plan.price),
        courses=[f"courses/{c}" for c in plan.course_ids],
        all_courses=plan.all_courses,
        stripe_price_id=plan.stripe_price_id,
        active=plan.active,
    )
    _set_times(message, create_time=plan.created_at)
    return message


def plan_from_proto(plan_id: str, message: payment_pb2.Plan, now: datetime) -> Plan:
    price = money_from_proto(message.price, "plan.price")
    violations = []
    if price.amount_minor <= 0:
        violations.append(rpc.FieldViolation("plan.price.amount_minor", "must be positive", "MIN"))
    if not message.all_courses and not message.courses:
        violations.append(
            rpc.FieldViolation("plan.courses", "name some courses or set all_courses", "REQUIRED")
        )
    if violations:
        raise rpc.InvalidArgument(violations)
    return Plan(
        id=plan_id,
        display_name=message.display_name,
        interval=INTERVAL_FROM_PROTO[message.interval],
        price=price,
        stripe_price_id=message.stripe_price_id,
        created_at=now,
        course_ids=tuple(dict.fromkeys(last_id(c) for c in message.courses)),
        all_courses=message.all_courses,
    )


def subscription_to_proto(subscription: Subscription) -> payment_pb2.Subscription:
    message = payment_pb2.Subscription(
        name=f"subscriptions/{subscription.id}",
        user=f"users/{subscription.user_id}",
        plan=f"plans/{subscription.plan_id}",
        state=SUBSCRIPTION_STATE_TO_PROTO[subscription.state],
        provider_subscription_id=subscription.provider_subscription_id,
        client_secret=subscription.client_secret
        if subscription.state is SubscriptionStatus.INCOMPLETE
        else "",
        cancel_at_period_end=subscription.cancel_at_period_end,
    )
    _set_times(
        message, current_period_end=subscription.current_period_end, create_time=subscription.created_at
    )
    return message


def payout_to_proto(payout: Payout) -> payment_pb2.Payout:
    message = payment_pb2.Payout(
        name=f"users/{payout.user_id}/payouts/{payout.id}",
        amount=money(payout.amount),
        state=PAYOUT_STATE_TO_PROTO[payout.state],
        batch=f"payoutBatches/{payout.batch_id}" if payout.batch_id else "",
        failure_reason=payout.failure_reason,
    )
    _set_times(message, create_time=payout.created_at, complete_time=payout.completed_at)
    return message


def batch_to_proto(batch: PayoutBatch, members: list[Payout]) -> payment_pb2.PayoutBatch:
    message = payment_pb2.PayoutBatch(
        name=f"payoutBatches/{batch.id}",
        currency_code=batch.currency,
        total=money(Money(batch.total_minor, batch.currency)),
        payouts=[payout_to_proto(p) for p in members],
        state=payment_pb2.PAYOUT_BATCH_STATE_COMPLETED
        if batch.state is BatchState.COMPLETED
        else payment_pb2.PAYOUT_BATCH_STATE_PROCESSING,
    )
    _set_times(message, create_time=batch.created_at, complete_time=batch.completed_at)
    return message


def payout_account_to_proto(account: PayoutAccount) -> payment_pb2.PayoutAccount:
    """Masked: the account number never leaves the service."""
    message = payment_pb2.PayoutAccount(
        name=f"users/{account.user_id}/payoutAccount",
        holder_name=account.holder_name,
        bank_code=account.bank_code,
        country_code=account.country_code,
        account_number_last4=account.last4,
    )
    _set_times(message, update_time=account.updated_at)
    return message


def referral_to_proto(code: ReferralCode) -> payment_pb2.ReferralCode:
    message = payment_pb2.ReferralCode(
        name=f"referralCodes/{code.code}",
        owner=f"users/{code.owner_id}",
        commission_bps=code.commission_bps,
        paid_order_count=code.paid_order_count,
    )
    _set_times(message, create_time=code.created_at)
    return message


# Events


def payout_completed(payout: Payout) -> events_pb2.PayoutCompleted:
    return events_pb2.PayoutCompleted(
        payout_id=payout.id,
        user_id=payout.user_id,
        amount=money(payout.amount),
        paid=payout.state is PayoutState.PAID,
        failure_reason=payout.failure_reason,
        complete_time=timestamp(payout.completed_at),
    )


def event_to_proto(event: Any) -> Message:
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
    raise TypeError(f"unmapped event {type(event).__name__}")


# Errors


def map_error(error: Exception) -> rpc.DomainError | None:
    """App.map_error: the kit error for this service's domain errors, None for anything else."""
    match error:
        case domain.OrderNotFound() | domain.CourseNotFound() | domain.CouponNotFound() | domain.NotFound():
            return rpc.NotFound(error.reason, error.message, domain=DOMAIN, metadata={"name": error.name})
        case domain.AlreadyExists():
            return rpc.AlreadyExists(
                error.reason, error.message, domain=DOMAIN, metadata={"name": error.name}
            )
        case domain.WebhookRejected():
            return rpc.InvalidArgument(
                [rpc.FieldViolation("signature", error.message, error.reason)],
                error.message,
                reason=error.reason,
                domain=DOMAIN,
            )
        case domain.UpstreamUnavailable() | domain.RetryLater():
            return rpc.Unavailable(error.reason, error.message, domain=DOMAIN)
        case domain.InsufficientEarnings():
            return rpc.FailedPrecondition(
                error.reason, error.message, domain=DOMAIN, metadata={"available": str(error.available_minor)}
            )
        case domain.RefundTooLarge():
            return rpc.FailedPrecondition(
                error.reason,
                error.message,
                domain=DOMAIN,
                metadata={"refundable": str(error.refundable_minor)},
            )
        case (
            domain.Precondition()
            | domain.IllegalTransition()
            | domain.CheckoutRejected()
            | domain.EnrolmentRefused()
        ):
            return rpc.FailedPrecondition(error.reason, error.message, domain=DOMAIN)
    return None
