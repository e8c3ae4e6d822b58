"""The kit's outbox and inbox; recipients, courses, preferences, templates, notifications,
their deliveries (the durable delivery queue) and the in-app inbox.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from lms_kit.events.schema import create_kit_tables, drop_kit_tables

revision = "0001"
down_revision = None


def upgrade() -> None:
    create_kit_tables(op)
    op.create_table(
        "recipients",
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False, server_default=""),
        sa.Column("display_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("phone_number", sa.String(16), nullable=False, server_default=""),
        sa.Column("device_tokens", JSONB(), nullable=False, server_default=sa.text("'[]'::jsonb")),
    )

    op.create_table(
        "courses",
        sa.Column("course_id", sa.String(64), primary_key=True),
        sa.Column("owner_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
    )

    op.create_table(
        "preferences",
        sa.Column("user_id", sa.String(64), primary_key=True),
        # ["learning:email", ...]: the channels turned off per category.
        sa.Column("opt_outs", JSONB(), nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("time_zone", sa.String(64), nullable=False, server_default="UTC"),
        sa.Column("quiet_start_minute", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("quiet_end_minute", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("marketing_unsubscribed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("locale", sa.String(35), nullable=False, server_default=""),
    )

    op.create_table(
        "templates",
        sa.Column("type", sa.String(64), primary_key=True),
        sa.Column("channel", sa.String(16), primary_key=True),
        sa.Column("locale", sa.String(35), primary_key=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )

    op.create_table(
        "notifications",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("idempotency_key", name="notifications_idempotency_key_key"),
        sa.Index("ix_notifications_user_created", "user_id", "created_at", "id"),
        sa.Index("ix_notifications_created", "created_at", "id"),
    )

    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "notification_id",
            sa.String(64),
            sa.ForeignKey("notifications.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("unsubscribe_url", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=False, server_default=""),
        sa.Column("suppressed_by", sa.String(32), nullable=False, server_default=""),
        # A worker's claim: who holds it (a random token per batch) and until when.
        sa.Column("lease", sa.String(64), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_deliveries_notification", "notification_id"),
        # The workers' queue: pending deliveries by due time.
        sa.Index(
            "ix_deliveries_pending_due",
            "due_at",
            postgresql_where=sa.text("status IN ('queued', 'scheduled')"),
        ),
        sa.Index("ix_deliveries_dead", "created_at", "id", postgresql_where=sa.text("status = 'dead'")),
    )

    op.create_table(
        "inbox_items",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("notification_id", sa.String(64), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("read", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        # One item per notification, however often its delivery is retried.
        sa.UniqueConstraint("notification_id", name="inbox_items_notification_key"),
        sa.Index("ix_inbox_user_created", "user_id", "created_at", "id"),
    )


def downgrade() -> None:
    for table in (
        "inbox_items",
        "deliveries",
        "notifications",
        "templates",
        "preferences",
        "courses",
        "recipients",
    ):
        op.drop_table(table)
    drop_kit_tables(op)
