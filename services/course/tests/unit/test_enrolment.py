"""Enrolment use cases on the fakes: prerequisites, order ids, free and paid courses, and
subscriptions checked through a fake payment service."""

from __future__ import annotations

import pytest

from lms_course.domain.enums import EnrollmentSource, EnrollmentState
from lms_course.domain.errors import PrerequisitesNotMet
from lms_course.domain.events import EnrollmentCreated
from lms_kit.domain import Precondition, Unavailable
from lms_kit.domain.money import Money

from .support import LEARNER, NOW, a_course, mark_completed, put_published

# -- enrolment -----------------------------------------------------------------------


async def test_enrolment_is_refused_until_every_prerequisite_is_completed(store, handlers):
    put_published(store, a_course("basics"))
    put_published(store, a_course("algebra"))
    put_published(store, a_course("calculus", prerequisite_ids=("basics", "algebra")))
    with pytest.raises(PrerequisitesNotMet) as caught:
        await handlers.enrolment.enroll(LEARNER, "calculus")
    assert caught.value.missing == ["basics", "algebra"]

    await handlers.enrolment.enroll(LEARNER, "basics")
    mark_completed(store, "basics", LEARNER.user_id, NOW)
    with pytest.raises(PrerequisitesNotMet) as caught:
        await handlers.enrolment.enroll_paid("calculus", LEARNER.user_id, "order-1")
    assert caught.value.missing == ["algebra"]

    await handlers.enrolment.enroll(LEARNER, "algebra")
    mark_completed(store, "algebra", LEARNER.user_id, NOW)
    enrollment = await handlers.enrolment.enroll(LEARNER, "calculus")
    assert enrollment.is_active


async def test_second_paid_enrolment_with_the_same_order_id_is_a_no_op(store, handlers):
    put_published(store, a_course(price=Money(4900, "EUR")))
    first = await handlers.enrolment.enroll_paid("c1", LEARNER.user_id, "order-1")
    again = await handlers.enrolment.enroll_paid("c1", LEARNER.user_id, "order-1")
    assert (again.course_id, again.user_id, again.order_id) == (first.course_id, first.user_id, "order-1")
    assert again.enrolled_at == first.enrolled_at
    assert len(store.events_of(EnrollmentCreated)) == 1
    assert store.state.courses["c1"].enrollment_count == 1


async def test_an_order_id_cannot_enrol_another_learner(store, handlers):
    put_published(store, a_course(price=Money(4900, "EUR")))
    await handlers.enrolment.enroll_paid("c1", LEARNER.user_id, "order-1")
    with pytest.raises(Precondition) as caught:
        await handlers.enrolment.enroll_paid("c1", "someone-else", "order-1")
    assert caught.value.reason == "ORDER_ID_REUSED"


async def test_a_paid_course_is_not_enrolled_for_free(store, handlers):
    put_published(store, a_course(price=Money(4900, "EUR")))
    with pytest.raises(Precondition) as caught:
        await handlers.enrolment.enroll(LEARNER, "c1")
    assert caught.value.reason == "COURSE_NOT_FREE"


# -- enrolment through a subscription ------------------------------------------------


async def test_a_granting_subscription_enrols_in_a_paid_course_with_the_subscription_source(
    store, access, with_access
):
    put_published(store, a_course(price=Money(4900, "EUR")))
    access.grant(LEARNER.user_id, "c1")

    enrollment = await with_access.enrolment.enroll(LEARNER, "c1")

    assert (enrollment.state, enrollment.source, enrollment.order_id) == (
        EnrollmentState.ACTIVE,
        EnrollmentSource.SUBSCRIPTION,
        "",
    )
    assert access.calls == [(LEARNER.user_id, "c1")]
    [created] = store.events_of(EnrollmentCreated)
    assert (created.source, created.order_id) == (EnrollmentSource.SUBSCRIPTION, "")
    assert store.state.courses["c1"].enrollment_count == 1


async def test_a_paid_course_no_subscription_grants_is_refused_as_not_free(store, access, with_access):
    put_published(store, a_course(price=Money(4900, "EUR")))
    access.grant("someone-else", "c1")
    with pytest.raises(Precondition) as caught:
        await with_access.enrolment.enroll(LEARNER, "c1")
    assert caught.value.reason == "COURSE_NOT_FREE"
    assert store.state.enrollments == {} and store.events == []


async def test_an_unanswered_subscription_check_is_unavailable_and_enrols_no_one(store, access, with_access):
    put_published(store, a_course(price=Money(4900, "EUR")))
    access.grant(LEARNER.user_id, "c1")
    access.down = True
    with pytest.raises(Unavailable) as caught:
        await with_access.enrolment.enroll(LEARNER, "c1")
    assert caught.value.reason == "PAYMENT_UNAVAILABLE"
    assert store.state.enrollments == {} and store.events == []


async def test_free_courses_and_repeated_enrolments_do_not_ask_the_payment_service(
    store, access, with_access
):
    put_published(store, a_course("free"))
    put_published(store, a_course("paid", price=Money(4900, "EUR")))
    access.grant(LEARNER.user_id, "paid")
    assert (await with_access.enrolment.enroll(LEARNER, "free")).source is EnrollmentSource.FREE
    await with_access.enrolment.enroll(LEARNER, "paid")
    access.down = True  # a retry of an enrolment that exists needs no answer
    again = await with_access.enrolment.enroll(LEARNER, "paid")
    assert again.source is EnrollmentSource.SUBSCRIPTION
    assert access.calls == [(LEARNER.user_id, "paid")]
    assert len(store.events_of(EnrollmentCreated)) == 2


async def test_prerequisites_are_checked_before_the_payment_service_is_asked(store, access, with_access):
    put_published(store, a_course("basics"))
    put_published(store, a_course("c1", price=Money(4900, "EUR"), prerequisite_ids=("basics",)))
    access.grant(LEARNER.user_id, "c1")
    with pytest.raises(PrerequisitesNotMet):
        await with_access.enrolment.enroll(LEARNER, "c1")
    assert access.calls == []


async def test_revoking_an_old_order_leaves_an_enrolment_a_subscription_reopened(store, access, with_access):
    put_published(store, a_course(price=Money(4900, "EUR")))
    await with_access.enrolment.enroll_paid("c1", LEARNER.user_id, "order-1")
    await with_access.enrolment.revoke("order-1")  # refunded
    access.grant(LEARNER.user_id, "c1")
    reopened = await with_access.enrolment.enroll(LEARNER, "c1")
    assert reopened.source is EnrollmentSource.SUBSCRIPTION

    again = await with_access.enrolment.revoke("order-1")  # the payment service retrying the refund hook

    assert again.is_active
    assert store.state.enrollments[("c1", LEARNER.user_id)].state is EnrollmentState.ACTIVE
