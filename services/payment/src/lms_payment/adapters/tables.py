"""The service's tables (SQLAlchemy Core). Migration 0001 creates them from a frozen copy."""

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
    # AIP-155: one order per (learner, request id), so a retried CreateOrder finds the first.
    sa.UniqueConstraint("user_id", "request_id", name="orders_user_request_key"),
    sa.Index("ix_orders_provider_payment", "provider", "provider_payment_id"),
    sa.Index("ix_orders_user_created", "user_id", "created_at"),
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
