"""The statement store on the real embedded engine (chDB): each event once, aggregates kept
as rows arrive, late events on their own day, money exact to the minor unit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lms_analytics.adapters.store import ChdbEngine, StatementStore
from lms_analytics.domain.reports import DayRange
from lms_analytics.domain.statements import statement_from_event
from lms_kit.domain.money import Money

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture(scope="module")
def store(chdb_path: Path) -> Iterator[StatementStore]:
    opened = StatementStore.open(ChdbEngine(chdb_path))
    yield opened
    opened.close()


def enrolled(event_id: str, course: str, user: str, when: datetime = NOW):
    return statement_from_event(
        event_id, "lms.course.v1.EnrollmentCreated", {"course_id": course, "user_id": user}, when
    )


def money(event_id: str, kind: str, course: str, currency: str, minor: int, when: datetime = NOW):
    payload = {"order_id": f"o-{event_id}", "user_id": "u1", "course_id": course}
    payload["amount"] = {"currency_code": currency, "amount_minor": str(minor)}
    return statement_from_event(event_id, f"lms.payment.v1.{kind}", payload, when)


async def test_same_event_stored_twice_is_one_row_and_counts_once(store: StatementStore) -> None:
    first = await store.add([enrolled("dup-1", "c-dup", "u1"), enrolled("dup-1", "c-dup", "u1")], now=NOW)
    again = await store.add([enrolled("dup-1", "c-dup", "u1")], now=NOW)
    assert first == (1, 1)
    assert again == (0, 1)
    assert await store.count_statements("dup-1") == 1
    assert (await store.course_totals("c-dup")).enrollments == 1


async def test_event_arriving_a_day_late_lands_on_the_day_it_happened(store: StatementStore) -> None:
    yesterday = NOW - timedelta(days=1)
    await store.add([enrolled("late-2", "c-late", "u2")], now=NOW)
    await store.add([enrolled("late-1", "c-late", "u1", when=yesterday)], now=NOW)  # arrives after
    days = await store.course_days("c-late", DayRange.ending(TODAY, 2))
    assert [(d.day, d.enrollments) for d in days] == [(yesterday.date(), 1), (TODAY, 1)]


async def test_revenue_per_day_and_currency_nets_partial_refunds(store: StatementStore) -> None:
    await store.add(
        [
            money("pay-1", "OrderPaid", "c-rev", "USD", 1999),
            money("pay-2", "OrderPaid", "c-rev", "USD", 2999),
            money("pay-3", "OrderPaid", "c-rev", "INR", 49900),
            money("ref-1", "OrderRefunded", "c-rev", "USD", 500),
            money("pay-4", "OrderPaid", "c-other", "USD", 100),
        ],
        now=NOW,
    )
    await store.add([money("ref-1", "OrderRefunded", "c-rev", "USD", 500)], now=NOW)  # redelivered
    rows = await store.revenue_days(DayRange.ending(TODAY, 1), "c-rev")
    by_currency = {r.gross.currency: r for r in rows}
    assert by_currency["USD"].gross == Money(4998, "USD")
    assert by_currency["USD"].refunded == Money(500, "USD")
    assert by_currency["USD"].net == Money(4498, "USD")
    assert by_currency["USD"].orders == 2
    assert by_currency["INR"].net == Money(49900, "INR")


async def test_dashboard_counts_distinct_learners_completions_and_quizzes(store: StatementStore) -> None:
    course = "c-dash"
    graded = {
        "course_id": course,
        "user_id": "u1",
        "attempt_id": "a1",
        "score": 8,
        "max_score": 10,
        "passed": True,
    }
    failed = {
        "course_id": course,
        "user_id": "u2",
        "attempt_id": "a2",
        "score": 2,
        "max_score": 10,
        "passed": False,
    }
    await store.add(
        [
            enrolled("d-1", course, "u1"),
            enrolled("d-2", course, "u2"),
            statement_from_event(
                "d-3", "lms.course.v1.CourseCompleted", {"course_id": course, "user_id": "u1"}, NOW
            ),
            statement_from_event("d-4", "lms.assessment.v1.AttemptGraded", graded, NOW),
            statement_from_event("d-5", "lms.assessment.v1.AttemptGraded", failed, NOW),
        ],
        now=NOW,
    )
    totals = await store.course_totals(course)
    assert (totals.enrollments, totals.completions) == (2, 1)
    assert (totals.quizzes.attempts, totals.quizzes.passed) == (2, 1)
    assert totals.quizzes.mean_score_share == pytest.approx(0.5)
    (today,) = await store.course_days(course, DayRange.ending(TODAY, 1))
    assert today.active_learners == 2


async def test_learner_activity_reads_only_that_learner(store: StatementStore) -> None:
    await store.add([enrolled("la-1", "c-la", "learner-a"), enrolled("la-2", "c-la", "learner-b")], now=NOW)
    mine = await store.learner_statements("learner-a", 10)
    assert [s.event_id for s in mine] == ["la-1"]
    assert await store.learner_verb_counts("learner-a") == [("enrolled", 1)]


async def test_values_that_look_like_sql_are_only_data(store: StatementStore) -> None:
    sneaky = "x' OR 1=1 --"
    await store.add([enrolled("inj-1", sneaky, "u1")], now=NOW)
    assert (await store.course_totals(sneaky)).enrollments == 1
    assert (await store.course_totals("x")).enrollments == 0


async def test_event_written_again_after_a_crash_before_its_mark_counts_once(store: StatementStore) -> None:
    # A crash after the statement (and its views) but before `event_ids`: the redelivery
    # writes it all again, and the aggregates, being sets, do not change.
    from lms_analytics.adapters.schema import DATABASE
    from lms_analytics.adapters.store import _row

    paid = money("crash-pay", "OrderPaid", "c-crash", "EUR", 1250)
    enrolment = enrolled("crash-enrol", "c-crash", "u9")
    store._engine.insert_json(f"{DATABASE}.statements", [_row(paid, NOW), _row(enrolment, NOW)])
    assert await store.add([paid, enrolment], now=NOW) == (2, 0)
    assert await store.add([paid, enrolment], now=NOW) == (0, 2)
    (revenue,) = await store.revenue_days(DayRange.ending(TODAY, 1), "c-crash")
    assert (revenue.gross, revenue.orders) == (Money(1250, "EUR"), 1)
    assert (await store.course_totals("c-crash")).enrollments == 1
    assert await store.count_statements("crash-pay") == 1
