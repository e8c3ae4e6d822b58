"""The enum tables between the domain and lms.payment.v1, and money read from a request."""

from __future__ import annotations

import re

from lms.payment.v1 import payment_pb2
from lms.type.v1 import money_pb2
from lms_kit.domain import FieldViolation, Invalid
from lms_kit.domain.money import Money
from lms_payment.domain.earnings import PayoutState
from lms_payment.domain.ledger import EntryKind
from lms_payment.domain.model import OrderState, Provider, RefundStatus
from lms_payment.domain.providers import SubscriptionStatus
from lms_payment.domain.subscriptions import BillingInterval

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

_CURRENCY = re.compile(r"^[A-Z]{3}$")


def currency_violation(code: str, field: str) -> FieldViolation | None:
    """The violation of `field` (a currency code) unless it is an ISO 4217 code."""
    if _CURRENCY.match(code):
        return None
    return FieldViolation(field, "must be an ISO 4217 code such as USD", "CURRENCY")


def money_from_request(value: money_pb2.Money, field: str) -> Money:
    """A request's Money, or INVALID_ARGUMENT naming `<field>.currency_code`."""
    violation = currency_violation(value.currency_code, f"{field}.currency_code")
    if violation is not None:
        raise Invalid([violation])
    return Money(value.amount_minor, value.currency_code)
