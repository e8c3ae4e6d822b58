"""Reviews in PostgreSQL: one row per (course, learner)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_course.adapters.sql import wrote_row
from lms_course.adapters.tables import reviews
from lms_course.domain.errors import ReviewAlreadyExists
from lms_course.domain.model import Review
from lms_course.handlers.ports import After
from lms_kit.uow import SqlRepository


class SqlReviews(SqlRepository):
    async def add(self, review: Review) -> None:
        statement = insert(reviews).values(**_review_row(review)).on_conflict_do_nothing()
        if not await wrote_row(self.session, statement, reviews.c.course_id):
            raise ReviewAlreadyExists()

    async def get(self, course_id: str, user_id: str, *, lock: bool = False) -> Review | None:
        query = sa.select(reviews).where(reviews.c.course_id == course_id, reviews.c.user_id == user_id)
        if lock:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return Review(**row) if row else None

    async def save(self, review: Review) -> None:
        await self.session.execute(
            sa.update(reviews)
            .where(reviews.c.course_id == review.course_id, reviews.c.user_id == review.user_id)
            .values(**_review_row(review))
        )

    async def list(self, course_id: str, after: After, limit: int) -> list[Review]:
        r = reviews
        query = sa.select(r).where(r.c.course_id == course_id)
        if after is not None:
            query = query.where(sa.tuple_(r.c.created_at, r.c.user_id) < sa.tuple_(*after))
        query = query.order_by(r.c.created_at.desc(), r.c.user_id.desc()).limit(limit)
        return [Review(**row) for row in (await self.session.execute(query)).mappings()]


def _review_row(review: Review) -> dict[str, Any]:
    return {
        "course_id": review.course_id,
        "user_id": review.user_id,
        "rating": review.rating,
        "text": review.text,
        "reply": review.reply,
        "created_at": review.created_at,
        "updated_at": review.updated_at,
        "replied_at": review.replied_at,
    }
