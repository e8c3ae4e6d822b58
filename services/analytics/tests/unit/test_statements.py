"""The mapping of domain events and client events to xAPI-shaped statements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms_analytics.domain.client_events import ClientEvent, ClientEventKind, statements_from_client_events
from lms_analytics.domain.errors import InvalidClientEvents
from lms_analytics.domain.reports import (
    CourseDashboard,
    CourseDay,
    CourseTotals,
    DayRange,
    RevenueDay,
    course_csv_rows,
    fill_course_days,
)
from lms_analytics.domain.statements import statement_from_event
from lms_kit.domain.money import Money

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def test_enrolment_is_the_learner_enrolling_in_the_course() -> None:
    s = statement_from_event(
        "e1", "lms.course.v1.EnrollmentCreated", {"course_id": "c1", "user_id": "u1"}, NOW
    )
    assert (s.actor, s.verb, s.object_type, s.object_id, s.course_id) == (
        "u1",
        "enrolled",
        "course",
        "c1",
        "c1",
    )
    assert s.verb_iri == "https://lms.example/xapi/verbs/enrolled"
    assert s.context["payload"] == {"course_id": "c1", "user_id": "u1"}


def test_paid_order_keeps_its_amount_in_minor_units() -> None:
    payload = {
        "order_id": "o1",
        "user_id": "u1",
        "course_id": "c1",
        "amount": {"currency_code": "INR", "amount_minor": "49900"},
    }
    s = statement_from_event("e2", "lms.payment.v1.OrderPaid", payload, NOW)
    assert (s.verb, s.object_type, s.object_id) == ("purchased", "order", "o1")
    assert s.result["amount"] == {"currency": "INR", "amount_minor": 49900}


def test_graded_attempt_has_a_score_and_success() -> None:
    payload = {
        "attempt_id": "a1",
        "user_id": "u1",
        "course_id": "c1",
        "score": 3.0,
        "max_score": 4.0,
        "passed": True,
    }
    s = statement_from_event("e3", "lms.assessment.v1.AttemptGraded", payload, NOW)
    assert s.object_id == "a1"
    assert s.result == {"score": {"raw": 3.0, "max": 4.0}, "success": True}


def test_unknown_event_type_gets_a_verb_from_its_name_and_its_own_id_as_object() -> None:
    payload = {"badge_id": "b9", "user_id": "u7"}
    s = statement_from_event("e4", "lms.gamification.v1.BadgeAwarded", payload, NOW)
    assert (s.actor, s.verb, s.object_type, s.object_id) == ("u7", "badge-awarded", "badge", "b9")


def test_event_without_a_person_is_done_by_the_system() -> None:
    s = statement_from_event("e5", "lms.course.v1.CourseChanged", {"course_id": "c1"}, NOW)
    assert s.actor == "system"
    assert s.object_id == "c1"


def _video(**changes: object) -> ClientEvent:
    fields: dict = {
        "event_id": "11111111-1111-4111-8111-111111111111",
        "kind": ClientEventKind.VIDEO_SEEKED,
        "object_id": "v1",
        "occurred_at": NOW - timedelta(days=2),
        "course_id": "c1",
        "position_s": 30.0,
        "seek_from_s": 10.0,
    }
    fields.update(changes)
    return ClientEvent(**fields)


def test_late_client_event_keeps_the_time_it_happened() -> None:
    (s,) = statements_from_client_events("u1", [_video()], NOW)
    assert s.occurred_at == NOW - timedelta(days=2)
    assert (s.actor, s.verb, s.object_type, s.source) == ("u1", "video-seeked", "video", "client")
    assert s.result == {"position_s": 30.0, "seek_from_s": 10.0}


def test_every_bad_field_of_a_batch_is_named_at_once() -> None:
    good = _video()
    bad_seek = _video(seek_from_s=None, course_id="")
    future_search = ClientEvent(
        "22222222-2222-4222-8222-222222222222",
        ClientEventKind.SEARCH_PERFORMED,
        "catalog",
        NOW + timedelta(hours=1),
    )
    with pytest.raises(InvalidClientEvents) as refused:
        statements_from_client_events("u1", [good, bad_seek, future_search], NOW)
    fields = sorted(v.field for v in refused.value.violations)
    assert fields == [
        "events[1].course_id",
        "events[1].seek_from_s",
        "events[2].occur_time",
        "events[2].query",
    ]


def test_daily_series_has_a_row_for_every_day_and_csv_nets_refunds() -> None:
    span = DayRange.ending(NOW.date(), 3)
    day = NOW.date()
    days = fill_course_days(span, [CourseDay(day, enrollments=2, active_learners=2)])
    assert [d.day for d in days] == span.days() and len(days) == 3
    assert days[0] == CourseDay(span.first)
    revenue = [RevenueDay(day, Money(5000, "USD"), Money(1500, "USD"), 2)]
    dashboard = CourseDashboard("c1", CourseTotals(enrollments=4, completions=1), days, revenue)
    assert dashboard.completion_rate == 0.25
    rows = course_csv_rows(dashboard)
    assert rows[0] == ["day", "enrollments", "completions", "active_learners", "net_revenue_minor_USD"]
    assert rows[-1] == [day.isoformat(), "2", "0", "2", "3500"]
    assert rows[1][-1] == "0"
