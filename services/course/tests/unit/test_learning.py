"""Learning use cases on the fakes: completion and video positions, reviews and the rating
aggregate."""

from __future__ import annotations

import pytest

from lms_course.domain.events import CourseCompleted, LectureCompleted, ReviewPosted
from lms_kit.domain import Conflict, Denied

from .support import LEARNER, STRANGER, a_course, lectures, put_published

# -- progress ------------------------------------------------------------------------


async def test_completion_percent_rounds_down_and_course_completed_is_recorded_once(store, handlers):
    put_published(store, a_course())
    refs = lectures(store, "c1", 3)
    await handlers.enrolment.enroll(LEARNER, "c1")

    first = await handlers.progress.complete_lecture(LEARNER, refs[0])
    assert (first.course_completion_percent, first.course_completed) == (33, False)
    repeated = await handlers.progress.complete_lecture(LEARNER, refs[0])
    assert repeated.course_completion_percent == 33
    assert len(store.events_of(LectureCompleted)) == 1

    second = await handlers.progress.complete_lecture(LEARNER, refs[1])
    assert second.course_completion_percent == 66
    last = await handlers.progress.complete_lecture(LEARNER, refs[2])
    assert (last.course_completion_percent, last.course_completed) == (100, True)
    await handlers.progress.complete_lecture(LEARNER, refs[2])
    await handlers.progress.complete_lecture(LEARNER, refs[1])

    assert len(store.events_of(LectureCompleted)) == 3
    assert store.events_of(CourseCompleted) == [
        CourseCompleted("c1", LEARNER.user_id, store.events_of(CourseCompleted)[0].occurred_at)
    ]
    assert store.state.enrollments[("c1", LEARNER.user_id)].completed_at is not None


async def test_a_learner_who_is_not_enrolled_cannot_complete_a_lecture(store, handlers):
    put_published(store, a_course())
    refs = lectures(store, "c1", 1)
    with pytest.raises(Denied) as caught:
        await handlers.progress.complete_lecture(LEARNER, refs[0])
    assert caught.value.reason == "NOT_ENROLLED"


async def test_video_position_never_moves_backwards_and_is_capped_at_the_duration(store, handlers):
    put_published(store, a_course())
    refs = lectures(store, "c1", 1)
    await handlers.enrolment.enroll(LEARNER, "c1")
    assert (await handlers.progress.record_position(LEARNER, refs[0], 120)).position_s == 120
    assert (await handlers.progress.record_position(LEARNER, refs[0], 60)).position_s == 120
    assert (await handlers.progress.record_position(LEARNER, refs[0], 5000)).position_s == 600


# -- reviews -------------------------------------------------------------------------


async def test_only_enrolled_learners_may_review(store, handlers):
    put_published(store, a_course())
    with pytest.raises(Denied) as caught:
        await handlers.reviews.create(LEARNER, "c1", 5, "great")
    assert caught.value.reason == "NOT_ENROLLED"
    assert store.state.reviews == {}

    await handlers.enrolment.enroll(LEARNER, "c1")
    await handlers.enrolment.unenroll(LEARNER, "c1")
    with pytest.raises(Denied):
        await handlers.reviews.create(LEARNER, "c1", 5, "great")


async def test_an_enrolled_learners_review_updates_the_aggregate_and_is_one_per_course(store, handlers):
    put_published(store, a_course())
    await handlers.enrolment.enroll(LEARNER, "c1")
    await handlers.reviews.create(LEARNER, "c1", 4, "good")
    with pytest.raises(Conflict) as caught:
        await handlers.reviews.create(LEARNER, "c1", 5, "again")
    assert caught.value.reason == "REVIEW_ALREADY_EXISTS"
    await handlers.reviews.update(LEARNER, "c1", LEARNER.user_id, {"rating"}, rating=2, text="")
    rating = store.state.courses["c1"].rating
    assert (rating.count, rating.total, rating.histogram) == (1, 2, (0, 1, 0, 0, 0))
    assert [e.edited for e in store.events_of(ReviewPosted)] == [False, True]


async def test_only_the_author_may_edit_a_review(store, handlers):
    put_published(store, a_course())
    await handlers.enrolment.enroll(LEARNER, "c1")
    await handlers.reviews.create(LEARNER, "c1", 4, "good")
    with pytest.raises(Denied) as caught:
        await handlers.reviews.update(STRANGER, "c1", LEARNER.user_id, {"text"}, rating=0, text="x")
    assert caught.value.reason == "NOT_REVIEW_AUTHOR"


async def test_an_unverified_account_may_not_review_where_the_deployment_requires_it(store):
    from dataclasses import replace

    from lms_course.handlers.reviews import ReviewHandlers
    from lms_kit.domain import EmailNotVerified

    from .fakes import unit_of_work

    put_published(store, a_course())
    strict = ReviewHandlers(unit_of_work(store), verified_email_required=True)
    with pytest.raises(EmailNotVerified) as caught:
        await strict.create(replace(LEARNER, email_verified=False), "c1", 5, "great")
    assert caught.value.reason == "EMAIL_NOT_VERIFIED"
    assert store.state.reviews == {}


async def test_a_passed_quiz_completes_its_lecture_once_in_the_consumers_unit_of_work(store, handlers):
    from .fakes import unit_of_work

    put_published(store, a_course())
    refs = lectures(store, "c1", 2)
    await handlers.enrolment.enroll(LEARNER, "c1")
    for _ in range(2):  # a redelivery (past the kit's inbox) completes nothing twice
        async with unit_of_work(store)() as uow:  # what the event consumer does, with its inbox row
            done = await handlers.progress.complete_passed_quiz(
                uow, course_id="c1", lecture_id=refs[0].lecture_id, user_id=LEARNER.user_id
            )
            await uow.commit()
        assert done is True
    assert len(store.events_of(LectureCompleted)) == 1
    async with unit_of_work(store)() as uow:
        assert not await handlers.progress.complete_passed_quiz(
            uow, course_id="c1", lecture_id=refs[1].lecture_id, user_id="not-enrolled"
        )
        assert not await handlers.progress.complete_passed_quiz(
            uow, course_id="other", lecture_id=refs[1].lecture_id, user_id=LEARNER.user_id
        )
