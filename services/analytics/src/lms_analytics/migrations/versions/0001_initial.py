"""The kit's outbox and inbox, and the items table.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

from lms_kit.events.schema import create_kit_tables, drop_kit_tables

revision = "0001"
down_revision = None


def upgrade() -> None:
    create_kit_tables(op)
    op.create_table(
        "items",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("owner_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("owner_id", "request_id", name="items_owner_request_key"),
    )
    op.create_index("ix_items_owner_created", "items", ["owner_id", "created_at", "id"])


def downgrade() -> None:
    op.drop_table("items")
    drop_kit_tables(op)
