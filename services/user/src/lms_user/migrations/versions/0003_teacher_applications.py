"""Teacher applications: at most one pending per user.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "teacher_applications",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("headline", sa.String(120), nullable=False),
        sa.Column("bio", sa.Text, nullable=False),
        sa.Column("topics", sa.JSON, nullable=False),
        sa.Column("sample_url", sa.String(500), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("submitted_at", TS, nullable=False),
        sa.Column("decided_at", TS, nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("note", sa.String(1000), nullable=False),
    )
    op.create_index(
        "ix_teacher_applications_user_id_submitted_at", "teacher_applications", ["user_id", "submitted_at"]
    )
    op.create_index(
        "ix_teacher_applications_state_submitted_at", "teacher_applications", ["state", "submitted_at"]
    )
    op.create_index(
        "uq_teacher_applications_one_pending",
        "teacher_applications",
        ["user_id"],
        unique=True,
        postgresql_where=sa.text("state = 'pending'"),
    )


def downgrade() -> None:
    op.drop_table("teacher_applications")
