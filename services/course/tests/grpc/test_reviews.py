"""Reviews: enrolled learners only, one each, editable, teacher reply, and an aggregate
that stays exact under concurrent posts and edits."""

from __future__ import annotations

import asyncio
from collections import Counter

import grpc
from google.protobuf import field_mask_pb2

from lms.course.v1 import course_pb2, events_pb2
from lms_devkit.course import People, fails, outbox_events, published_course, uid
from lms_kit.testing.harness import error_reason


async def enrol_many(stub, people, course_name: str, count: int) -> list[tuple[str, tuple]]:
    learners = [(u, people.student(u)) for u in (uid() for _ in range(count))]
    await asyncio.gather(
        *[stub.Enroll(course_pb2.EnrollRequest(course=course_name), metadata=m) for _, m in learners]
    )
    return learners


def review(course_name: str, rating: int, text: str = "") -> course_pb2.CreateReviewRequest:
    return course_pb2.CreateReviewRequest(
        parent=course_name, review=course_pb2.Review(rating=rating, text=text)
    )


async def test_concurrent_reviews_and_edits_keep_the_aggregate_exact(service):
    stub, mint, running = service
    people = People(mint)
    course, _ = await published_course(stub, people.teacher(uid()), lectures=1)
    learners = await enrol_many(stub, people, course.name, 30)
    first = {u: 1 + i % 5 for i, (u, _) in enumerate(learners)}

    await asyncio.gather(*[stub.CreateReview(review(course.name, first[u]), metadata=m) for u, m in learners])
    final = {u: 5 - (i % 3) for i, (u, _) in enumerate(learners)}
    await asyncio.gather(
        *[
            stub.UpdateReview(
                course_pb2.UpdateReviewRequest(
                    review=course_pb2.Review(name=f"{course.name}/reviews/{u}", rating=final[u]),
                    update_mask=field_mask_pb2.FieldMask(paths=["rating"]),
                ),
                metadata=m,
            )
            for u, m in learners
        ]
    )

    got = (await stub.GetCourse(course_pb2.GetCourseRequest(name=course.name))).rating
    histogram = Counter(final.values())
    assert got.count == 30
    assert list(got.histogram) == [histogram[s] for s in range(1, 6)]
    assert abs(got.average - sum(final.values()) / 30) < 0.001
    course_id = course.name.split("/")[1]
    assert (
        len(await outbox_events(running.built.database, events_pb2.ReviewPosted, course_id=course_id)) == 60
    )


async def test_one_review_per_learner_and_only_enrolled_learners_review(service):
    stub, mint, _ = service
    people = People(mint)
    course, _ = await published_course(stub, people.teacher(uid()), lectures=1)
    [(_, learner)] = await enrol_many(stub, people, course.name, 1)
    results = await asyncio.gather(
        stub.CreateReview(review(course.name, 4), metadata=learner),
        stub.CreateReview(review(course.name, 2), metadata=learner),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(refused) == 1 and error_reason(refused[0]) == "REVIEW_ALREADY_EXISTS"
    assert (await stub.GetCourse(course_pb2.GetCourseRequest(name=course.name))).rating.count == 1

    outsider = await fails(stub.CreateReview(review(course.name, 5), metadata=people.student(uid())))
    assert (outsider.code(), error_reason(outsider)) == (grpc.StatusCode.PERMISSION_DENIED, "NOT_ENROLLED")
    zero = await fails(stub.CreateReview(review(course.name, 0), metadata=learner))
    assert zero.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_teacher_replies_and_others_cannot_edit_a_review(service):
    stub, mint, _ = service
    people = People(mint)
    teacher = people.teacher(uid())
    course, _ = await published_course(stub, teacher, lectures=1)
    [(author, learner)] = await enrol_many(stub, people, course.name, 1)
    posted = await stub.CreateReview(review(course.name, 5, "Great"), metadata=learner)

    replied = await stub.ReplyToReview(
        course_pb2.ReplyToReviewRequest(name=posted.name, reply="Thanks!"), metadata=teacher
    )
    assert (replied.reply, replied.text, replied.author) == ("Thanks!", "Great", f"users/{author}")
    stranger = await fails(
        stub.ReplyToReview(
            course_pb2.ReplyToReviewRequest(name=posted.name, reply="x"), metadata=people.teacher(uid())
        )
    )
    assert error_reason(stranger) == "NOT_COURSE_INSTRUCTOR"
    other = await fails(
        stub.UpdateReview(
            course_pb2.UpdateReviewRequest(review=course_pb2.Review(name=posted.name, text="edited")),
            metadata=people.student(uid()),
        )
    )
    assert error_reason(other) == "NOT_REVIEW_AUTHOR"
    listed = await stub.ListReviews(course_pb2.ListReviewsRequest(parent=course.name))
    assert [r.reply for r in listed.reviews] == ["Thanks!"]
