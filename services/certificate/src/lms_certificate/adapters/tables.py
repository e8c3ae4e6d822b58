"""The certificate service's tables (SQLAlchemy Core). tests/integration checks them against
the migrations."""

from __future__ import annotations

import sqlalchemy as sa

from lms_kit.types import UtcDateTime

metadata = sa.MetaData()

certificates = sa.Table(
    "certificates",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("course_id", sa.String(64), nullable=False),
    sa.Column("learner_name", sa.String(200), nullable=False),
    sa.Column("course_title", sa.String(300), nullable=False),
    sa.Column("completed_at", UtcDateTime(), nullable=False),
    sa.Column("hours", sa.Float(), nullable=False),
    sa.Column("grade", sa.String(40), nullable=False),
    sa.Column("issued_at", UtcDateTime(), nullable=False),
    sa.Column("template_id", sa.String(64), nullable=False),
    sa.Column("pdf", sa.LargeBinary(), nullable=False),
    sa.Column("pdf_sha256", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("state_changed_at", UtcDateTime(), nullable=True),
    sa.Column("revocation_reason", sa.String(500), nullable=False),
    sa.Column("superseded_by", sa.String(64), nullable=False),
    sa.Column("supersedes", sa.String(64), nullable=False),
    # "<user>:<course>" while current, NULL once superseded: one current certificate per
    # learner and course, whatever redelivers or races.
    sa.Column("current_key", sa.String(140), nullable=True),
    sa.Column("status_index", sa.BigInteger(), sa.Identity(), nullable=False),
    sa.UniqueConstraint("current_key", name="certificates_current_key"),
    sa.UniqueConstraint("status_index", name="certificates_status_index_key"),
    sa.Index("ix_certificates_pdf_sha256", "pdf_sha256", unique=True),
    sa.Index("ix_certificates_user_issued", "user_id", "issued_at", "id"),
    sa.Index("ix_certificates_course_issued", "course_id", "issued_at", "id"),
)

templates = sa.Table(
    "templates",
    metadata,
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
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("created_by", "request_id", name="templates_creator_request_key"),
    sa.Index("ix_templates_course_created", "course_id", "created_at", "id"),
)
