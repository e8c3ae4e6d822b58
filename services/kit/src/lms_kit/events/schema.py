"""The kit's own tables, which live in every service's database.

`outbox`: events committed with the domain rows, waiting for (or done with) publication.
`inbox`: the events each consumer has handled, so a redelivery has no second effect.

The Table objects are what the code uses. `create_kit_tables(op)` is the frozen DDL of
kit schema version 1, called from a service's first Alembic revision; a later change to
these tables ships as a new function (e.g. `upgrade_kit_tables_v2(op)`) for a new revision,
never as an edit of this one. A test proves the two agree.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData()

_Sequence = sa.BigInteger()

outbox = sa.Table(
    "kit_outbox",
    metadata,
    sa.Column("sequence", _Sequence, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(64), nullable=False),
    sa.Column("event_type", sa.String(255), nullable=False),
    sa.Column("subject", sa.String(255), nullable=False),
    sa.Column("headers", sa.JSON(), nullable=False),
    sa.Column("payload", sa.LargeBinary(), nullable=False),
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    sa.UniqueConstraint("event_id", name="kit_outbox_event_id_key"),
    # The relay only ever scans unpublished rows, in order: keep that index tiny.
    sa.Index(
        "ix_kit_outbox_unpublished",
        "sequence",
        postgresql_where=sa.text("published_at IS NULL"),
    ),
)

inbox = sa.Table(
    "kit_inbox",
    metadata,
    sa.Column("consumer", sa.String(128), primary_key=True),
    sa.Column("event_id", sa.String(64), primary_key=True),
    sa.Column("event_type", sa.String(255), nullable=False),
    sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
)


def create_kit_tables(op: Any) -> None:
    """Create the outbox and inbox (kit schema v1) from a service's Alembic revision."""
    op.create_table(
        "kit_outbox",
        sa.Column("sequence", _Sequence, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(255), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("event_id", name="kit_outbox_event_id_key"),
    )
    op.create_index(
        "ix_kit_outbox_unpublished",
        "kit_outbox",
        ["sequence"],
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "kit_inbox",
        sa.Column("consumer", sa.String(128), primary_key=True),
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("event_type", sa.String(255), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
    )


def drop_kit_tables(op: Any) -> None:
    """The downgrade of `create_kit_tables`."""
    op.drop_table("kit_inbox")
    op.drop_index("ix_kit_outbox_unpublished", table_name="kit_outbox")
    op.drop_table("kit_outbox")
