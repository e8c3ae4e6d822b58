"""Migration 0003 fills the running sums from attempts graded before it: on a database at
0002 holding the fixture's graded attempts (rows written as 0002's code wrote them), the
sums after the upgrade equal the recomputation over the responses and count each learner's
first graded attempt only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms_assessment.adapters.statistics import SqlStatistics
from lms_assessment.adapters.statistics_scan import ScanStatistics
from lms_assessment.migrations import MIGRATIONS_DIR
from lms_kit.db import Database
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database

from .test_statistics import assert_same

# learner -> (attempt number, fractions of q1..q3, picks); E's second attempt must not count.
GRADED = {
    "A": (1, (1, 1, 1), "aaa"),
    "B": (1, (1, 1, 0), "aab"),
    "C": (1, (1, 0, 0), "abb"),
    "D": (1, (0, 1, 0), "bab"),
    "E": (1, (0, 0, 0), "cbb"),
    "E2": (2, (1, 0, 0), "abb"),
}
NOW = "2026-12-01 09:00:00+00"


async def test_the_migration_fills_the_sums_from_attempts_graded_before_it():
    async with postgres_database("lms_assessment_backfill") as url:
        await upgrade(url, MIGRATIONS_DIR, "0002")
        database = Database(url)
        try:
            async with database.session() as session, session.begin():
                run = session.execute
                await run(
                    sa.text(
                        "INSERT INTO quizzes VALUES ('q', 'c', 'Q', 'published', '{}'::jsonb, 't', :now, :now)"
                    ),
                    {"now": NOW},
                )
                for learner, (number, fractions, picks) in GRADED.items():
                    user, attempt = learner[0], f"{learner}-{number}"
                    await run(
                        sa.text(
                            "INSERT INTO attempts VALUES (:id, 'q', 'c', :user, :number, 'graded', :now, NULL,"
                            " :now, :now, 1, :score, 3, 'f', '{}'::jsonb)"
                        ),
                        {"id": attempt, "user": user, "number": number, "now": NOW, "score": sum(fractions)},
                    )
                    for slot, (fraction, pick) in enumerate(zip(fractions, picks, strict=True), start=1):
                        await run(
                            sa.text(
                                "INSERT INTO responses VALUES (:id, :slot, 'q', :user, :question, :fraction, 1,"
                                " ARRAY[:pick], :now)"
                            ),
                            {"id": attempt, "slot": slot, "user": user, "question": f"q{slot}",
                             "fraction": float(fraction), "pick": pick, "now": NOW},
                        )  # fmt: skip
            await upgrade(url, MIGRATIONS_DIR)
            async with database.session() as session:
                running = await SqlStatistics(session).of_quiz("q")
                scanned = await ScanStatistics(session).of_quiz("q")
        finally:
            await database.dispose()
    assert (running.attempt_count, running.mean) == (5, pytest.approx(46.6667, abs=1e-4))
    assert running.cronbach_alpha == pytest.approx(0.576923, abs=1e-6)
    assert running.questions[0].discriminative_efficiency == pytest.approx(0.375, abs=1e-9)
    assert_same(running, scanned)
