"""Quizzes and per-learner overrides in PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_assessment.adapters.documents import definition_from_json, definition_to_json
from lms_assessment.adapters.tables import overrides, quizzes
from lms_assessment.domain.quiz import Override, Quiz, QuizState
from lms_kit.uow import SqlRepository


class SqlQuizzes(SqlRepository):
    def _values(self, quiz: Quiz) -> dict[str, object]:
        return {
            "course_id": quiz.course_id,
            "title": quiz.title,
            "state": quiz.state.value,
            "definition": definition_to_json(quiz.sections, quiz.settings),
            "published_at": quiz.published_at,
        }

    async def add(self, quiz: Quiz) -> None:
        await self.session.execute(
            quizzes.insert().values(
                id=quiz.id, created_by=quiz.created_by, created_at=quiz.created_at, **self._values(quiz)
            )
        )
        self.seen(quiz)

    async def save(self, quiz: Quiz) -> None:
        await self.session.execute(
            quizzes.update().where(quizzes.c.id == quiz.id).values(**self._values(quiz))
        )

    async def get(self, quiz_id: str) -> Quiz | None:
        row = (await self.session.execute(sa.select(quizzes).where(quizzes.c.id == quiz_id))).first()
        if row is None:
            return None
        sections, settings = definition_from_json(row.definition)
        quiz = Quiz(
            row.id, row.course_id, row.title, sections, settings, row.created_by, row.created_at,
            QuizState(row.state), row.published_at,
        )  # fmt: skip
        return self.seen(quiz)


class SqlOverrides(SqlRepository):
    async def get(self, quiz_id: str, user_id: str) -> Override | None:
        row = (
            await self.session.execute(
                sa.select(overrides).where(overrides.c.quiz_id == quiz_id, overrides.c.user_id == user_id)
            )
        ).first()
        if row is None:
            return None
        return Override(row.quiz_id, row.user_id, row.extra_time_s, row.extra_attempts, row.close_at)

    async def put(self, override: Override) -> None:
        values = {
            "extra_time_s": override.extra_time_s,
            "extra_attempts": override.extra_attempts,
            "close_at": override.close_at,
        }
        await self.session.execute(
            insert(overrides)
            .values(quiz_id=override.quiz_id, user_id=override.user_id, **values)
            .on_conflict_do_update(index_elements=[overrides.c.quiz_id, overrides.c.user_id], set_=values)
        )
