"""The analytics service's tables (SQLAlchemy Core). tests/integration checks them against
the migrations."""

from __future__ import annotations

import sqlalchemy as sa

from lms_kit.types import UtcDateTime

metadata = sa.MetaData()

items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("owner_id", sa.String(64), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    # A retried create (same owner, same request id) finds the first item.
    sa.UniqueConstraint("owner_id", "request_id", name="items_owner_request_key"),
    sa.Index("ix_items_owner_created", "owner_id", "created_at", "id"),
)
