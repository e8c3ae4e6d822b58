"""Dashboard cost vs length of history, on the embedded store (chDB), in one run:

    .venv/bin/python scripts/bench_analytics.py [--base 20000] [--queries 30]

Loads `base` synthetic statements (enrolments, completions, payments, video events over 2000
courses and a year), times the course dashboard (aggregate tables) and the same figures
computed by a raw scan of the statements; then grows the history to 10x and times both
again. Reports p50/p99 and the ratios 10x/1x: the aggregate path should stay near 1x,
the raw scan grows with history.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lms_analytics.adapters.schema import DATABASE
from lms_analytics.adapters.store import ChdbEngine, StatementStore
from lms_analytics.domain.reports import DayRange
from lms_analytics.domain.statements import statement_from_event

COURSES = 2000
NOW = datetime(2026, 12, 4, tzinfo=UTC)
RAW_SCAN = (
    "SELECT toDate(occurred_at) AS day, uniqExactIf(actor, verb = 'enrolled') AS enrolled,"
    " uniqExactIf(actor, verb = 'completed' AND object_type = 'course') AS completed,"
    " uniqExact(actor) AS active"
    f" FROM {DATABASE}.statements FINAL WHERE course_id = {{course:String}}"
    " AND toDate(occurred_at) >= {first:Date} GROUP BY day ORDER BY day"
)


def synthetic(count: int, rng: random.Random) -> list:
    kinds = [
        ("lms.course.v1.EnrollmentCreated", 0.3),
        ("lms.course.v1.LectureCompleted", 0.5),
        ("lms.course.v1.CourseCompleted", 0.1),
        ("lms.payment.v1.OrderPaid", 0.1),
    ]
    names, weights = zip(*kinds, strict=True)
    out = []
    for _ in range(count):
        kind = rng.choices(names, weights)[0]
        course = f"c{rng.randrange(COURSES)}"
        payload: dict = {"course_id": course, "user_id": f"u{rng.randrange(100_000)}", "lecture_id": "l1"}
        if kind.endswith("OrderPaid"):
            payload["order_id"] = uuid.uuid4().hex
            payload["amount"] = {"currency_code": rng.choice(["USD", "INR"]), "amount_minor": "1999"}
        when = NOW - timedelta(seconds=rng.randrange(365 * 86400))
        out.append(statement_from_event(uuid.uuid4().hex, kind, payload, when))
    return out


async def load(store: StatementStore, count: int, rng: random.Random) -> float:
    started = time.perf_counter()
    statements = synthetic(count, rng)
    for i in range(0, len(statements), 5000):
        await store.add(statements[i : i + 5000], now=NOW)
    return time.perf_counter() - started


async def timings(store: StatementStore, queries: int, rng: random.Random) -> tuple[list[float], list[float]]:
    span = DayRange.ending(NOW.date(), 30)
    dashboard, raw = [], []
    for _ in range(queries):
        course = f"c{rng.randrange(COURSES)}"
        started = time.perf_counter()
        await store.course_totals(course)
        await store.course_days(course, span)
        await store.revenue_days(span, course)
        dashboard.append(time.perf_counter() - started)
        started = time.perf_counter()
        await store.run(RAW_SCAN, {"course": course, "first": span.first.isoformat()})
        raw.append(time.perf_counter() - started)
    return dashboard, raw


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(15)
    with tempfile.TemporaryDirectory() as directory:
        store = StatementStore.open(ChdbEngine(Path(directory)))
        results = {}
        loaded = 0
        for size in (args.base, args.base * 10):
            seconds = await load(store, size - loaded, rng)
            rate = (size - loaded) / seconds
            loaded = size
            await store.run(f"OPTIMIZE TABLE {DATABASE}.course_daily FINAL", {})
            dashboard, raw = await timings(store, args.queries, rng)
            results[size] = (dashboard, raw)
            print(
                f"{size:>9} statements: load {rate:,.0f}/s; dashboard p50 {p(dashboard, 0.5):.1f} ms"
                f" p99 {p(dashboard, 0.99):.1f} ms; raw scan p50 {p(raw, 0.5):.1f} ms p99 {p(raw, 0.99):.1f} ms"
            )
        (d1, r1), (d10, r10) = results[args.base], results[args.base * 10]
        print(
            f"10x history / 1x: dashboard p50 {statistics.median(d10) / statistics.median(d1):.2f}x,"
            f" raw scan p50 {statistics.median(r10) / statistics.median(r1):.2f}x"
        )
        store.close()


if __name__ == "__main__":
    asyncio.run(main())
