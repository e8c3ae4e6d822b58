"""Enrolment: free, paid through the internal RPC (idempotent by order id), unenrol,
revoke, lists, and prerequisites enforced with a PreconditionFailure."""

from __future__ import annotations

import asyncio

import grpc
from google.protobuf import field_mask_pb2
from google.rpc import error_details_pb2

from lms.course.v1 import course_pb2, events_pb2
from lms_devkit.course import People, fails, outbox_events, published_course, uid
from lms_kit.testing.harness import error_reason, rich_status


async def test_free_enrolment_is_idempotent_and_records_one_event(service):
    stub, mint, running = service
    people = People(mint)
    course, _ = await published_course(stub, people.teacher(uid()))
    learner = uid()
    request = course_pb2.EnrollRequest(course=course.name)

    first, second = await asyncio.gather(
        stub.Enroll(request, metadata=people.student(learner)),
        stub.Enroll(request, metadata=people.student(learner)),
    )

    assert first.name == second.name == f"{course.name}/enrollments/{learner}"
    assert first.state == course_pb2.ENROLLMENT_STATE_ACTIVE and first.lecture_count == 2
    course_id = course.name.split("/")[1]
    assert (
        len(await outbox_events(running.built.database, events_pb2.EnrollmentCreated, course_id=course_id))
        == 1
    )


async def test_a_paid_course_cannot_be_joined_directly(service):
    stub, mint, _ = service
    people = People(mint)
    course, _ = await published_course(stub, people.teacher(uid()), price=4900)
    error = await fails(
        stub.Enroll(course_pb2.EnrollRequest(course=course.name), metadata=people.student(uid()))
    )
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.FAILED_PRECONDITION, "COURSE_NOT_FREE")


async def test_paid_enrolment_is_idempotent_by_order_id_and_only_payment_may_call_it(service):
    stub, mint, running = service
    people = People(mint)
    course, _ = await published_course(stub, people.teacher(uid()), price=4900)
    learner, order = uid(), f"ord_{uid()}"
    request = course_pb2.EnrollPaidRequest(course=course.name, user=f"users/{learner}", order_id=order)

    results = await asyncio.gather(*[stub.EnrollPaid(request, metadata=people.payment()) for _ in range(5)])

    assert {r.name for r in results} == {f"{course.name}/enrollments/{learner}"}
    assert all(r.source == course_pb2.ENROLLMENT_SOURCE_PAID and r.order_id == order for r in results)
    assert len(await outbox_events(running.built.database, events_pb2.EnrollmentCreated, order_id=order)) == 1
    other = course_pb2.EnrollPaidRequest(course=course.name, user=f"users/{uid()}", order_id=order)
    error = await fails(stub.EnrollPaid(other, metadata=people.payment()))
    assert error_reason(error) == "ORDER_ID_REUSED"
    for metadata in (people.student(learner), people.admin(), mint.service_bearer("notification")):
        denied = await fails(stub.EnrollPaid(request, metadata=metadata))
        assert denied.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_revoke_ends_the_order_enrolment_once_and_unenrol_ends_a_free_one(service):
    stub, mint, running = service
    people = People(mint)
    paid, _ = await published_course(stub, people.teacher(uid()), price=100)
    free, _ = await published_course(stub, people.teacher(uid()))
    learner, order = uid(), f"ord_{uid()}"
    await stub.EnrollPaid(
        course_pb2.EnrollPaidRequest(course=paid.name, user=f"users/{learner}", order_id=order),
        metadata=people.payment(),
    )
    revoke = course_pb2.RevokeEnrollmentRequest(order_id=order, reason="refund")
    first = await stub.RevokeEnrollment(revoke, metadata=people.payment())
    again = await stub.RevokeEnrollment(revoke, metadata=people.payment())
    assert first.state == again.state == course_pb2.ENROLLMENT_STATE_REVOKED
    assert len(await outbox_events(running.built.database, events_pb2.EnrollmentEnded, order_id=order)) == 1

    await stub.Enroll(course_pb2.EnrollRequest(course=free.name), metadata=people.student(learner))
    left = await stub.Unenroll(course_pb2.UnenrollRequest(course=free.name), metadata=people.student(learner))
    assert left.state == course_pb2.ENROLLMENT_STATE_CANCELLED
    error = await fails(
        stub.Unenroll(course_pb2.UnenrollRequest(course=free.name), metadata=people.student(learner))
    )
    assert error_reason(error) == "ENROLLMENT_NOT_FOUND"
    mine = await stub.ListUserEnrollments(
        course_pb2.ListUserEnrollmentsRequest(parent=f"users/{learner}"), metadata=people.student(learner)
    )
    assert list(mine.enrollments) == []


async def test_enrolment_lists_page_for_the_learner_and_the_teacher(service):
    stub, mint, _ = service
    people = People(mint)
    owner = people.teacher(uid())
    learner = uid()
    courses = [(await published_course(stub, owner, lectures=1))[0] for _ in range(5)]
    for course in courses:
        await stub.Enroll(course_pb2.EnrollRequest(course=course.name), metadata=people.student(learner))
    for _ in range(3):
        await stub.Enroll(course_pb2.EnrollRequest(course=courses[0].name), metadata=people.student(uid()))

    seen, token = [], ""
    while True:
        page = await stub.ListUserEnrollments(
            course_pb2.ListUserEnrollmentsRequest(parent=f"users/{learner}", page_size=2, page_token=token),
            metadata=people.student(learner),
        )
        seen += [e.course for e in page.enrollments]
        token = page.next_page_token
        if not token:
            break
    assert seen == [c.name for c in reversed(courses)]

    roster = await stub.ListCourseEnrollments(
        course_pb2.ListCourseEnrollmentsRequest(parent=courses[0].name, page_size=10), metadata=owner
    )
    assert len(roster.enrollments) == 4
    other = await fails(
        stub.ListUserEnrollments(
            course_pb2.ListUserEnrollmentsRequest(parent=f"users/{learner}"), metadata=people.student(uid())
        )
    )
    assert other.code() == grpc.StatusCode.PERMISSION_DENIED
    stranger = await fails(
        stub.ListCourseEnrollments(
            course_pb2.ListCourseEnrollmentsRequest(parent=courses[0].name), metadata=people.teacher(uid())
        )
    )
    assert error_reason(stranger) == "NOT_COURSE_INSTRUCTOR"


async def set_prerequisites(stub, teacher, course_name: str, required: list[str]):
    return await stub.UpdateCourse(
        course_pb2.UpdateCourseRequest(
            course=course_pb2.Course(name=course_name, prerequisites=required),
            update_mask=field_mask_pb2.FieldMask(paths=["prerequisites"]),
        ),
        metadata=teacher,
    )


async def test_missing_prerequisites_are_named_in_the_precondition_failure(service):
    stub, mint, _ = service
    people = People(mint)
    teacher = people.teacher(uid())
    basics, basics_lectures = await published_course(stub, teacher, lectures=1)
    intro, _ = await published_course(stub, teacher, lectures=1)
    advanced, _ = await published_course(stub, teacher, lectures=1)
    await set_prerequisites(stub, teacher, advanced.name, [basics.name, intro.name])
    learner = people.student(uid())

    error = await fails(stub.Enroll(course_pb2.EnrollRequest(course=advanced.name), metadata=learner))

    assert (error.code(), error_reason(error)) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "PREREQUISITES_NOT_MET",
    )
    status = rich_status(error)
    failure, info = error_details_pb2.PreconditionFailure(), error_details_pb2.ErrorInfo()
    assert any(d.Unpack(failure) for d in status.details) and any(d.Unpack(info) for d in status.details)
    assert [v.subject for v in failure.violations] == [basics.name, intro.name]
    assert info.metadata["missing"] == f"{basics.name},{intro.name}"

    # Completing one leaves only the other missing; completing both opens the course.
    await stub.Enroll(course_pb2.EnrollRequest(course=basics.name), metadata=learner)
    await stub.CompleteLecture(course_pb2.CompleteLectureRequest(name=basics_lectures[0]), metadata=learner)
    error = await fails(stub.Enroll(course_pb2.EnrollRequest(course=advanced.name), metadata=learner))
    assert dict(rich_status_info(error))["missing"] == intro.name


def rich_status_info(error):
    info = error_details_pb2.ErrorInfo()
    for detail in rich_status(error).details:
        if detail.Unpack(info):
            return info.metadata.items()
    return []


async def test_prerequisite_cycles_are_refused_on_write(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    a, _ = await published_course(stub, teacher, lectures=1)
    b, _ = await published_course(stub, teacher, lectures=1)
    c, _ = await published_course(stub, teacher, lectures=1)
    await set_prerequisites(stub, teacher, b.name, [a.name])
    await set_prerequisites(stub, teacher, c.name, [b.name])

    for course, required in ((a.name, [c.name]), (a.name, [a.name])):
        error = await fails(set_prerequisites(stub, teacher, course, required))
        assert (error.code(), error_reason(error)) == (
            grpc.StatusCode.FAILED_PRECONDITION,
            "PREREQUISITE_CYCLE",
        )


async def test_concurrent_prerequisite_edits_cannot_close_a_cycle(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    a, _ = await published_course(stub, teacher, lectures=1)
    b, _ = await published_course(stub, teacher, lectures=1)

    results = await asyncio.gather(
        set_prerequisites(stub, teacher, a.name, [b.name]),
        set_prerequisites(stub, teacher, b.name, [a.name]),
        return_exceptions=True,
    )

    refused = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(refused) == 1 and error_reason(refused[0]) == "PREREQUISITE_CYCLE"


async def test_every_enrolment_answer_names_its_course(service):
    stub, mint, _ = service
    people = People(mint)
    course, _ = await published_course(stub, people.teacher(uid()), title="Titled course")
    learner = people.student(uid())
    request = course_pb2.EnrollRequest(course=course.name)
    first = await stub.Enroll(request, metadata=learner)
    again = await stub.Enroll(request, metadata=learner)  # already enrolled: the stored row
    read = await stub.GetEnrollment(course_pb2.GetEnrollmentRequest(name=first.name), metadata=learner)
    left = await stub.Unenroll(course_pb2.UnenrollRequest(course=course.name), metadata=learner)
    assert [e.course_title for e in (first, again, read, left)] == ["Titled course"] * 4
