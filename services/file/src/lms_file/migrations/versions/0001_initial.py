"""The kit's outbox and inbox; files, their variants and references, video jobs, handled Mux webhooks.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

from lms_kit.events.schema import create_kit_tables, drop_kit_tables

revision = "0001"
down_revision = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    create_kit_tables(op)
    op.create_table(
        "files",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("owner_id", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("content_type", sa.String(127), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("multipart_upload_id", sa.String(1024), nullable=True),
        sa.Column("part_size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("failure_reason", sa.String(64), nullable=False),
        sa.Column("duration_seconds", sa.BigInteger(), nullable=False),
        sa.Column("mux_playback_id", sa.String(128), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("upload_expires_at", TIME, nullable=True),
        sa.Column("confirmed_at", TIME, nullable=True),
        sa.Column("deleted_at", TIME, nullable=True),
        sa.Column("purge_at", TIME, nullable=True),
        sa.UniqueConstraint("owner_id", "request_id", name="files_owner_request_key"),
    )
    op.create_index("ix_files_owner_created", "files", ["owner_id", "created_at", "id"])
    op.create_index("ix_files_state_expiry", "files", ["state", "upload_expires_at"])
    op.create_index("ix_files_state_purge", "files", ["state", "purge_at"])
    op.create_table(
        "file_variants",
        sa.Column("file_id", sa.String(64), sa.ForeignKey("files.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("content_type", sa.String(127), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "file_references",
        sa.Column("file_id", sa.String(64), sa.ForeignKey("files.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("referrer", sa.String(512), primary_key=True),
    )
    op.create_table(
        "video_jobs",
        sa.Column("file_id", sa.String(64), sa.ForeignKey("files.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", TIME, nullable=True),
        sa.Column("mux_asset_id", sa.String(128), nullable=False),
        sa.Column("playback_id", sa.String(128), nullable=False),
        sa.Column("error", sa.String(500), nullable=False),
        sa.Column("queued_at", TIME, nullable=False),
    )
    op.create_index("ix_video_jobs_state", "video_jobs", ["state", "queued_at"])
    op.create_index("ix_video_jobs_mux_asset", "video_jobs", ["mux_asset_id"])
    op.create_table(
        "mux_events",
        sa.Column("event_id", sa.String(128), primary_key=True),
        sa.Column("received_at", TIME, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("mux_events")
    op.drop_table("video_jobs")
    op.drop_table("file_references")
    op.drop_table("file_variants")
    op.drop_table("files")
    drop_kit_tables(op)
