"""Teachers grade: the queue of essays and files, a grade with a comment, regrading after a
question fix (only attempts showing the question), and the quiz's statistics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lms_assessment.domain.attempt import Attempt, AttemptQuestion, RegradeChange
from lms_assessment.domain.errors import GradeInvalid, ResourceNotFound
from lms_assessment.domain.questions.manual import Essay
from lms_assessment.domain.quiz import Quiz
from lms_assessment.domain.statistics import QuizStatistics
from lms_assessment.handlers.access import CourseGate
from lms_assessment.handlers.ports import AssessmentUnitOfWork
from lms_kit.domain import Actor, Clock, utc_now


@dataclass(frozen=True)
class PendingAnswer:
    attempt: Attempt
    question: AttemptQuestion


@dataclass(frozen=True)
class RegradeResult:
    attempts_regraded: int
    changes: list[RegradeChange]


class GradingHandlers:
    def __init__(
        self, uow: Callable[[], AssessmentUnitOfWork], gate: CourseGate, *, clock: Clock = utc_now
    ) -> None:
        self._uow = uow
        self._gate = gate
        self._clock = clock

    async def _teachers_quiz(self, uow: AssessmentUnitOfWork, actor: Actor, quiz_id: str) -> Quiz:
        quiz = await uow.quizzes.get(quiz_id)
        if quiz is None:
            raise ResourceNotFound("quiz", f"quizzes/{quiz_id}")
        await self._gate.require_teacher(actor, quiz.course_id)
        return quiz

    async def queue(self, actor: Actor, quiz_id: str, limit: int) -> list[PendingAnswer]:
        async with self._uow() as uow:
            await self._teachers_quiz(uow, actor, quiz_id)
            pending = []
            for attempt_id, slot in await uow.attempts.waiting_for_grade(quiz_id, limit):
                attempt = await uow.attempts.get(attempt_id)
                assert attempt is not None
                pending.append(PendingAnswer(attempt, attempt.question(slot)))
            return pending

    async def grade(
        self, actor: Actor, attempt_id: str, slot: int, points: float, rubric: dict[str, str], comment: str
    ) -> Attempt:
        async with self._uow() as uow:
            attempt = await uow.attempts.get(attempt_id, for_update=True)
            if attempt is None:
                raise ResourceNotFound("attempt", f"attempts/{attempt_id}")
            await self._gate.require_teacher(actor, attempt.course_id)
            question = attempt.question(slot)
            if rubric and isinstance(question.body, Essay) and question.body.rubric:
                fraction = question.body.rubric_fraction(rubric)
                if fraction is None:
                    raise GradeInvalid("rubric_levels", "choose one known level for every criterion")
                points = round(fraction * question.points, 6)
            attempt.grade_manually(slot, points, comment, actor.user_id, self._clock())
            await uow.attempts.save(attempt)
            await uow.commit()
        return attempt

    async def regrade(self, actor: Actor, quiz_id: str, bank_id: str, question_id: str) -> RegradeResult:
        async with self._uow() as uow:
            await self._teachers_quiz(uow, actor, quiz_id)
            question = await uow.questions.get(question_id)
            if question is None or question.bank_id != bank_id:
                raise ResourceNotFound("question", f"banks/{bank_id}/questions/{question_id}")
            affected = await uow.attempts.finished_showing(quiz_id, question_id)
        changes: list[RegradeChange] = []
        for attempt_id in affected:
            # One transaction per attempt: a long regrade never holds every row at once.
            async with self._uow() as uow:
                attempt = await uow.attempts.get(attempt_id, for_update=True)
                assert attempt is not None
                found = attempt.regrade(
                    question_id, question.current.version, question.current.body, self._clock()
                )
                for change in found:
                    await uow.regrades.add(change, actor.user_id)
                await uow.attempts.save(attempt)
                await uow.commit()
            changes.extend(found)
        return RegradeResult(len(affected), changes)

    async def statistics(self, actor: Actor, quiz_id: str) -> QuizStatistics:
        async with self._uow() as uow:
            await self._teachers_quiz(uow, actor, quiz_id)
            return await uow.statistics.of_quiz(quiz_id)
