"""The kit's tables plus the tables the tests write domain rows and effects into."""

import sqlalchemy as sa
from alembic import op

from lms_kit.events.schema import create_kit_tables, drop_kit_tables

revision = "0001"
down_revision = None


def upgrade() -> None:
    create_kit_tables(op)
    op.create_table(
        "widgets",
        sa.Column("widget_id", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
    )
    # No unique key on purpose: a handler that ran twice would leave two rows.
    op.create_table(
        "widget_effects",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("widget_id", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("widget_effects")
    op.drop_table("widgets")
    drop_kit_tables(op)
