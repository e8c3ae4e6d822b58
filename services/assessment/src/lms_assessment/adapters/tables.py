"""The assessment service's tables (SQLAlchemy Core). tests/integration checks them against
the migrations. Question bodies, quiz definitions and attempt documents are JSONB: they are
read and written whole, by one aggregate; what SQL must query (state, deadline, per-answer
scores for the grading queue and statistics) has its own columns."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from lms_kit.types import UtcDateTime

metadata = sa.MetaData()

banks = sa.Table(
    "banks",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("course_id", sa.String(64), nullable=False),  # empty: shared
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Index("ix_banks_course", "course_id"),
)

categories = sa.Table(
    "categories",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("bank_id", sa.String(64), sa.ForeignKey("banks.id"), nullable=False),
    sa.Column("parent_id", sa.String(64), nullable=False),  # empty: top level
    sa.Column("name", sa.String(200), nullable=False),
    sa.Index("ix_categories_bank", "bank_id"),
)

questions = sa.Table(
    "questions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("bank_id", sa.String(64), sa.ForeignKey("banks.id"), nullable=False),
    sa.Column("category_id", sa.String(64), nullable=False),
    sa.Column("tags", sa.ARRAY(sa.String(100)), nullable=False),
    sa.Column("current_version", sa.Integer(), nullable=False),
    sa.Index("ix_questions_bank_category", "bank_id", "category_id"),
)

question_versions = sa.Table(
    "question_versions",
    metadata,
    sa.Column("question_id", sa.String(64), sa.ForeignKey("questions.id"), primary_key=True),
    sa.Column("version", sa.Integer(), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("body", JSONB(), nullable=False),
    sa.Column("points", sa.Float(), nullable=False),
    sa.Column("general_feedback", sa.Text(), nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

quizzes = sa.Table(
    "quizzes",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("course_id", sa.String(64), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("definition", JSONB(), nullable=False),  # sections and settings
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("published_at", UtcDateTime(), nullable=True),
    sa.Index("ix_quizzes_course", "course_id"),
)

overrides = sa.Table(
    "overrides",
    metadata,
    sa.Column("quiz_id", sa.String(64), sa.ForeignKey("quizzes.id"), primary_key=True),
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("extra_time_s", sa.Integer(), nullable=False),
    sa.Column("extra_attempts", sa.Integer(), nullable=False),
    sa.Column("close_at", UtcDateTime(), nullable=True),
)

attempts = sa.Table(
    "attempts",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("quiz_id", sa.String(64), sa.ForeignKey("quizzes.id"), nullable=False),
    sa.Column("course_id", sa.String(64), nullable=False),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("number", sa.Integer(), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("deadline", UtcDateTime(), nullable=True),
    sa.Column("submitted_at", UtcDateTime(), nullable=True),
    sa.Column("graded_at", UtcDateTime(), nullable=True),
    sa.Column("saved_seq", sa.BigInteger(), nullable=False),
    sa.Column("score", sa.Float(), nullable=True),
    sa.Column("max_score", sa.Float(), nullable=False),
    sa.Column("flagged", sa.Boolean(), nullable=False),
    sa.Column("document", JSONB(), nullable=False),  # questions as shown, answers, responses
    # Two starts racing make one attempt: the second insert of a number fails.
    sa.UniqueConstraint("quiz_id", "user_id", "number", name="attempts_quiz_user_number_key"),
    sa.Index("ix_attempts_quiz_user", "quiz_id", "user_id"),
    sa.Index("ix_attempts_open_deadline", "deadline", postgresql_where=sa.text("state = 'in_progress'")),
)

# One row per graded (or waiting) answer of a finished attempt: the grading queue and the
# statistics read these with SQL instead of loading attempt documents.
responses = sa.Table(
    "responses",
    metadata,
    sa.Column("attempt_id", sa.String(64), sa.ForeignKey("attempts.id"), primary_key=True),
    sa.Column("slot", sa.Integer(), primary_key=True),
    sa.Column("quiz_id", sa.String(64), nullable=False),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("question_id", sa.String(64), nullable=False),
    sa.Column("fraction", sa.Float(), nullable=True),  # null: waits for a teacher
    sa.Column("max_points", sa.Float(), nullable=False),
    sa.Column("choices", sa.ARRAY(sa.String(200)), nullable=False),
    sa.Column("submitted_at", UtcDateTime(), nullable=False),
    sa.Index("ix_responses_quiz_slot", "quiz_id", "slot"),
    sa.Index("ix_responses_waiting", "quiz_id", "submitted_at", postgresql_where=sa.text("fraction IS NULL")),
)

integrity_events = sa.Table(
    "integrity_events",
    metadata,
    sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
    sa.Column("attempt_id", sa.String(64), sa.ForeignKey("attempts.id"), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("detail", sa.String(500), nullable=False),
    sa.Column("occurred_at", UtcDateTime(), nullable=False),
    sa.Column("client_time", UtcDateTime(), nullable=True),
    sa.Index("ix_integrity_events_attempt", "attempt_id", "occurred_at"),
)

regrades = sa.Table(
    "regrades",
    metadata,
    sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
    sa.Column("attempt_id", sa.String(64), sa.ForeignKey("attempts.id"), nullable=False),
    sa.Column("slot", sa.Integer(), nullable=False),
    sa.Column("question_id", sa.String(64), nullable=False),
    sa.Column("from_version", sa.Integer(), nullable=False),
    sa.Column("to_version", sa.Integer(), nullable=False),
    sa.Column("old_points", sa.Float(), nullable=True),
    sa.Column("new_points", sa.Float(), nullable=True),
    sa.Column("changed_by", sa.String(64), nullable=False),
    sa.Column("changed_at", UtcDateTime(), nullable=False),
    sa.Index("ix_regrades_attempt", "attempt_id"),
)

# Running sums of the statistics (adapters/statistics.py), per quiz over each learner's first
# graded attempt; a grade, regrade or re-mark updates them in its own transaction.
stat_members = sa.Table(
    "stat_members",
    metadata,
    sa.Column("quiz_id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("attempt_id", sa.String(64), nullable=True),  # null: a placeholder holding the lock
)

stat_quizzes = sa.Table(
    "stat_quizzes",
    metadata,
    sa.Column("quiz_id", sa.String(64), primary_key=True),
    sa.Column("n", sa.BigInteger(), nullable=False),
    *(sa.Column(c, sa.Float(), nullable=False) for c in ("p", "pp", "ppp", "t", "tt")),
)

stat_slots = sa.Table(
    "stat_slots",
    metadata,
    sa.Column("quiz_id", sa.String(64), primary_key=True),
    sa.Column("slot", sa.Integer(), primary_key=True),
    sa.Column("question_id", sa.String(64), nullable=False),
    sa.Column("n", sa.BigInteger(), nullable=False),
    *(sa.Column(c, sa.Float(), nullable=False) for c in ("x", "xx", "p", "pp", "r", "rr", "xr")),
)


def _bins(name: str, *, per_slot: bool) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("quiz_id", sa.String(64), primary_key=True),
        *([sa.Column("slot", sa.Integer(), primary_key=True)] if per_slot else []),
        sa.Column("bin", sa.BigInteger(), primary_key=True),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
    )


stat_percent_bins = _bins("stat_percent_bins", per_slot=False)
stat_level_bins = _bins("stat_level_bins", per_slot=True)
stat_rest_bins = _bins("stat_rest_bins", per_slot=True)

stat_choices = sa.Table(
    "stat_choices",
    metadata,
    sa.Column("quiz_id", sa.String(64), primary_key=True),
    sa.Column("slot", sa.Integer(), primary_key=True),
    sa.Column("choice", sa.String(200), primary_key=True),
    sa.Column("n", sa.BigInteger(), nullable=False),
)
