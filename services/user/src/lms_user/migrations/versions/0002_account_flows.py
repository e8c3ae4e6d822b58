"""One-time tokens, TOTP factors, recovery codes, MFA challenges, follows, external
identities, service clients; audit index by action.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _user_fk(*, primary_key: bool = False, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(
        "user_id",
        sa.String(36),
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=nullable,
    )


def upgrade() -> None:
    op.create_table(
        "one_time_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("purpose", sa.String(32), nullable=False),
        _user_fk(nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS, nullable=True),
    )
    op.create_index(
        "ix_one_time_tokens_user_purpose_created", "one_time_tokens", ["user_id", "purpose", "created_at"]
    )
    op.create_table(
        "totp_factors",
        _user_fk(primary_key=True),
        sa.Column("secret", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("confirmed_at", TS, nullable=True),
        sa.Column("last_used_step", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "recovery_codes",
        _user_fk(primary_key=True),
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("used_at", TS, nullable=True),
    )
    op.create_table(
        "mfa_challenges",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        _user_fk(nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("used_at", TS, nullable=True),
        sa.UniqueConstraint("token_hash", name="mfa_challenges_token_hash_key"),
    )
    op.create_table(
        "follows",
        sa.Column(
            "follower_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "followee_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_follows_followee_created", "follows", ["followee_id", "created_at"])
    op.create_index("ix_follows_follower_created", "follows", ["follower_id", "created_at"])
    op.create_table(
        "external_identities",
        sa.Column("provider", sa.String(32), primary_key=True),
        sa.Column("subject", sa.String(128), primary_key=True),
        _user_fk(nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_external_identities_user_id", "external_identities", ["user_id"])
    op.create_table(
        "service_clients",
        sa.Column("client_id", sa.String(64), primary_key=True),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_audit_log_action_occurred_at", "audit_log", ["action", "occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_action_occurred_at", table_name="audit_log")
    for table in (
        "service_clients",
        "external_identities",
        "follows",
        "mfa_challenges",
        "recovery_codes",
        "totp_factors",
        "one_time_tokens",
    ):
        op.drop_table(table)
