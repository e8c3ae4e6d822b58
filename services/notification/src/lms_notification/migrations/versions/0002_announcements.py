"""Course learners (from enrolment events, with their last activity for study reminders),
announcements fanned out in batches, and social digests (a preference and the held items).

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "course_learners",
        sa.Column("course_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        # Study reminders: the learner's last activity, and the reminders since then.
        sa.Column("last_active_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminders_since_active", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_table(
        "announcements",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("author_id", sa.String(64), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("course_id", sa.String(64), nullable=True),
        sa.Column("cursor", sa.String(64), nullable=False, server_default=""),
        sa.Column("queued_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("done", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("author_id", "request_id", name="announcements_author_request_key"),
        sa.Index("ix_announcements_pending", "created_at", postgresql_where=sa.text("NOT done")),
    )

    op.add_column(
        "preferences", sa.Column("social_digest", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_table(
        "digest_items",
        sa.Column("notification_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("digested", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Index(
            "ix_digest_items_pending", "user_id", "created_at", postgresql_where=sa.text("NOT digested")
        ),
    )


def downgrade() -> None:
    op.drop_table("digest_items")
    op.drop_column("preferences", "social_digest")
    op.drop_table("announcements")
    op.drop_table("course_learners")
