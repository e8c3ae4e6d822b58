"""proto <-> domain: the only place (with lms_kit.proto) where both worlds meet. One module
per capability; everything is re-exported here (`mappers.order_to_proto`)."""

from lms_payment.mappers.common import (
    PROVIDER_FROM_PROTO,
    STATE_FROM_PROTO,
    money_from_request,
)
from lms_payment.mappers.coupons import coupon_to_proto, new_coupon
from lms_payment.mappers.earnings import (
    batch_to_proto,
    earnings_to_proto,
    ledger_balance_to_proto,
    ledger_entry_to_proto,
    payout_account_to_proto,
    payout_to_proto,
    referral_to_proto,
)
from lms_payment.mappers.events import event_to_proto
from lms_payment.mappers.orders import (
    order_filter,
    order_to_proto,
    price_to_proto,
    receipt_to_proto,
    reconcile_report_to_proto,
    refund_to_proto,
)
from lms_payment.mappers.subscriptions import access_to_proto, new_plan, plan_to_proto, subscription_to_proto

__all__ = [
    "PROVIDER_FROM_PROTO",
    "STATE_FROM_PROTO",
    "access_to_proto",
    "batch_to_proto",
    "coupon_to_proto",
    "earnings_to_proto",
    "event_to_proto",
    "ledger_balance_to_proto",
    "ledger_entry_to_proto",
    "money_from_request",
    "new_coupon",
    "new_plan",
    "order_filter",
    "order_to_proto",
    "payout_account_to_proto",
    "payout_to_proto",
    "plan_to_proto",
    "price_to_proto",
    "receipt_to_proto",
    "reconcile_report_to_proto",
    "referral_to_proto",
    "refund_to_proto",
    "subscription_to_proto",
]
