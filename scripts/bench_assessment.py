"""Benchmark: the assessment service's item analysis over 1,000,000 responses (issue 14).

    .venv/bin/python scripts/bench_assessment.py            # 25,000 attempts x 40 questions
    .venv/bin/python scripts/bench_assessment.py --quick    # 2,500 x 40 (smoke)

A throwaway database on LMS_TEST_PG_URL (the machine's PostgreSQL by default) is migrated
and filled with COPY: one quiz, its graded attempts and one `responses` row per answer,
scored by a two-parameter logistic model (abilities ~ N(0, 1), difficulties spread over
[-2, 2], four choices per question). Then, in the same run:

- the service's SQL (`SqlStatistics.of_quiz`: quiz moments, median, alpha, SEM, per-question
  facility, point-biserial discrimination, discriminative efficiency, choice counts), and
- the same statistics in NumPy from in-memory arrays (the baseline; loading them is not
  counted, so the baseline is generous),

each timed as the median of --repeat runs; the two results must agree. Target: SQL time
<= 2x NumPy. Exit 0 on PASS, 1 on FAIL.

Not measured here (left out, see docs/assessment-service.md): autosave and submit p50/p99
through Envoy against the echo RPC with 2,000 learners in attempt.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import time
import uuid

import numpy as np
import psycopg

from lms_assessment.adapters.statistics import SqlStatistics
from lms_assessment.migrations import MIGRATIONS_DIR
from lms_kit.db import Database
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database

QUESTIONS = 40
CHOICES = np.array(["a", "b", "c", "d"])


def simulate(attempts: int, seed: int = 14) -> tuple[np.ndarray, np.ndarray]:
    """(fractions attempts x questions, picked choice index attempts x questions)."""
    rng = np.random.default_rng(seed)
    ability = rng.normal(size=(attempts, 1))
    difficulty = np.linspace(-2, 2, QUESTIONS)[None, :]
    right = rng.random((attempts, QUESTIONS)) < 1 / (1 + np.exp(-(ability - difficulty)))
    wrong_pick = rng.integers(1, 4, size=(attempts, QUESTIONS))
    return right.astype(float), np.where(right, 0, wrong_pick)


def load(url: str, fractions: np.ndarray, picks: np.ndarray) -> str:
    quiz_id = str(uuid.uuid4())
    now = "2026-12-01 09:00:00+00"
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute(
            "INSERT INTO quizzes VALUES (%s, 'bench', 'Bench', 'published', '{}'::jsonb, 't', %s, %s)",
            (quiz_id, now, now),
        )
        attempts = io.StringIO()
        responses = io.StringIO()
        for row in range(fractions.shape[0]):
            attempt_id = f"{quiz_id[:8]}-{row}"
            score = fractions[row].sum()
            attempts.write(
                f"{attempt_id}\t{quiz_id}\tbench\tu{row}\t1\tgraded\t{now}\t\\N\t{now}\t{now}\t1\t{score}\t{QUESTIONS}\tf\t{{}}\n"
            )
            for slot in range(QUESTIONS):
                choice = CHOICES[picks[row, slot]]
                responses.write(
                    f"{attempt_id}\t{slot + 1}\t{quiz_id}\tu{row}\tq{slot + 1}\t{fractions[row, slot]}\t1\t{{{choice}}}\t{now}\n"
                )
        with conn.cursor() as cursor:
            with cursor.copy("COPY attempts FROM STDIN") as copy:
                copy.write(attempts.getvalue())
            with cursor.copy("COPY responses FROM STDIN") as copy:
                copy.write(responses.getvalue())
        conn.execute("ANALYZE attempts")
        conn.execute("ANALYZE responses")
    return quiz_id


def numpy_statistics(x: np.ndarray, picks: np.ndarray) -> dict[str, object]:
    n, k = x.shape
    total = x.sum(axis=1)
    pct = 100 * total / k
    sd = pct.std(ddof=1)
    skew = n / ((n - 1) * (n - 2)) * (((pct - pct.mean()) / sd) ** 3).sum()
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total.var(ddof=1))
    rest = total[:, None] - x
    xc, rc = x - x.mean(axis=0), rest - rest.mean(axis=0)
    cov = (xc * rc).sum(axis=0) / (n - 1)
    discrimination = cov / (x.std(axis=0, ddof=1) * rest.std(axis=0, ddof=1))
    xs, rs = np.sort(x, axis=0), np.sort(rest, axis=0)
    best = ((xs - xs.mean(axis=0)) * (rs - rs.mean(axis=0))).sum(axis=0) / (n - 1)
    counts = [np.bincount(picks[:, j], minlength=4) for j in range(k)]
    return {
        "mean": pct.mean(),
        "median": float(np.median(pct)),
        "sd": sd,
        "skewness": skew,
        "alpha": alpha,
        "sem": sd * np.sqrt(1 - alpha),
        "facility": x.mean(axis=0),
        "discrimination": discrimination,
        "efficiency": cov / best,
        "choices": counts,
    }


async def sql_statistics(database: Database, quiz_id: str):  # type: ignore[no-untyped-def]
    async with database.session() as session:
        return await SqlStatistics(session).of_quiz(quiz_id)


def timed(run, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    attempts = 2_500 if options.quick else 25_000
    fractions, picks = simulate(attempts)
    async with postgres_database("lms_bench_assessment") as url:
        await upgrade(url, MIGRATIONS_DIR)
        started = time.perf_counter()
        quiz_id = load(url, fractions, picks)
        print(f"loaded {attempts * QUESTIONS:,} responses in {time.perf_counter() - started:.1f} s")
        database = Database(url)
        try:
            sql = await sql_statistics(database, quiz_id)
            sql_times = []
            for _ in range(options.repeat):
                start = time.perf_counter()
                await sql_statistics(database, quiz_id)
                sql_times.append(time.perf_counter() - start)
        finally:
            await database.dispose()
    expected = numpy_statistics(fractions, picks)
    numpy_s = timed(lambda: numpy_statistics(fractions, picks), options.repeat)
    sql_s = statistics.median(sql_times)
    checks = {
        "mean": np.isclose(sql.mean, expected["mean"]),
        "median": np.isclose(sql.median, expected["median"]),
        "sd": np.isclose(sql.standard_deviation, expected["sd"]),
        "skewness": np.isclose(sql.skewness, expected["skewness"]),
        "alpha": np.isclose(sql.cronbach_alpha, expected["alpha"]),
        "sem": np.isclose(sql.standard_error, expected["sem"]),
        "facility": np.allclose([q.facility for q in sql.questions], expected["facility"]),
        "discrimination": np.allclose([q.discrimination for q in sql.questions], expected["discrimination"]),
        "efficiency": np.allclose(
            [q.discriminative_efficiency for q in sql.questions], expected["efficiency"]
        ),
        "choices": all(
            dict(q.choices) == {str(CHOICES[i]): int(c) for i, c in enumerate(counts) if c}
            for q, counts in zip(sql.questions, expected["choices"], strict=True)  # type: ignore[call-overload]
        ),
    }
    ratio = sql_s / numpy_s
    print(
        f"item analysis, {attempts * QUESTIONS:,} responses: SQL {sql_s * 1000:.0f} ms, NumPy {numpy_s * 1000:.0f} ms"
    )
    print(f"ratio SQL / NumPy = {ratio:.2f} (target <= 2.0); results agree: {all(checks.values())}")
    if not all(checks.values()):
        print("disagreeing:", [name for name, ok in checks.items() if not ok])
        return 1
    return 0 if ratio <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
