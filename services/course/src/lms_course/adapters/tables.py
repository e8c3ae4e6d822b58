"""The service's tables (SQLAlchemy Core). Migration 0001 creates them from a frozen
copy; a test proves that the migrated schema and these definitions agree.

Search columns live outside this metadata because they differ per dialect:
PostgreSQL has `courses.search_vector` (a generated tsvector with a GIN index),
SQLite has the FTS5 table `course_fts`, kept in step by triggers.
"""

from __future__ import annotations

import sqlalchemy as sa

from lms_kit.types import UtcDateTime

metadata = sa.MetaData()

ID = sa.String(36)

categories = sa.Table(
    "categories",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("parent_id", ID, sa.ForeignKey("categories.id"), nullable=True),
    sa.Column("slug", sa.String(80), nullable=False),
    sa.Column("display_name", sa.String(100), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    # Materialised path `/root/.../id/`: a subtree is a prefix match.
    sa.Column("path", sa.String(1000), nullable=False),
    sa.UniqueConstraint("slug", name="categories_slug_key"),
    sa.Index("ix_categories_path", "path"),
    sa.Index("ix_categories_parent_id_position", "parent_id", "position"),
)

courses = sa.Table(
    "courses",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("owner_id", sa.String(64), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("subtitle", sa.String(300), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("category_id", ID, sa.ForeignKey("categories.id"), nullable=True),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("language", sa.String(35), nullable=False),
    sa.Column("tags", sa.JSON, nullable=False),
    sa.Column("tags_text", sa.Text, nullable=False),  # space-joined, for full-text search
    sa.Column("thumbnail", sa.String(200), nullable=False),
    sa.Column("price_amount_minor", sa.BigInteger, nullable=False),
    sa.Column("price_currency", sa.String(3), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("instructor_ids", sa.JSON, nullable=False),
    sa.Column("create_request_id", sa.String(64), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("published_at", UtcDateTime, nullable=True),
    # Rating aggregate, changed only by atomic increments in the review's transaction.
    sa.Column("rating_count", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("rating_total", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("rating_1", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("rating_2", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("rating_3", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("rating_4", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("rating_5", sa.BigInteger, nullable=False, server_default="0"),
    # Mean rating x 1000, rounded down: an integer sort key for "top rated".
    sa.Column("rating_score", sa.Integer, nullable=False, server_default="0"),
    sa.Column("enrollment_count", sa.BigInteger, nullable=False, server_default="0"),
    # Learner refund window in days; NULL: the payment service's default (migration 0002).
    sa.Column("refund_window_days", sa.Integer, nullable=True),
    sa.UniqueConstraint("create_request_id", name="courses_create_request_id_key"),
    sa.Index("ix_courses_owner_id", "owner_id"),
    sa.Index("ix_courses_category_id", "category_id"),
    sa.Index("ix_courses_state_published_at_id", "state", "published_at", "id"),
    sa.Index("ix_courses_state_rating_score_id", "state", "rating_score", "id"),
    sa.Index("ix_courses_state_enrollment_count_id", "state", "enrollment_count", "id"),
)

course_prerequisites = sa.Table(
    "course_prerequisites",
    metadata,
    sa.Column("course_id", ID, sa.ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("required_course_id", ID, sa.ForeignKey("courses.id"), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
)

chapters = sa.Table(
    "chapters",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("course_id", ID, sa.ForeignKey("courses.id", ondelete="CASCADE"), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index("ix_chapters_course_id_position", "course_id", "position"),
)

lectures = sa.Table(
    "lectures",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("course_id", ID, sa.ForeignKey("courses.id", ondelete="CASCADE"), nullable=False),
    sa.Column("chapter_id", ID, sa.ForeignKey("chapters.id", ondelete="CASCADE"), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("free_preview", sa.Boolean, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("asset", sa.String(200), nullable=False),
    sa.Column("duration_s", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Index("ix_lectures_chapter_id_position", "chapter_id", "position"),
    sa.Index("ix_lectures_course_id", "course_id"),
)

enrollments = sa.Table(
    "enrollments",
    metadata,
    sa.Column("course_id", ID, sa.ForeignKey("courses.id"), primary_key=True),
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("order_id", sa.String(64), nullable=True),
    sa.Column("enrolled_at", UtcDateTime, nullable=False),
    sa.Column("ended_at", UtcDateTime, nullable=True),
    # Set once, by a conditional update, when the last lecture is completed.
    sa.Column("completed_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("order_id", name="enrollments_order_id_key"),
    sa.Index("ix_enrollments_user_id_enrolled_at", "user_id", "enrolled_at", "course_id"),
    sa.Index("ix_enrollments_course_id_enrolled_at", "course_id", "enrolled_at", "user_id"),
)

lecture_progress = sa.Table(
    "lecture_progress",
    metadata,
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("lecture_id", ID, primary_key=True),
    sa.Column("course_id", ID, nullable=False),
    # Only ever raised (GREATEST/MAX upsert): heartbeats may arrive late or twice.
    sa.Column("position_s", sa.Integer, nullable=False),
    sa.Column("completed_at", UtcDateTime, nullable=True),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index("ix_lecture_progress_user_id_course_id", "user_id", "course_id"),
)

reviews = sa.Table(
    "reviews",
    metadata,
    sa.Column("course_id", ID, sa.ForeignKey("courses.id"), primary_key=True),
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("rating", sa.SmallInteger, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("reply", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("replied_at", UtcDateTime, nullable=True),
    sa.Index("ix_reviews_course_id_created_at", "course_id", "created_at", "user_id"),
)
