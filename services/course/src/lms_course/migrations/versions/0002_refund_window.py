"""Per-course learner refund window: courses.refund_window_days (NULL: the payment
service's default).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("courses", sa.Column("refund_window_days", sa.Integer, nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite >= 3.35 has it): batch mode would rebuild `courses`
    # and lose the FTS5 triggers of 0001.
    op.drop_column("courses", "refund_window_days")
