"""proto <-> domain: the only module (with lms_kit.proto) where both worlds meet."""

from __future__ import annotations

import json

from lms.analytics.v1 import analytics_pb2
from lms.type.v1 import money_pb2
from lms_analytics.domain.client_events import ClientEvent, ClientEventKind
from lms_analytics.domain.reports import CourseDashboard, LearnerActivity, PlatformOverview, RevenueDay
from lms_analytics.domain.statements import XAPI_VERB_BASE
from lms_kit.domain.money import Money
from lms_kit.proto import ResourceName, from_timestamp, timestamp

DASHBOARD = ResourceName("courses/{course}/dashboard")
ACTIVITY = ResourceName("users/{user}/activity")

_KINDS = {
    analytics_pb2.CLIENT_EVENT_KIND_PAGE_VIEWED: ClientEventKind.PAGE_VIEWED,
    analytics_pb2.CLIENT_EVENT_KIND_LECTURE_VIEWED: ClientEventKind.LECTURE_VIEWED,
    analytics_pb2.CLIENT_EVENT_KIND_VIDEO_PLAYED: ClientEventKind.VIDEO_PLAYED,
    analytics_pb2.CLIENT_EVENT_KIND_VIDEO_PAUSED: ClientEventKind.VIDEO_PAUSED,
    analytics_pb2.CLIENT_EVENT_KIND_VIDEO_SEEKED: ClientEventKind.VIDEO_SEEKED,
    analytics_pb2.CLIENT_EVENT_KIND_SEARCH_PERFORMED: ClientEventKind.SEARCH_PERFORMED,
}


def client_event_from_proto(event: analytics_pb2.ClientEvent) -> ClientEvent:
    occurred_at = from_timestamp(event, "occur_time")
    assert occurred_at is not None  # a required field: the pipeline checked it
    return ClientEvent(
        event_id=event.event_id,
        kind=_KINDS[event.kind],
        object_id=event.object_id,
        occurred_at=occurred_at,
        course_id=event.course_id,
        position_s=event.position_s if event.HasField("position_s") else None,
        seek_from_s=event.seek_from_s if event.HasField("seek_from_s") else None,
        query=event.query,
    )


def money_to_proto(money: Money) -> money_pb2.Money:
    return money_pb2.Money(currency_code=money.currency, amount_minor=money.amount_minor)


def revenue_to_proto(day: RevenueDay) -> analytics_pb2.DailyRevenue:
    return analytics_pb2.DailyRevenue(
        day=day.day.isoformat(),
        gross=money_to_proto(day.gross),
        refunded=money_to_proto(day.refunded),
        net=money_to_proto(day.net),
        order_count=day.orders,
    )


def dashboard_to_proto(dashboard: CourseDashboard) -> analytics_pb2.CourseDashboard:
    quizzes = dashboard.totals.quizzes
    return analytics_pb2.CourseDashboard(
        name=DASHBOARD.format(course=dashboard.course_id),
        enrollment_count=dashboard.totals.enrollments,
        completion_count=dashboard.totals.completions,
        completion_rate=dashboard.completion_rate,
        days=[
            analytics_pb2.DailyCourseRow(
                day=d.day.isoformat(),
                enrollment_count=d.enrollments,
                completion_count=d.completions,
                active_learner_count=d.active_learners,
            )
            for d in dashboard.days
        ],
        revenue=[revenue_to_proto(r) for r in dashboard.revenue],
        quizzes=analytics_pb2.QuizSummary(
            attempt_count=quizzes.attempts,
            passed_count=quizzes.passed,
            mean_score_share=quizzes.mean_score_share,
        ),
    )


def overview_to_proto(overview: PlatformOverview) -> analytics_pb2.PlatformOverview:
    return analytics_pb2.PlatformOverview(
        active_users=[
            analytics_pb2.DailyActiveUsers(day=d.day.isoformat(), active_user_count=d.active_users)
            for d in overview.active_users
        ],
        revenue=[revenue_to_proto(r) for r in overview.revenue],
        top_courses=[
            analytics_pb2.CourseRanking(course_id=c.course_id, enrollment_count=c.enrollments)
            for c in overview.top_courses
        ],
    )


def activity_to_proto(activity: LearnerActivity) -> analytics_pb2.LearnerActivity:
    return analytics_pb2.LearnerActivity(
        name=ACTIVITY.format(user=activity.user_id),
        statements=[
            analytics_pb2.Statement(
                event_id=s.event_id,
                verb=XAPI_VERB_BASE + s.verb,
                object_type=s.object_type,
                object_id=s.object_id,
                course_id=s.course_id,
                result_json=json.dumps(s.result, sort_keys=True),
                occur_time=timestamp(s.occurred_at),
            )
            for s in activity.statements
        ],
        verb_counts=[analytics_pb2.VerbCount(verb=v, count=n) for v, n in activity.verb_counts],
    )
