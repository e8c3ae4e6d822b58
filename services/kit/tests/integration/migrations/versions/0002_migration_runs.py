"""Counts how often this revision ran: concurrent start-ups must run it exactly once."""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    runs = op.create_table("migration_runs", sa.Column("revision", sa.String(16), nullable=False))
    op.bulk_insert(runs, [{"revision": revision}])


def downgrade() -> None:
    op.drop_table("migration_runs")
