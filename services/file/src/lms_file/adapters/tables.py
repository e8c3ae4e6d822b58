"""The file service's tables (SQLAlchemy Core). tests/integration checks them against
the migrations."""

from __future__ import annotations

import sqlalchemy as sa

from lms_kit.types import UtcDateTime

metadata = sa.MetaData()

files = sa.Table(
    "files",
    metadata,
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
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("upload_expires_at", UtcDateTime(), nullable=True),
    sa.Column("confirmed_at", UtcDateTime(), nullable=True),
    sa.Column("deleted_at", UtcDateTime(), nullable=True),
    sa.Column("purge_at", UtcDateTime(), nullable=True),
    # A retried CreateUpload (same owner, same request id) finds the first file.
    sa.UniqueConstraint("owner_id", "request_id", name="files_owner_request_key"),
    sa.Index("ix_files_owner_created", "owner_id", "created_at", "id"),
    sa.Index("ix_files_state_expiry", "state", "upload_expires_at"),
    sa.Index("ix_files_state_purge", "state", "purge_at"),
)

file_variants = sa.Table(
    "file_variants",
    metadata,
    sa.Column("file_id", sa.String(64), sa.ForeignKey("files.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("content_type", sa.String(127), nullable=False),
    sa.Column("width", sa.Integer(), nullable=False),
    sa.Column("height", sa.Integer(), nullable=False),
    sa.Column("size_bytes", sa.BigInteger(), nullable=False),
)

file_references = sa.Table(
    "file_references",
    metadata,
    sa.Column("file_id", sa.String(64), sa.ForeignKey("files.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("referrer", sa.String(512), primary_key=True),
)

video_jobs = sa.Table(
    "video_jobs",
    metadata,
    sa.Column("file_id", sa.String(64), sa.ForeignKey("files.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("lease_until", UtcDateTime(), nullable=True),
    sa.Column("mux_asset_id", sa.String(128), nullable=False),
    sa.Column("playback_id", sa.String(128), nullable=False),
    sa.Column("error", sa.String(500), nullable=False),
    sa.Column("queued_at", UtcDateTime(), nullable=False),
    sa.Index("ix_video_jobs_state", "state", "queued_at"),
    sa.Index("ix_video_jobs_mux_asset", "mux_asset_id"),
)

# Mux webhook deliveries already handled: a replay finds its id here and changes nothing.
mux_events = sa.Table(
    "mux_events",
    metadata,
    sa.Column("event_id", sa.String(128), primary_key=True),
    sa.Column("received_at", UtcDateTime(), nullable=False),
)
