"""Reviews by enrolled learners (one each per course), teachers' replies, the course's
rating aggregate."""

from __future__ import annotations

from collections.abc import Callable

from lms_course.domain.errors import NotEnrolled, NotReviewAuthor, ReviewNotFound, UpdateMaskInvalid
from lms_course.domain.events import ReviewPosted
from lms_course.domain.model import Review, check_rating
from lms_course.handlers.common import SharedReads, editable_course, visible_course
from lms_course.handlers.ports import After, CourseUnitOfWork
from lms_kit.domain import Actor, Clock, require_verified_email, utc_now

REVIEW_FIELDS = ("rating", "text")


class ReviewHandlers:
    def __init__(
        self,
        uow: Callable[[], CourseUnitOfWork],
        *,
        shared: SharedReads | None = None,
        clock: Clock = utc_now,
        verified_email_required: bool = False,
    ) -> None:
        self._uow = uow
        self._shared = shared or SharedReads()
        self._clock = clock
        self._verified_email_required = verified_email_required

    async def create(self, actor: Actor, course_id: str, rating: int, text: str) -> Review:
        check_rating(rating)
        # Reviews move a course's public rating: only accounts that proved an address.
        require_verified_email(actor, "review a course", required=self._verified_email_required)
        now = self._clock()
        async with self._uow() as uow:
            enrollment = await uow.enrollments.get(course_id, actor.user_id)
            if enrollment is None or not enrollment.is_active:
                raise NotEnrolled("only enrolled learners may review a course")
            review = Review(course_id, actor.user_id, rating, text, now, now)
            await uow.reviews.add(review)
            await uow.courses.apply_rating(course_id, old=None, new=rating)
            uow.emit(ReviewPosted(course_id, actor.user_id, rating, False, now))
            await uow.commit()
        await self._shared.course_changed(course_id)
        return review

    async def update(
        self, actor: Actor, course_id: str, user_id: str, fields: set[str], *, rating: int, text: str
    ) -> Review:
        """The author changes their review; the course's aggregate moves with it."""
        unknown = sorted(fields - set(REVIEW_FIELDS))
        if unknown:
            raise UpdateMaskInvalid(unknown)
        if "rating" in fields:
            check_rating(rating)
        if actor.user_id != user_id:
            raise NotReviewAuthor()
        now = self._clock()
        async with self._uow() as uow:
            review = await uow.reviews.get(course_id, user_id, lock=True)
            if review is None:
                raise ReviewNotFound(course_id, user_id)
            old = review.rating
            if "rating" in fields:
                review.rating = rating
            if "text" in fields:
                review.text = text
            review.updated_at = now
            await uow.reviews.save(review)
            await uow.courses.apply_rating(course_id, old=old, new=review.rating)
            uow.emit(ReviewPosted(course_id, user_id, review.rating, True, now))
            await uow.commit()
        await self._shared.course_changed(course_id)
        return review

    async def reply(self, actor: Actor, course_id: str, user_id: str, reply: str) -> Review:
        """A teacher of the course answers a review."""
        now = self._clock()
        async with self._uow() as uow:
            await editable_course(uow, course_id, actor)
            review = await uow.reviews.get(course_id, user_id, lock=True)
            if review is None:
                raise ReviewNotFound(course_id, user_id)
            review.reply, review.replied_at = reply, now
            await uow.reviews.save(review)
            await uow.commit()
        return review

    async def list_for_course(self, actor: Actor, course_id: str, after: After, limit: int) -> list[Review]:
        """A visible course's reviews, newest first."""
        async with self._uow() as uow:
            await visible_course(uow, course_id, actor)
            return await uow.reviews.list(course_id, after, limit)
