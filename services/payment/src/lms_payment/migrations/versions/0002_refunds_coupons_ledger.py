"""Discounts, referrals and refunds on orders; refunds, coupons and their redemptions, the
double-entry ledger and balances, payouts and batches, payout accounts, referral codes,
plans and subscriptions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = sa.String(36)

ORDER_COLUMNS: list[sa.Column[Any]] = [
    sa.Column("list_price_minor", sa.BigInteger, nullable=True),
    sa.Column("coupon_code", sa.String(32), nullable=False, server_default=""),
    sa.Column("referral_code", sa.String(32), nullable=False, server_default=""),
    sa.Column("referrer_id", sa.String(64), nullable=False, server_default=""),
    sa.Column("commission_bps", sa.Integer, nullable=False, server_default="0"),
    sa.Column("teacher_id", sa.String(64), nullable=False, server_default=""),
    sa.Column("platform_fee_bps", sa.Integer, nullable=False, server_default="0"),
    sa.Column("refundable_until", TS, nullable=True),
    sa.Column("transaction_id", sa.String(255), nullable=False, server_default=""),
    sa.Column("refunded_minor", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("refund_pending_minor", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("state_reason", sa.String(500), nullable=False, server_default=""),
]

# The new tables as of this revision (frozen: later revisions alter them, never this copy).
metadata = sa.MetaData()

sa.Table(
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
    sa.Column("created_at", TS, nullable=False),
    sa.Column("completed_at", TS, nullable=True),
    sa.UniqueConstraint("order_id", "request_id", name="refunds_order_request_key"),
    sa.Index("ix_refunds_provider_refund", "provider_refund_id"),
    sa.Index("ix_refunds_state_created", "state", "created_at"),
)

sa.Table(
    "coupons",
    metadata,
    sa.Column("code", sa.String(32), primary_key=True),
    sa.Column("percent_off", sa.Integer, nullable=False),
    sa.Column("amount_off_minor", sa.BigInteger, nullable=True),
    sa.Column("amount_off_currency", sa.String(3), nullable=True),
    sa.Column("course_id", sa.String(64), nullable=False),
    sa.Column("starts_at", TS, nullable=True),
    sa.Column("ends_at", TS, nullable=True),
    sa.Column("max_redemptions", sa.Integer, nullable=False),
    sa.Column("max_redemptions_per_user", sa.Integer, nullable=False),
    # Orders holding a redemption: the limit check is one conditional UPDATE of this column.
    sa.Column("redemption_count", sa.Integer, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", TS, nullable=False),
)

# One row per order that used a coupon; `released` once the order expired.
sa.Table(
    "coupon_redemptions",
    metadata,
    sa.Column("order_id", ID, primary_key=True),
    sa.Column("coupon_code", sa.String(32), nullable=False),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("released", sa.Boolean, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Index("ix_coupon_redemptions_coupon_user", "coupon_code", "user_id"),
)

sa.Table(
    "ledger_transactions",
    metadata,
    sa.Column("id", ID, primary_key=True),
    # What the transaction books ("sale:{order}", "refund:{refund}", ...): once, ever.
    sa.Column("key", sa.String(120), nullable=False, unique=True),
    sa.Column("reference", sa.String(200), nullable=False),
    sa.Column("created_at", TS, nullable=False),
)

sa.Table(
    "ledger_entries",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("transaction_id", ID, nullable=False),
    sa.Column("account", sa.String(120), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("amount_minor", sa.BigInteger, nullable=False),  # debit positive, credit negative
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("reference", sa.String(200), nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Index("ix_ledger_entries_account", "account", "id"),
    sa.Index("ix_ledger_entries_transaction", "transaction_id"),
)

sa.Table(
    "payout_batches",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=False, unique=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("total_minor", sa.BigInteger, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("completed_at", TS, nullable=True),
)

sa.Table(
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
    sa.Column("created_at", TS, nullable=False),
    sa.Column("completed_at", TS, nullable=True),
    sa.UniqueConstraint("user_id", "request_id", name="payouts_user_request_key"),
    sa.Index("ix_payouts_user_created", "user_id", "created_at"),
    sa.Index("ix_payouts_state_currency", "state", "currency"),
    sa.Index("ix_payouts_batch", "batch_id"),
)

# Bank details: `details` is a Fernet token (MultiFernet: the newest key encrypts, all decrypt).
sa.Table(
    "payout_accounts",
    metadata,
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("details", sa.Text, nullable=False),
    sa.Column("account_last4", sa.String(4), nullable=False),
    sa.Column("country_code", sa.String(2), nullable=False),
    sa.Column("updated_at", TS, nullable=False),
)

sa.Table(
    "referral_codes",
    metadata,
    sa.Column("code", sa.String(32), primary_key=True),
    sa.Column("owner_id", sa.String(64), nullable=False),
    sa.Column("commission_bps", sa.Integer, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Index("ix_referral_codes_owner", "owner_id"),
)

sa.Table(
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
    sa.Column("created_at", TS, nullable=False),
)

sa.Table(
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
    sa.Column("current_period_end", TS, nullable=True),
    sa.Column("cancel_at_period_end", sa.Boolean, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    sa.UniqueConstraint("user_id", "request_id", name="subscriptions_user_request_key"),
    sa.Index("ix_subscriptions_provider", "provider", "provider_subscription_id"),
    sa.Index("ix_subscriptions_user_created", "user_id", "created_at"),
)


def upgrade() -> None:
    for column in ORDER_COLUMNS:
        op.add_column("orders", column)
    op.create_index("ix_orders_state_created", "orders", ["state", "created_at"])
    op.create_index("ix_orders_created", "orders", ["created_at"])
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
    op.drop_index("ix_orders_created", "orders")
    op.drop_index("ix_orders_state_created", "orders")
    with op.batch_alter_table("orders") as batch:
        for column in ORDER_COLUMNS:
            batch.drop_column(column.name)
