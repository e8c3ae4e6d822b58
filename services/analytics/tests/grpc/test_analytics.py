"""The service in-process with the kit's real pipeline, the real course service and a real
JetStream: events of the course service reach the teacher's dashboard; roles are enforced;
client batches are checked and stored once; a redelivered event is one statement."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import grpc
import nats
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from lms.analytics.v1 import analytics_pb2
from lms.course.v1 import course_pb2, events_pb2
from lms_analytics.adapters.store import StatementStore
from lms_devkit.course import fails, published_course
from lms_kit.testing.harness import error_reason, field_violations

pytestmark = pytest.mark.asyncio(loop_scope="session")


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def eventually(check: Callable[[], Awaitable[bool]], *, within_s: float = 30.0) -> None:
    """Wait for an asynchronous effect (events cross NATS); fails if it never happens."""
    deadline = asyncio.get_running_loop().time() + within_s
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the expected effect never happened")
        await asyncio.sleep(0.1)


async def course_with_learner(mesh) -> tuple[str, tuple, str]:
    teacher_id, learner_id = uid("t"), uid("l")
    teacher = mesh.people.teacher(teacher_id)
    course, _ = await published_course(mesh.courses, teacher, title="Statistics")
    learner = mesh.people.student(learner_id)
    await mesh.courses.Enroll(course_pb2.EnrollRequest(course=course.name), metadata=learner)
    return course.name.split("/")[1], teacher, learner_id


def stamp(moment: datetime) -> Timestamp:
    out = Timestamp()
    out.FromDatetime(moment)
    return out


def video_event(**changes) -> analytics_pb2.ClientEvent:
    event = analytics_pb2.ClientEvent(
        event_id=str(uuid.uuid4()),
        kind=analytics_pb2.CLIENT_EVENT_KIND_VIDEO_PLAYED,
        object_id="lecture-1-video",
        course_id="c-1",
        occur_time=stamp(datetime.now(UTC) - timedelta(hours=30)),
        position_s=0.0,
    )
    for name, value in changes.items():
        setattr(event, name, value)
    return event


async def test_enrolment_through_the_course_service_shows_on_the_teachers_dashboard(mesh) -> None:
    course_id, teacher, _ = await course_with_learner(mesh)
    request = analytics_pb2.GetCourseDashboardRequest(name=f"courses/{course_id}/dashboard", days=7)

    async def enrolled() -> bool:
        dashboard = await mesh.analytics.GetCourseDashboard(request, metadata=teacher)
        return dashboard.enrollment_count == 1

    await eventually(enrolled)
    dashboard = await mesh.analytics.GetCourseDashboard(request, metadata=teacher)
    assert len(dashboard.days) == 7
    assert dashboard.days[-1].enrollment_count == 1
    assert dashboard.days[-1].active_learner_count == 1  # the learner; publishing is not learning
    assert dashboard.days[-1].day == datetime.now(UTC).date().isoformat()
    assert sum(d.enrollment_count for d in dashboard.days) == 1

    csv = await mesh.analytics.ExportCourseDashboard(
        analytics_pb2.ExportCourseDashboardRequest(name=f"courses/{course_id}/dashboard", days=2),
        metadata=teacher,
    )
    assert csv.content_type.startswith("text/csv")
    lines = csv.data.decode().splitlines()
    assert lines[0] == "day,enrollments,completions,active_learners"
    assert lines[-1].startswith(f"{datetime.now(UTC).date().isoformat()},1,0,")


async def test_another_teacher_and_a_learner_cannot_read_a_course_dashboard(mesh) -> None:
    course_id, _, learner_id = await course_with_learner(mesh)
    request = analytics_pb2.GetCourseDashboardRequest(name=f"courses/{course_id}/dashboard")
    other = await fails(mesh.analytics.GetCourseDashboard(request, metadata=mesh.people.teacher(uid("t"))))
    assert other.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error_reason(other) == "NOT_COURSE_TEACHER"
    learner = await fails(
        mesh.analytics.GetCourseDashboard(request, metadata=mesh.people.student(learner_id))
    )
    assert learner.code() == grpc.StatusCode.PERMISSION_DENIED
    admin = await mesh.analytics.GetCourseDashboard(request, metadata=mesh.people.admin())
    assert admin.name == f"courses/{course_id}/dashboard"


async def test_client_batch_is_stored_once_and_resending_it_stores_nothing(mesh) -> None:
    learner_id = uid("l")
    learner = mesh.people.student(learner_id)
    batch = analytics_pb2.TrackEventsRequest(
        events=[
            video_event(),
            video_event(kind=analytics_pb2.CLIENT_EVENT_KIND_VIDEO_PAUSED, position_s=42.5),
            analytics_pb2.ClientEvent(
                event_id=str(uuid.uuid4()),
                kind=analytics_pb2.CLIENT_EVENT_KIND_SEARCH_PERFORMED,
                object_id="catalog",
                query="linear algebra",
                occur_time=stamp(datetime.now(UTC)),
            ),
        ]
    )
    first = await mesh.analytics.TrackEvents(batch, metadata=learner)
    again = await mesh.analytics.TrackEvents(batch, metadata=learner)
    assert (first.accepted_count, first.duplicate_count) == (3, 0)
    assert (again.accepted_count, again.duplicate_count) == (0, 3)

    activity = await mesh.analytics.GetLearnerActivity(
        analytics_pb2.GetLearnerActivityRequest(name=f"users/{learner_id}/activity"), metadata=learner
    )
    assert len(activity.statements) == 3
    assert activity.statements[0].verb == "https://lms.example/xapi/verbs/search-performed"  # newest first
    assert {(c.verb, c.count) for c in activity.verb_counts} == {
        ("video-played", 1),
        ("video-paused", 1),
        ("search-performed", 1),
    }


async def test_bad_client_batch_is_refused_whole_with_every_bad_field(mesh) -> None:
    learner_id = uid("l")
    learner = mesh.people.student(learner_id)
    batch = analytics_pb2.TrackEventsRequest(
        events=[
            video_event(),
            video_event(kind=analytics_pb2.CLIENT_EVENT_KIND_VIDEO_SEEKED),  # no seek_from_s
            video_event(event_id="not-a-uuid"),
        ]
    )
    error = await fails(mesh.analytics.TrackEvents(batch, metadata=learner))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(field_violations(error)) == {"events[2].event_id"}  # the contract's rules first
    batch.events[2].event_id = str(uuid.uuid4())
    error = await fails(mesh.analytics.TrackEvents(batch, metadata=learner))
    assert set(field_violations(error)) == {"events[1].seek_from_s"}
    empty = await fails(mesh.analytics.TrackEvents(analytics_pb2.TrackEventsRequest(), metadata=learner))
    assert empty.code() == grpc.StatusCode.INVALID_ARGUMENT
    activity = await mesh.analytics.GetLearnerActivity(
        analytics_pb2.GetLearnerActivityRequest(name=f"users/{learner_id}/activity"), metadata=learner
    )
    assert list(activity.statements) == []  # nothing of a refused batch was kept


async def test_learners_read_only_their_own_activity_and_only_admins_the_overview(mesh) -> None:
    name = f"users/{uid('l')}/activity"
    other = await fails(
        mesh.analytics.GetLearnerActivity(
            analytics_pb2.GetLearnerActivityRequest(name=name), metadata=mesh.people.student(uid("l"))
        )
    )
    assert other.code() == grpc.StatusCode.PERMISSION_DENIED
    admin = await mesh.analytics.GetLearnerActivity(
        analytics_pb2.GetLearnerActivityRequest(name=name), metadata=mesh.people.admin()
    )
    assert admin.name == name
    teacher = await fails(
        mesh.analytics.GetPlatformOverview(
            analytics_pb2.GetPlatformOverviewRequest(), metadata=mesh.people.teacher("t")
        )
    )
    assert teacher.code() == grpc.StatusCode.PERMISSION_DENIED
    overview = await mesh.analytics.GetPlatformOverview(
        analytics_pb2.GetPlatformOverviewRequest(days=3), metadata=mesh.people.admin()
    )
    assert len(overview.active_users) == 3


async def test_event_delivered_twice_is_one_statement(mesh) -> None:
    store: StatementStore = mesh.served.exposed["store"]
    event_id = str(uuid.uuid4())
    course_id = uid("c")
    payload = events_pb2.EnrollmentCreated(course_id=course_id, user_id=uid("l")).SerializeToString()
    client = await nats.connect(mesh.nats_url)
    try:
        js = client.jetstream()
        for attempt in range(2):  # two message ids: JetStream keeps both, so both are delivered
            await js.publish(
                "lms.course.v1.EnrollmentCreated",
                payload,
                headers={
                    "Nats-Msg-Id": f"{event_id}-{attempt}",
                    "lms-event-id": event_id,
                    "lms-event-type": "lms.course.v1.EnrollmentCreated",
                    "lms-occurred-at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    "content-type": "application/protobuf",
                },
            )
    finally:
        await client.close()

    async def stored() -> bool:
        return await store.count_statements(event_id) >= 1

    await eventually(stored)
    # The store itself refuses the id again (as after a crash between it and the inbox).
    ingestion = mesh.served.exposed["ingestion"]
    assert not await ingestion.record_domain_event(
        event_id, "lms.course.v1.EnrollmentCreated", {"course_id": course_id}, None
    )
    assert await store.count_statements(event_id) == 1
    assert (await store.course_totals(course_id)).enrollments == 1
