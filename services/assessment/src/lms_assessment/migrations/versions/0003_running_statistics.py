"""Running sums of the result analytics (per quiz, slot, histogram bin and choice, over each
learner's first graded attempt), filled from the responses already graded.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

from lms_assessment.adapters.statistics import ADD_ALL_MEMBERS, FIRSTS

revision = "0003"
down_revision = "0002"

_KEY = sa.String(length=64)


def _bins(name: str, *, per_slot: bool) -> None:
    op.create_table(
        name,
        sa.Column("quiz_id", _KEY, nullable=False),
        *([sa.Column("slot", sa.Integer(), nullable=False)] if per_slot else []),
        sa.Column("bin", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("quiz_id", *(["slot"] if per_slot else []), "bin"),
    )


def upgrade() -> None:
    op.create_table(
        "stat_members",
        sa.Column("quiz_id", _KEY, nullable=False),
        sa.Column("user_id", _KEY, nullable=False),
        sa.Column("attempt_id", _KEY, nullable=True),
        sa.PrimaryKeyConstraint("quiz_id", "user_id"),
    )
    op.create_table(
        "stat_quizzes",
        sa.Column("quiz_id", _KEY, nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        *(sa.Column(c, sa.Float(), nullable=False) for c in ("p", "pp", "ppp", "t", "tt")),
        sa.PrimaryKeyConstraint("quiz_id"),
    )
    op.create_table(
        "stat_slots",
        sa.Column("quiz_id", _KEY, nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("question_id", _KEY, nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        *(sa.Column(c, sa.Float(), nullable=False) for c in ("x", "xx", "p", "pp", "r", "rr", "xr")),
        sa.PrimaryKeyConstraint("quiz_id", "slot"),
    )
    _bins("stat_percent_bins", per_slot=False)
    _bins("stat_level_bins", per_slot=True)
    _bins("stat_rest_bins", per_slot=True)
    op.create_table(
        "stat_choices",
        sa.Column("quiz_id", _KEY, nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=200), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("quiz_id", "slot", "choice"),
    )
    op.execute(f"INSERT INTO stat_members (quiz_id, user_id, attempt_id) {FIRSTS}")
    op.execute(ADD_ALL_MEMBERS)


def downgrade() -> None:
    for table in ("stat_choices", "stat_rest_bins", "stat_level_bins", "stat_percent_bins",
                  "stat_slots", "stat_quizzes", "stat_members"):  # fmt: skip
        op.drop_table(table)
