"""The use cases driven with in-memory repositories (tests/unit/fakes.py): the rules
the handlers own, in milliseconds. The same rules over gRPC against PostgreSQL, with
concurrency, are in tests/grpc."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms_course.domain.errors import (
    Conflict,
    CourseNotFound,
    Denied,
    InvalidField,
    Precondition,
    PrerequisitesNotMet,
    Unavailable,
)
from lms_course.domain.model import (
    FREE,
    Actor,
    Course,
    CourseCompleted,
    CourseDetails,
    CoursePublished,
    CourseState,
    EnrollmentCreated,
    EnrollmentSource,
    EnrollmentState,
    Lecture,
    LectureCompleted,
    LectureContent,
    LectureKind,
    Money,
    ReviewPosted,
)
from lms_course.handlers import CourseHandlers, LectureRef

from .fakes import FakeStore, FakeSubscriptionAccess

NOW = datetime(2026, 1, 1, tzinfo=UTC)
TEACHER = Actor("t1")
CO_TEACHER = Actor("t2")
STRANGER = Actor("t9")
ADMIN = Actor("a1", is_admin=True)
LEARNER = Actor("u1")


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def handlers(store: FakeStore) -> CourseHandlers:
    return CourseHandlers(store.uow, clock=Clock())


def a_course(course_id: str = "c1", *, price: Money = FREE, **details) -> Course:
    return Course.create(
        course_id=course_id,
        owner_id=TEACHER.user_id,
        details=CourseDetails(title=f"Course {course_id}", price=price, **details),
        now=NOW,
    )


def lectures(store: FakeStore, course_id: str, count: int) -> list[LectureRef]:
    refs = []
    for i in range(count):
        lecture = Lecture(f"{course_id}-l{i}", course_id, f"{course_id}-ch", f"Lecture {i}", i)
        lecture.content = LectureContent(LectureKind.VIDEO, duration_s=600)
        store.structure.put_lecture(lecture)
        refs.append(LectureRef(course_id, lecture.chapter_id, lecture.id))
    return refs


# -- publishing and editing --------------------------------------------------------


async def test_publishing_a_course_with_no_lectures_is_refused(store, handlers):
    store.courses.put(a_course())
    with pytest.raises(Precondition) as caught:
        await handlers.publish_course("c1", TEACHER)
    assert caught.value.reason == "COURSE_HAS_NO_LECTURES"
    assert store.courses.rows["c1"].state is CourseState.DRAFT
    assert store.committed == []


async def test_publishing_a_course_with_a_lecture_records_course_published_once(store, handlers):
    store.courses.put(a_course())
    lectures(store, "c1", 1)
    await handlers.publish_course("c1", TEACHER)
    await handlers.publish_course("c1", TEACHER)  # idempotent
    assert store.courses.rows["c1"].state is CourseState.PUBLISHED
    assert len(store.events(CoursePublished)) == 1


async def test_only_the_courses_teachers_and_admins_may_edit(store, handlers):
    store.courses.put(a_course(instructor_ids=(CO_TEACHER.user_id,)))
    lectures(store, "c1", 1)
    store.published(store.courses.rows["c1"])  # visible, so the refusal is about editing
    with pytest.raises(Denied) as caught:
        await handlers.update_course("c1", STRANGER, {"title"}, CourseDetails(title="Mine now"))
    assert caught.value.reason == "NOT_COURSE_INSTRUCTOR"
    with pytest.raises(Denied):
        await handlers.create_chapter(STRANGER, "c1", "Extra", None)
    await handlers.update_course("c1", CO_TEACHER, {"title"}, CourseDetails(title="By co-teacher"))
    await handlers.update_course("c1", ADMIN, {"subtitle"}, CourseDetails(subtitle="By admin"))
    stored = store.courses.rows["c1"]
    assert (stored.details.title, stored.details.subtitle) == ("By co-teacher", "By admin")


async def test_a_co_instructor_may_not_change_the_instructors(store, handlers):
    store.courses.put(a_course(instructor_ids=(CO_TEACHER.user_id,)))
    with pytest.raises(Denied) as caught:
        await handlers.update_course("c1", CO_TEACHER, {"instructors"}, CourseDetails(instructor_ids=()))
    assert caught.value.reason == "NOT_COURSE_OWNER"


async def test_a_draft_is_not_found_for_someone_who_may_not_see_it(store, handlers):
    store.courses.put(a_course())
    with pytest.raises(CourseNotFound):
        await handlers.get_course("c1", STRANGER)
    with pytest.raises(CourseNotFound):
        await handlers.publish_course("c1", STRANGER)


# -- enrolment -----------------------------------------------------------------------


async def test_enrolment_is_refused_until_every_prerequisite_is_completed(store, handlers):
    store.published(a_course("basics"))
    store.published(a_course("algebra"))
    store.published(a_course("calculus", prerequisite_ids=("basics", "algebra")))
    with pytest.raises(PrerequisitesNotMet) as caught:
        await handlers.enroll(LEARNER, "calculus")
    assert caught.value.missing == ["basics", "algebra"]

    await handlers.enroll(LEARNER, "basics")
    await store.enrollments.mark_completed("basics", LEARNER.user_id, NOW)
    with pytest.raises(PrerequisitesNotMet) as caught:
        await handlers.enroll_paid("calculus", LEARNER.user_id, "order-1")
    assert caught.value.missing == ["algebra"]

    await handlers.enroll(LEARNER, "algebra")
    await store.enrollments.mark_completed("algebra", LEARNER.user_id, NOW)
    enrollment = await handlers.enroll(LEARNER, "calculus")
    assert enrollment.is_active


async def test_second_paid_enrolment_with_the_same_order_id_is_a_no_op(store, handlers):
    store.published(a_course(price=Money(4900, "EUR")))
    first = await handlers.enroll_paid("c1", LEARNER.user_id, "order-1")
    again = await handlers.enroll_paid("c1", LEARNER.user_id, "order-1")
    assert (again.course_id, again.user_id, again.order_id) == (first.course_id, first.user_id, "order-1")
    assert again.enrolled_at == first.enrolled_at
    assert len(store.events(EnrollmentCreated)) == 1
    assert store.courses.rows["c1"].enrollment_count == 1


async def test_an_order_id_cannot_enrol_another_learner(store, handlers):
    store.published(a_course(price=Money(4900, "EUR")))
    await handlers.enroll_paid("c1", LEARNER.user_id, "order-1")
    with pytest.raises(Precondition) as caught:
        await handlers.enroll_paid("c1", "someone-else", "order-1")
    assert caught.value.reason == "ORDER_ID_REUSED"


async def test_a_paid_course_is_not_enrolled_for_free(store, handlers):
    store.published(a_course(price=Money(4900, "EUR")))
    with pytest.raises(Precondition) as caught:
        await handlers.enroll(LEARNER, "c1")
    assert caught.value.reason == "COURSE_NOT_FREE"


# -- enrolment through a subscription ------------------------------------------------


@pytest.fixture
def access() -> FakeSubscriptionAccess:
    return FakeSubscriptionAccess()


@pytest.fixture
def with_access(store: FakeStore, access: FakeSubscriptionAccess) -> CourseHandlers:
    """The handlers of a deployment with a payment service (subscription check on)."""
    return CourseHandlers(store.uow, access=access, clock=Clock())


async def test_a_granting_subscription_enrols_in_a_paid_course_with_the_subscription_source(
    store, access, with_access
):
    store.published(a_course(price=Money(4900, "EUR")))
    access.grant(LEARNER.user_id, "c1")

    enrollment = await with_access.enroll(LEARNER, "c1")

    assert (enrollment.state, enrollment.source, enrollment.order_id) == (
        EnrollmentState.ACTIVE,
        EnrollmentSource.SUBSCRIPTION,
        "",
    )
    assert access.calls == [(LEARNER.user_id, "c1")]
    [created] = store.events(EnrollmentCreated)
    assert (created.source, created.order_id) == (EnrollmentSource.SUBSCRIPTION, "")
    assert store.courses.rows["c1"].enrollment_count == 1


async def test_a_paid_course_no_subscription_grants_is_refused_as_not_free(store, access, with_access):
    store.published(a_course(price=Money(4900, "EUR")))
    access.grant("someone-else", "c1")
    with pytest.raises(Precondition) as caught:
        await with_access.enroll(LEARNER, "c1")
    assert caught.value.reason == "COURSE_NOT_FREE"
    assert store.enrollments.rows == {} and store.committed == []


async def test_an_unanswered_subscription_check_is_unavailable_and_enrols_no_one(store, access, with_access):
    store.published(a_course(price=Money(4900, "EUR")))
    access.grant(LEARNER.user_id, "c1")
    access.down = True
    with pytest.raises(Unavailable) as caught:
        await with_access.enroll(LEARNER, "c1")
    assert caught.value.reason == "PAYMENT_UNAVAILABLE"
    assert store.enrollments.rows == {} and store.committed == []


async def test_free_courses_and_repeated_enrolments_do_not_ask_the_payment_service(
    store, access, with_access
):
    store.published(a_course("free"))
    store.published(a_course("paid", price=Money(4900, "EUR")))
    access.grant(LEARNER.user_id, "paid")
    assert (await with_access.enroll(LEARNER, "free")).source is EnrollmentSource.FREE
    await with_access.enroll(LEARNER, "paid")
    access.down = True  # a retry of an enrolment that exists needs no answer
    again = await with_access.enroll(LEARNER, "paid")
    assert again.source is EnrollmentSource.SUBSCRIPTION
    assert access.calls == [(LEARNER.user_id, "paid")]
    assert len(store.events(EnrollmentCreated)) == 2


async def test_prerequisites_are_checked_before_the_payment_service_is_asked(store, access, with_access):
    store.published(a_course("basics"))
    store.published(a_course("c1", price=Money(4900, "EUR"), prerequisite_ids=("basics",)))
    access.grant(LEARNER.user_id, "c1")
    with pytest.raises(PrerequisitesNotMet):
        await with_access.enroll(LEARNER, "c1")
    assert access.calls == []


async def test_revoking_an_old_order_leaves_an_enrolment_a_subscription_reopened(store, access, with_access):
    store.published(a_course(price=Money(4900, "EUR")))
    await with_access.enroll_paid("c1", LEARNER.user_id, "order-1")
    await with_access.revoke("order-1")  # refunded
    access.grant(LEARNER.user_id, "c1")
    reopened = await with_access.enroll(LEARNER, "c1")
    assert reopened.source is EnrollmentSource.SUBSCRIPTION

    again = await with_access.revoke("order-1")  # the payment service retrying the refund hook

    assert again.is_active
    assert store.enrollments.rows[("c1", LEARNER.user_id)].state is EnrollmentState.ACTIVE


# -- refund window -------------------------------------------------------------------


async def test_the_refund_window_is_set_on_create_and_reset_to_the_default_by_a_mask_without_value(
    store, handlers
):
    course = await handlers.create_course(TEACHER, CourseDetails(title="Refundable", refund_window_days=14))
    assert store.courses.rows[course.id].details.refund_window_days == 14

    await handlers.update_course(
        course.id, TEACHER, {"refund_window_days"}, CourseDetails(refund_window_days=0)
    )
    assert store.courses.rows[course.id].details.refund_window_days == 0
    await handlers.update_course(course.id, TEACHER, {"title"}, CourseDetails(title="Renamed"))
    assert store.courses.rows[course.id].details.refund_window_days == 0  # not in the mask: kept
    await handlers.update_course(course.id, TEACHER, {"refund_window_days"}, CourseDetails())
    assert store.courses.rows[course.id].details.refund_window_days is None


async def test_a_refund_window_beyond_a_year_is_refused_without_the_contract_too(store, handlers):
    with pytest.raises(InvalidField) as caught:
        await handlers.create_course(TEACHER, CourseDetails(title="Long", refund_window_days=400))
    assert (caught.value.field, caught.value.code) == ("course.refund_window_days", "MAX")
    store.courses.put(a_course())
    with pytest.raises(InvalidField) as caught:
        await handlers.update_course(
            "c1", TEACHER, {"refund_window_days"}, CourseDetails(refund_window_days=-1)
        )
    assert caught.value.code == "MIN"


# -- progress ------------------------------------------------------------------------


async def test_completion_percent_rounds_down_and_course_completed_is_recorded_once(store, handlers):
    store.published(a_course())
    refs = lectures(store, "c1", 3)
    await handlers.enroll(LEARNER, "c1")

    first = await handlers.complete_lecture(LEARNER, refs[0])
    assert (first.course_completion_percent, first.course_completed) == (33, False)
    repeated = await handlers.complete_lecture(LEARNER, refs[0])
    assert repeated.course_completion_percent == 33
    assert len(store.events(LectureCompleted)) == 1

    second = await handlers.complete_lecture(LEARNER, refs[1])
    assert second.course_completion_percent == 66
    last = await handlers.complete_lecture(LEARNER, refs[2])
    assert (last.course_completion_percent, last.course_completed) == (100, True)
    await handlers.complete_lecture(LEARNER, refs[2])
    await handlers.complete_lecture(LEARNER, refs[1])

    assert len(store.events(LectureCompleted)) == 3
    assert store.events(CourseCompleted) == [
        CourseCompleted("c1", LEARNER.user_id, store.events(CourseCompleted)[0].occurred_at)
    ]
    assert store.enrollments.rows[("c1", LEARNER.user_id)].completed_at is not None


async def test_a_learner_who_is_not_enrolled_cannot_complete_a_lecture(store, handlers):
    store.published(a_course())
    refs = lectures(store, "c1", 1)
    with pytest.raises(Denied) as caught:
        await handlers.complete_lecture(LEARNER, refs[0])
    assert caught.value.reason == "NOT_ENROLLED"


async def test_video_position_never_moves_backwards_and_is_capped_at_the_duration(store, handlers):
    store.published(a_course())
    refs = lectures(store, "c1", 1)
    await handlers.enroll(LEARNER, "c1")
    assert (await handlers.record_position(LEARNER, refs[0], 120)).position_s == 120
    assert (await handlers.record_position(LEARNER, refs[0], 60)).position_s == 120
    assert (await handlers.record_position(LEARNER, refs[0], 5000)).position_s == 600


# -- reviews -------------------------------------------------------------------------


async def test_only_enrolled_learners_may_review(store, handlers):
    store.published(a_course())
    with pytest.raises(Denied) as caught:
        await handlers.create_review(LEARNER, "c1", 5, "great")
    assert caught.value.reason == "NOT_ENROLLED"
    assert store.reviews.rows == {}

    await handlers.enroll(LEARNER, "c1")
    await handlers.unenroll(LEARNER, "c1")
    with pytest.raises(Denied):
        await handlers.create_review(LEARNER, "c1", 5, "great")


async def test_an_enrolled_learners_review_updates_the_aggregate_and_is_one_per_course(store, handlers):
    store.published(a_course())
    await handlers.enroll(LEARNER, "c1")
    await handlers.create_review(LEARNER, "c1", 4, "good")
    with pytest.raises(Conflict) as caught:
        await handlers.create_review(LEARNER, "c1", 5, "again")
    assert caught.value.reason == "REVIEW_ALREADY_EXISTS"
    await handlers.update_review(LEARNER, "c1", LEARNER.user_id, {"rating"}, rating=2, text="")
    rating = store.courses.rows["c1"].rating
    assert (rating.count, rating.total, rating.histogram) == (1, 2, (0, 1, 0, 0, 0))
    assert [e.edited for e in store.events(ReviewPosted)] == [False, True]


async def test_only_the_author_may_edit_a_review(store, handlers):
    store.published(a_course())
    await handlers.enroll(LEARNER, "c1")
    await handlers.create_review(LEARNER, "c1", 4, "good")
    with pytest.raises(Denied) as caught:
        await handlers.update_review(STRANGER, "c1", LEARNER.user_id, {"text"}, rating=0, text="x")
    assert caught.value.reason == "NOT_REVIEW_AUTHOR"


# -- a teacher's courses -------------------------------------------------------------


async def test_teaching_courses_include_owned_co_taught_and_drafts_newest_first(store, handlers):
    clock = Clock()
    for course_id, owner, instructors in [
        ("own-draft", "t1", ()),
        ("someone-elses", "t3", ()),
        ("co-taught", "t3", ("t1",)),
        ("own-published", "t1", ()),
    ]:
        course = Course.create(
            course_id=course_id,
            owner_id=owner,
            details=CourseDetails(title=course_id, instructor_ids=instructors),
            now=clock(),
        )
        store.courses.put(course)
    store.courses.rows["own-published"].state = CourseState.PUBLISHED

    first = await handlers.list_teaching_courses(TEACHER, "t1", None, 2)
    assert [c.id for c in first] == ["own-published", "co-taught"]
    last = first[-1]
    rest = await handlers.list_teaching_courses(TEACHER, "t1", (last.created_at, last.id), 2)
    assert [c.id for c in rest] == ["own-draft"]
    assert [c.id for c in await handlers.list_teaching_courses(ADMIN, "t1", None, 10)] == [
        "own-published",
        "co-taught",
        "own-draft",
    ]


async def test_another_teacher_may_not_list_someone_elses_courses(store, handlers):
    with pytest.raises(Denied) as caught:
        await handlers.list_teaching_courses(CO_TEACHER, "t1", None, 10)
    assert caught.value.reason == "NOT_COURSE_INSTRUCTOR"
