"""The notification service's tables (SQLAlchemy Core). tests/integration checks them against
the migrations."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from lms_kit.types import UtcDateTime

metadata = sa.MetaData()

recipients = sa.Table(
    "recipients",
    metadata,
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("email", sa.String(320), nullable=False, server_default=""),
    sa.Column("display_name", sa.String(200), nullable=False, server_default=""),
    sa.Column("phone_number", sa.String(16), nullable=False, server_default=""),
    sa.Column("device_tokens", JSONB(), nullable=False, server_default=sa.text("'[]'::jsonb")),
)

courses = sa.Table(
    "courses",
    metadata,
    sa.Column("course_id", sa.String(64), primary_key=True),
    sa.Column("owner_id", sa.String(64), nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
)

preferences = sa.Table(
    "preferences",
    metadata,
    sa.Column("user_id", sa.String(64), primary_key=True),
    # ["learning:email", ...]: the channels turned off per category.
    sa.Column("opt_outs", JSONB(), nullable=False, server_default=sa.text("'[]'::jsonb")),
    sa.Column("time_zone", sa.String(64), nullable=False, server_default="UTC"),
    sa.Column("quiet_start_minute", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("quiet_end_minute", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("marketing_unsubscribed", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("locale", sa.String(35), nullable=False, server_default=""),
    sa.Column("social_digest", sa.Boolean(), nullable=False, server_default=sa.false()),
)

templates = sa.Table(
    "templates",
    metadata,
    sa.Column("type", sa.String(64), primary_key=True),
    sa.Column("channel", sa.String(16), primary_key=True),
    sa.Column("locale", sa.String(35), primary_key=True),
    sa.Column("subject", sa.Text(), nullable=False),
    sa.Column("text_body", sa.Text(), nullable=False),
    sa.Column("html_body", sa.Text(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

notifications = sa.Table(
    "notifications",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("idempotency_key", sa.String(200), nullable=False),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("category", sa.String(16), nullable=False),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("idempotency_key", name="notifications_idempotency_key_key"),
    sa.Index("ix_notifications_user_created", "user_id", "created_at", "id"),
    sa.Index("ix_notifications_created", "created_at", "id"),
)

deliveries = sa.Table(
    "deliveries",
    metadata,
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
    sa.Column("due_at", UtcDateTime(), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text(), nullable=False, server_default=""),
    sa.Column("suppressed_by", sa.String(32), nullable=False, server_default=""),
    # A worker's claim: who holds it (a random token per batch) and until when.
    sa.Column("lease", sa.String(64), nullable=True),
    sa.Column("lease_until", UtcDateTime(), nullable=True),
    sa.Column("sent_at", UtcDateTime(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_deliveries_notification", "notification_id"),
    # The workers' queue: pending deliveries by due time.
    sa.Index(
        "ix_deliveries_pending_due",
        "due_at",
        postgresql_where=sa.text("status IN ('queued', 'scheduled')"),
    ),
    sa.Index("ix_deliveries_dead", "created_at", "id", postgresql_where=sa.text("status = 'dead'")),
)

inbox_items = sa.Table(
    "inbox_items",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("notification_id", sa.String(64), nullable=False),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("title", sa.Text(), nullable=False),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("read", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    # One item per notification, however often its delivery is retried.
    sa.UniqueConstraint("notification_id", name="inbox_items_notification_key"),
    sa.Index("ix_inbox_user_created", "user_id", "created_at", "id"),
)

# Who learns in which course (from the course service's enrolment events): announcement audiences.
course_learners = sa.Table(
    "course_learners",
    metadata,
    sa.Column("course_id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(64), primary_key=True),
    # Study reminders: the learner's last activity, and the reminders since then.
    sa.Column("last_active_at", UtcDateTime(), nullable=True),
    sa.Column("reminded_at", UtcDateTime(), nullable=True),
    sa.Column("reminders_since_active", sa.Integer(), nullable=False, server_default="0"),
)

announcements = sa.Table(
    "announcements",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("author_id", sa.String(64), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("message", sa.Text(), nullable=False),
    sa.Column("course_id", sa.String(64), nullable=True),
    sa.Column("cursor", sa.String(64), nullable=False, server_default=""),
    sa.Column("queued_count", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("done", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("author_id", "request_id", name="announcements_author_request_key"),
    sa.Index("ix_announcements_pending", "created_at", postgresql_where=sa.text("NOT done")),
)

# What waits for a user's next digest: one line per notification held back.
digest_items = sa.Table(
    "digest_items",
    metadata,
    sa.Column("notification_id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("line", sa.Text(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("digested", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Index("ix_digest_items_pending", "user_id", "created_at", postgresql_where=sa.text("NOT digested")),
)
