"""The service's tables (SQLAlchemy Core). The migrations create them; a test
proves that the migrated schema and these definitions agree."""

from __future__ import annotations

import sqlalchemy as sa

from lms_kit.types import UtcDateTime

metadata = sa.MetaData()


users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("email_verified", sa.Boolean, nullable=False),
    sa.Column("display_name", sa.String(100), nullable=False),
    sa.Column("bio", sa.Text, nullable=False),
    sa.Column("avatar", sa.String(200), nullable=False),
    sa.Column("roles", sa.JSON, nullable=False),
    sa.Column("register_request_id", sa.String(64), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("email", name="users_email_key"),
    sa.UniqueConstraint("register_request_id", name="users_register_request_id_key"),
)

credentials = sa.Table(
    "credentials",
    metadata,
    sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
    sa.Column("revoke_reason", sa.String(32), nullable=False),
    sa.Index("ix_sessions_user_id", "user_id"),
)

refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("session_id", sa.String(36), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", sa.String(36), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("used_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("token_hash", name="refresh_tokens_token_hash_key"),
    sa.Index("ix_refresh_tokens_session_id", "session_id"),
)

signing_keys = sa.Table(
    "signing_keys",
    metadata,
    sa.Column("kid", sa.String(64), primary_key=True),
    sa.Column("algorithm", sa.String(16), nullable=False),
    sa.Column("public_jwk", sa.JSON, nullable=False),
    # PKCS#8 PEM, encrypted with Fernet (settings.signing_key_encryption_keys).
    sa.Column("private_key", sa.LargeBinary, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("activates_at", UtcDateTime, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("occurred_at", UtcDateTime, nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("user_id", sa.String(36), nullable=True),
    sa.Column("actor_id", sa.String(64), nullable=True),
    sa.Column("ip", sa.String(64), nullable=False),
    sa.Column("user_agent", sa.String(512), nullable=False),
    sa.Column("details", sa.JSON, nullable=False),
    sa.Index("ix_audit_log_user_id_occurred_at", "user_id", "occurred_at"),
    sa.Index("ix_audit_log_occurred_at", "occurred_at"),
)
