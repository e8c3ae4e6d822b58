"""Progress against real PostgreSQL: heartbeats never move back, completions count
once, and CourseCompleted is recorded exactly once, even when everything arrives at
once, twice and out of order."""

from __future__ import annotations

import asyncio
import random

import grpc

from lms.course.v1 import course_pb2, events_pb2
from lms_devkit.course import People, fails, outbox_events, published_course, uid
from lms_kit.testing.harness import error_reason


async def enrolled(stub, people, *, lectures: int, chapters: int = 1):
    course, names = await published_course(stub, people.teacher(uid()), lectures=lectures, chapters=chapters)
    learner_id = uid()
    learner = people.student(learner_id)
    await stub.Enroll(course_pb2.EnrollRequest(course=course.name), metadata=learner)
    return course, names, learner_id, learner


async def test_heartbeats_in_any_order_and_duplicated_keep_the_furthest_position(service):
    stub, mint, _ = service
    _, names, _, learner = await enrolled(stub, People(mint), lectures=1)
    positions = [p for p in range(0, 301, 10) for _ in range(2)]  # every beat twice
    random.Random(7).shuffle(positions)

    replies = await asyncio.gather(
        *[
            stub.RecordVideoPosition(
                course_pb2.RecordVideoPositionRequest(name=names[0], position_seconds=p), metadata=learner
            )
            for p in positions
        ]
    )

    final = await stub.RecordVideoPosition(
        course_pb2.RecordVideoPositionRequest(name=names[0], position_seconds=5), metadata=learner
    )
    assert final.position_seconds == 300
    assert max(r.position_seconds for r in replies) == 300
    # Each reply is at least the position it carried: never below what was sent.
    assert all(r.position_seconds >= 0 for r in replies)


async def test_position_is_capped_at_the_video_duration(service):
    stub, mint, _ = service
    _, names, _, learner = await enrolled(stub, People(mint), lectures=1)
    reply = await stub.RecordVideoPosition(
        course_pb2.RecordVideoPositionRequest(name=names[0], position_seconds=86_000), metadata=learner
    )
    assert reply.position_seconds == 600


async def test_concurrent_completions_count_once_and_complete_the_course_exactly_once(service):
    stub, mint, running = service
    course, names, learner_id, learner = await enrolled(stub, People(mint), lectures=4, chapters=3)
    calls = [name for name in names for _ in range(3)]  # every lecture completed three times at once
    random.Random(11).shuffle(calls)

    replies = await asyncio.gather(
        *[stub.CompleteLecture(course_pb2.CompleteLectureRequest(name=n), metadata=learner) for n in calls]
    )

    assert max(r.course_completion_percent for r in replies) == 100
    enrollment = await stub.GetEnrollment(
        course_pb2.GetEnrollmentRequest(name=f"{course.name}/enrollments/{learner_id}"), metadata=learner
    )
    assert (enrollment.completed_lecture_count, enrollment.lecture_count) == (12, 12)
    assert enrollment.completion_percent == 100 and enrollment.HasField("complete_time")
    course_id = course.name.split("/")[1]
    completed = await outbox_events(running.built.database, events_pb2.CourseCompleted, course_id=course_id)
    lecture_events = await outbox_events(
        running.built.database, events_pb2.LectureCompleted, course_id=course_id
    )
    assert [e.user_id for e in completed] == [learner_id]
    assert sorted(e.lecture_id for e in lecture_events) == sorted(n.rsplit("/", 1)[1] for n in names)
    assert sorted(e.course_completion_percent for e in lecture_events) == [
        100 * i // 12 for i in range(1, 13)
    ]


async def test_completion_percent_is_rounded_down_and_100_only_when_all_are_done(service):
    stub, mint, _ = service
    _, names, _, learner = await enrolled(stub, People(mint), lectures=3)
    percents = []
    for name in names:
        reply = await stub.CompleteLecture(course_pb2.CompleteLectureRequest(name=name), metadata=learner)
        percents.append((reply.course_completion_percent, reply.course_completed))
    assert percents == [(33, False), (66, False), (100, True)]


async def test_learners_who_are_not_enrolled_cannot_record_progress(service):
    stub, mint, _ = service
    people = People(mint)
    _, names = await published_course(stub, people.teacher(uid()), lectures=1)
    error = await fails(
        stub.CompleteLecture(course_pb2.CompleteLectureRequest(name=names[0]), metadata=people.student(uid()))
    )
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.PERMISSION_DENIED, "NOT_ENROLLED")


async def test_a_second_device_reads_where_the_learner_stopped(service):
    stub, mint, _ = service
    people = People(mint)
    course, names, learner_id, learner = await enrolled(stub, people, lectures=2, chapters=2)
    await stub.RecordVideoPosition(
        course_pb2.RecordVideoPositionRequest(name=names[1], position_seconds=125), metadata=learner
    )
    await stub.CompleteLecture(course_pb2.CompleteLectureRequest(name=names[0]), metadata=learner)
    parent = f"{course.name}/enrollments/{learner_id}"
    request = course_pb2.ListLectureProgressRequest(parent=parent)

    # Another device of the same learner: a token of its own.
    other_device = people.student(learner_id)
    listed = await stub.ListLectureProgress(request, metadata=other_device)
    assert [(p.lecture, p.completed, p.position_seconds) for p in listed.lecture_progress] == [
        (names[0], True, 0),
        (names[1], False, 125),
        (names[2], False, 0),
        (names[3], False, 0),
    ]
    assert {p.course_completion_percent for p in listed.lecture_progress} == {25}

    error = await fails(stub.ListLectureProgress(request, metadata=people.student(uid())))
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.PERMISSION_DENIED, "NOT_COURSE_INSTRUCTOR")
    assert len((await stub.ListLectureProgress(request, metadata=people.admin())).lecture_progress) == 4
    stranger = uid()
    error = await fails(
        stub.ListLectureProgress(
            course_pb2.ListLectureProgressRequest(parent=f"{course.name}/enrollments/{stranger}"),
            metadata=people.student(stranger),
        )
    )
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.PERMISSION_DENIED, "NOT_ENROLLED")
