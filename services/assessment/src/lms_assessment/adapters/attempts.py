"""Attempts, their per-answer rows, integrity events and regrade records in PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_assessment.adapters.documents import attempt_document, attempt_from_row
from lms_assessment.adapters.statistics import SqlStatistics
from lms_assessment.adapters.tables import attempts, integrity_events, regrades, responses
from lms_assessment.domain.attempt import Attempt, AttemptState, RegradeChange
from lms_assessment.domain.integrity import IntegrityEvent
from lms_assessment.domain.questions.base import Answer
from lms_assessment.domain.questions.text import normalise_spaces
from lms_kit.uow import SqlRepository

FINISHED = (AttemptState.AWAITING_GRADE.value, AttemptState.GRADED.value)


def given_choices(answer: Answer) -> list[str]:
    """What the statistics count as the learner's choice(s) for distractor analysis."""
    if answer.choices:
        return list(answer.choices)
    if answer.pairs:
        return [f"{k}={v}"[:200] for k, v in sorted(answer.pairs.items())]
    if answer.order:
        return [",".join(answer.order)[:200]]
    if answer.text.strip():
        return [normalise_spaces(answer.text).lower()[:200]]
    return []


class SqlAttempts(SqlRepository):
    def _values(self, attempt: Attempt) -> dict[str, object]:
        return {
            "state": attempt.state.value,
            "deadline": attempt.deadline,
            "submitted_at": attempt.submitted_at,
            "graded_at": attempt.graded_at,
            "saved_seq": attempt.saved_seq,
            "score": attempt.score if attempt.finished else None,
            "max_score": attempt.max_score,
            "flagged": bool(attempt.flags),
            "document": attempt_document(attempt),
        }

    async def add(self, attempt: Attempt) -> bool:
        inserted = await self.session.execute(
            insert(attempts)
            .values(
                id=attempt.id, quiz_id=attempt.quiz_id, course_id=attempt.course_id, user_id=attempt.user_id,
                number=attempt.number, started_at=attempt.started_at, **self._values(attempt),
            )
            .on_conflict_do_nothing(constraint="attempts_quiz_user_number_key")
            .returning(attempts.c.id)
        )  # fmt: skip
        if inserted.first() is None:
            return False
        self.seen(attempt)
        return True

    async def get(self, attempt_id: str, *, for_update: bool = False) -> Attempt | None:
        query = sa.select(attempts).where(attempts.c.id == attempt_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return self.seen(attempt_from_row(row)) if row else None

    async def save(self, attempt: Attempt) -> None:
        self.seen(attempt)
        if attempt.state is not AttemptState.GRADED:  # a graded attempt stays graded
            await self._write(attempt)
            return
        # The statistics' running sums change in the same transaction as the grade.
        statistics = SqlStatistics(self.session)
        key = (attempt.id, attempt.quiz_id, attempt.user_id)
        counted_before = await statistics.before_grade(*key)
        await self._write(attempt)
        await statistics.after_grade(*key, counted_before)

    async def _write(self, attempt: Attempt) -> None:
        await self.session.execute(
            attempts.update().where(attempts.c.id == attempt.id).values(**self._values(attempt))
        )
        # Only a finished attempt has response rows (an autosave has none to delete).
        if attempt.state.value not in FINISHED or attempt.submitted_at is None:
            return
        await self.session.execute(responses.delete().where(responses.c.attempt_id == attempt.id))
        rows = [
            {
                "attempt_id": attempt.id,
                "slot": q.slot,
                "quiz_id": attempt.quiz_id,
                "user_id": attempt.user_id,
                "question_id": q.question_id,
                "fraction": attempt.responses[q.slot].fraction,
                "max_points": q.points,
                "choices": given_choices(attempt.answers.get(q.slot, Answer())),
                "submitted_at": attempt.submitted_at,
            }
            for q in attempt.questions
            if q.slot in attempt.responses
        ]
        if rows:
            await self.session.execute(responses.insert(), rows)

    async def of_learner(self, quiz_id: str, user_id: str) -> list[Attempt]:
        rows = await self.session.execute(
            sa.select(attempts)
            .where(attempts.c.quiz_id == quiz_id, attempts.c.user_id == user_id)
            .order_by(attempts.c.number)
        )
        return [self.seen(attempt_from_row(r)) for r in rows]

    async def of_quiz(self, quiz_id: str, after: int, limit: int) -> list[tuple[int, Attempt]]:
        # The key is the row's position in start order, kept as epoch microseconds.
        key = sa.cast(sa.func.extract("epoch", attempts.c.started_at) * 1_000_000, sa.BigInteger)
        rows = await self.session.execute(
            sa.select(attempts, key.label("key"))
            .where(attempts.c.quiz_id == quiz_id, key > after)
            .order_by(key, attempts.c.id)
            .limit(limit)
        )
        return [(r.key, attempt_from_row(r)) for r in rows]

    async def finished_showing(self, quiz_id: str, question_id: str) -> list[str]:
        rows = await self.session.execute(
            sa.select(responses.c.attempt_id)
            .distinct()
            .where(responses.c.quiz_id == quiz_id, responses.c.question_id == question_id)
            .order_by(responses.c.attempt_id)
        )
        return list(rows.scalars())

    async def waiting_for_grade(self, quiz_id: str, limit: int) -> list[tuple[str, int]]:
        rows = await self.session.execute(
            sa.select(responses.c.attempt_id, responses.c.slot)
            .where(responses.c.quiz_id == quiz_id, responses.c.fraction.is_(None))
            .order_by(responses.c.submitted_at, responses.c.attempt_id, responses.c.slot)
            .limit(limit)
        )
        return [(r.attempt_id, r.slot) for r in rows]

    async def overdue(self, now: datetime, limit: int) -> list[str]:
        rows = await self.session.execute(
            sa.select(attempts.c.id)
            .where(attempts.c.state == AttemptState.IN_PROGRESS.value, attempts.c.deadline < now)
            .order_by(attempts.c.deadline)
            .limit(limit)
        )
        return list(rows.scalars())


class SqlIntegrityLog(SqlRepository):
    async def add(self, event: IntegrityEvent, client_time: datetime | None) -> None:
        await self.session.execute(
            integrity_events.insert().values(
                attempt_id=event.attempt_id, kind=event.kind.value, source=event.source, detail=event.detail,
                occurred_at=event.occurred_at, client_time=client_time,
            )
        )  # fmt: skip


class SqlRegrades(SqlRepository):
    async def add(self, change: RegradeChange, changed_by: str) -> None:
        await self.session.execute(
            regrades.insert().values(
                attempt_id=change.attempt_id, slot=change.slot, question_id=change.question_id,
                from_version=change.from_version, to_version=change.to_version, old_points=change.old_points,
                new_points=change.new_points, changed_by=changed_by, changed_at=change.changed_at,
            )
        )  # fmt: skip
