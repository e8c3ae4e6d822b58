"""Orders, provider events; kit outbox/inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from lms_kit.events.schema import create_kit_tables, drop_kit_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = sa.String(36)

# The schema as of this revision (frozen: later revisions alter it, never this copy).
metadata = sa.MetaData()

sa.Table(
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
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    sa.Column("paid_at", TS, nullable=True),
    sa.Column("fulfilled_at", TS, nullable=True),
    sa.UniqueConstraint("user_id", "request_id", name="orders_user_request_key"),
    sa.Index("ix_orders_provider_payment", "provider", "provider_payment_id"),
    sa.Index("ix_orders_user_created", "user_id", "created_at"),
)

sa.Table(
    "provider_events",
    metadata,
    sa.Column("provider", sa.String(16), primary_key=True),
    sa.Column("event_id", sa.String(255), primary_key=True),
    sa.Column("event_type", sa.String(100), nullable=False),
    sa.Column("order_id", sa.String(36), nullable=True),
    sa.Column("outcome", sa.String(32), nullable=False),
    sa.Column("received_at", TS, nullable=False),
)


def upgrade() -> None:
    create_kit_tables(op)
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
    drop_kit_tables(op)
