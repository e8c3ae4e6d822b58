"""The service's tables (SQLAlchemy Core), as the migrations leave them: the schema-drift
test (tests/integration/test_schema.py) compares the two. Each migration keeps a frozen
copy of its own."""

from __future__ import annotations

import sqlalchemy as sa

from lms_kit.types import UtcDateTime

metadata = sa.MetaData()

ID = sa.String(36)

orders = sa.Table(
    "orders",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("course_id", sa.String(64), nullable=False),
    sa.Column("amount_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("provider", sa.String(16), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Column("provider_payment_id", sa.String(255), nullable=False),
    sa.Column("client_secret", sa.String(255), nullable=False),
    sa.Column("failure_reason", sa.String(500), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("paid_at", UtcDateTime, nullable=True),
    sa.Column("fulfilled_at", UtcDateTime, nullable=True),
    # 0002: discounts, referrals, the split frozen at order time, refunds.
    sa.Column("list_price_minor", sa.BigInteger, nullable=True),
    sa.Column("coupon_code", sa.String(32), nullable=False, server_default=""),
    sa.Column("referral_code", sa.String(32), nullable=False, server_default=""),
    sa.Column("referrer_id", sa.String(64), nullable=False, server_default=""),
    sa.Column("commission_bps", sa.Integer, nullable=False, server_default="0"),
    sa.Column("teacher_id", sa.String(64), nullable=False, server_default=""),
    sa.Column("platform_fee_bps", sa.Integer, nullable=False, server_default="0"),
    sa.Column("refundable_until", UtcDateTime, nullable=True),
    sa.Column("transaction_id", sa.String(255), nullable=False, server_default=""),
    sa.Column("refunded_minor", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("refund_pending_minor", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("state_reason", sa.String(500), nullable=False, server_default=""),
    # AIP-155: one order per (learner, request id), so a retried CreateOrder finds the first.
    sa.UniqueConstraint("user_id", "request_id", name="orders_user_request_key"),
    sa.Index("ix_orders_provider_payment", "provider", "provider_payment_id"),
    sa.Index("ix_orders_user_created", "user_id", "created_at"),
    sa.Index("ix_orders_state_created", "state", "created_at"),
    sa.Index("ix_orders_created", "created_at"),
)

# Every verified provider event, once: the primary key is what makes a replay a no-op.
provider_events = sa.Table(
    "provider_events",
    metadata,
    sa.Column("provider", sa.String(16), primary_key=True),
    sa.Column("event_id", sa.String(255), primary_key=True),
    sa.Column("event_type", sa.String(100), nullable=False),
    sa.Column("order_id", sa.String(36), nullable=True),
    # applied | no_change | ignored | unknown_order | amount_mismatch
    sa.Column("outcome", sa.String(32), nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
)

refunds = sa.Table(
    "refunds",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("order_id", ID, nullable=False),
    sa.Column("amount_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("reason", sa.String(500), nullable=False),
    sa.Column("requester", sa.String(80), nullable=False),
    sa.Column("request_id", sa.String(80), nullable=False),
    # pending | succeeded | failed
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("provider_refund_id", sa.String(255), nullable=False),
    sa.Column("failure_reason", sa.String(500), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("completed_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("order_id", "request_id", name="refunds_order_request_key"),
    sa.Index("ix_refunds_provider_refund", "provider_refund_id"),
    sa.Index("ix_refunds_state_created", "state", "created_at"),
)

coupons = sa.Table(
    "coupons",
    metadata,
    sa.Column("code", sa.String(32), primary_key=True),
    sa.Column("percent_off", sa.Integer, nullable=False),
    sa.Column("amount_off_minor", sa.BigInteger, nullable=True),
    sa.Column("amount_off_currency", sa.String(3), nullable=True),
    sa.Column("course_id", sa.String(64), nullable=False),
    sa.Column("starts_at", UtcDateTime, nullable=True),
    sa.Column("ends_at", UtcDateTime, nullable=True),
    sa.Column("max_redemptions", sa.Integer, nullable=False),
    sa.Column("max_redemptions_per_user", sa.Integer, nullable=False),
    # Orders holding a redemption: the limit check is one conditional UPDATE of this column.
    sa.Column("redemption_count", sa.Integer, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

# One row per order that used a coupon; `released` once the order expired.
coupon_redemptions = sa.Table(
    "coupon_redemptions",
    metadata,
    sa.Column("order_id", ID, primary_key=True),
    sa.Column("coupon_code", sa.String(32), nullable=False),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("released", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index("ix_coupon_redemptions_coupon_user", "coupon_code", "user_id"),
)

ledger_transactions = sa.Table(
    "ledger_transactions",
    metadata,
    sa.Column("id", ID, primary_key=True),
    # What the transaction books ("sale:{order}", "refund:{refund}", ...): once, ever.
    sa.Column("key", sa.String(120), nullable=False, unique=True),
    sa.Column("reference", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

ledger_entries = sa.Table(
    "ledger_entries",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("transaction_id", ID, nullable=False),
    sa.Column("account", sa.String(120), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("amount_minor", sa.BigInteger, nullable=False),  # debit positive, credit negative
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("reference", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index("ix_ledger_entries_account", "account", "id"),
    sa.Index("ix_ledger_entries_transaction", "transaction_id"),
)

payout_batches = sa.Table(
    "payout_batches",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=False, unique=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("total_minor", sa.BigInteger, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("completed_at", UtcDateTime, nullable=True),
)

payouts = sa.Table(
    "payouts",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("amount_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("batch_id", sa.String(36), nullable=False),
    sa.Column("failure_reason", sa.String(500), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("completed_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("user_id", "request_id", name="payouts_user_request_key"),
    sa.Index("ix_payouts_user_created", "user_id", "created_at"),
    sa.Index("ix_payouts_state_currency", "state", "currency"),
    sa.Index("ix_payouts_batch", "batch_id"),
)

# Bank details: `details` is a Fernet token (MultiFernet: the newest key encrypts, all decrypt).
payout_accounts = sa.Table(
    "payout_accounts",
    metadata,
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("details", sa.Text, nullable=False),
    sa.Column("account_last4", sa.String(4), nullable=False),
    sa.Column("country_code", sa.String(2), nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

referral_codes = sa.Table(
    "referral_codes",
    metadata,
    sa.Column("code", sa.String(32), primary_key=True),
    sa.Column("owner_id", sa.String(64), nullable=False),
    sa.Column("commission_bps", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index("ix_referral_codes_owner", "owner_id"),
)

plans = sa.Table(
    "plans",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("display_name", sa.String(100), nullable=False),
    sa.Column("interval", sa.String(16), nullable=False),
    sa.Column("price_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("stripe_price_id", sa.String(255), nullable=False),
    sa.Column("course_ids", sa.JSON, nullable=False),
    sa.Column("all_courses", sa.Boolean, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("plan_id", sa.String(40), nullable=False),
    sa.Column("provider", sa.String(16), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("provider_subscription_id", sa.String(255), nullable=False),
    sa.Column("provider_customer_id", sa.String(255), nullable=False),
    sa.Column("client_secret", sa.String(255), nullable=False),
    sa.Column("current_period_end", UtcDateTime, nullable=True),
    sa.Column("cancel_at_period_end", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("user_id", "request_id", name="subscriptions_user_request_key"),
    sa.Index("ix_subscriptions_provider", "provider", "provider_subscription_id"),
    sa.Index("ix_subscriptions_user_created", "user_id", "created_at"),
)
