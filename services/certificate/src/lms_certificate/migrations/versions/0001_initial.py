"""The kit's outbox and inbox, certificates and templates.

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
        "certificates",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("course_id", sa.String(64), nullable=False),
        sa.Column("learner_name", sa.String(200), nullable=False),
        sa.Column("course_title", sa.String(300), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("grade", sa.String(40), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("template_id", sa.String(64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("state_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revocation_reason", sa.String(500), nullable=False),
        sa.Column("superseded_by", sa.String(64), nullable=False),
        sa.Column("supersedes", sa.String(64), nullable=False),
        sa.Column("current_key", sa.String(140), nullable=True),
        sa.Column("status_index", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.UniqueConstraint("current_key", name="certificates_current_key"),
        sa.UniqueConstraint("status_index", name="certificates_status_index_key"),
    )
    op.create_index("ix_certificates_pdf_sha256", "certificates", ["pdf_sha256"], unique=True)
    op.create_index("ix_certificates_user_issued", "certificates", ["user_id", "issued_at", "id"])
    op.create_index("ix_certificates_course_issued", "certificates", ["course_id", "issued_at", "id"])
    op.create_table(
        "templates",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("course_id", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("orientation", sa.String(16), nullable=False),
        sa.Column("page_size", sa.String(16), nullable=False),
        sa.Column("font_family", sa.String(100), nullable=False),
        sa.Column("placements", sa.JSON(), nullable=False),
        sa.Column("signature_image", sa.LargeBinary(), nullable=False),
        sa.Column("logo_image", sa.LargeBinary(), nullable=False),
        sa.Column("background_image", sa.LargeBinary(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("created_by", "request_id", name="templates_creator_request_key"),
    )
    op.create_index("ix_templates_course_created", "templates", ["course_id", "created_at", "id"])


def downgrade() -> None:
    op.drop_table("templates")
    op.drop_table("certificates")
    drop_kit_tables(op)
