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
    sa.Column("status", sa.String(16), nullable=False, server_default="active"),
    sa.Column("status_changed_at", UtcDateTime, nullable=True),
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
    sa.Index("ix_audit_log_action_occurred_at", "action", "occurred_at"),
)

# Mailed single-use tokens (email verification, password reset): only the SHA-256.
one_time_tokens = sa.Table(
    "one_time_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("purpose", sa.String(32), nullable=False),
    sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("used_at", UtcDateTime, nullable=True),
    sa.Index("ix_one_time_tokens_user_purpose_created", "user_id", "purpose", "created_at"),
)

totp_factors = sa.Table(
    "totp_factors",
    metadata,
    sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    # The base32 secret, encrypted with Fernet (the signing keys' encryption keys).
    sa.Column("secret", sa.LargeBinary, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("confirmed_at", UtcDateTime, nullable=True),
    sa.Column("last_used_step", sa.BigInteger, nullable=False),
)

recovery_codes = sa.Table(
    "recovery_codes",
    metadata,
    sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("used_at", UtcDateTime, nullable=True),
)

mfa_challenges = sa.Table(
    "mfa_challenges",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("provider", sa.String(32), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("used_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("token_hash", name="mfa_challenges_token_hash_key"),
)

follows = sa.Table(
    "follows",
    metadata,
    sa.Column("follower_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("followee_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index("ix_follows_followee_created", "followee_id", "created_at"),
    sa.Index("ix_follows_follower_created", "follower_id", "created_at"),
)

external_identities = sa.Table(
    "external_identities",
    metadata,
    sa.Column("provider", sa.String(32), primary_key=True),
    sa.Column("subject", sa.String(128), primary_key=True),
    sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index("ix_external_identities_user_id", "user_id"),
)

service_clients = sa.Table(
    "service_clients",
    metadata,
    sa.Column("client_id", sa.String(64), primary_key=True),
    sa.Column("service", sa.String(64), nullable=False),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

# Applications for the teacher role; at most one pending per user (partial unique index).
teacher_applications = sa.Table(
    "teacher_applications",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("headline", sa.String(120), nullable=False),
    sa.Column("bio", sa.Text, nullable=False),
    sa.Column("topics", sa.JSON, nullable=False),
    sa.Column("sample_url", sa.String(500), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("submitted_at", UtcDateTime, nullable=False),
    sa.Column("decided_at", UtcDateTime, nullable=True),
    sa.Column("decided_by", sa.String(64), nullable=False),
    sa.Column("note", sa.String(1000), nullable=False),
    sa.Index("ix_teacher_applications_user_id_submitted_at", "user_id", "submitted_at"),
    sa.Index("ix_teacher_applications_state_submitted_at", "state", "submitted_at"),
    sa.Index(
        "uq_teacher_applications_one_pending",
        "user_id",
        unique=True,
        postgresql_where=sa.text("state = 'pending'"),
    ),
)
