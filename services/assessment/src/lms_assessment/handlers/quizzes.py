"""Quizzes and overrides: teachers of the course write them; enrolled learners read a
published quiz's settings."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from lms_assessment.domain.errors import ResourceNotFound
from lms_assessment.domain.quiz import Override, Quiz, QuizSettings, QuizState, Section
from lms_assessment.handlers.access import CourseGate
from lms_assessment.handlers.ports import AssessmentUnitOfWork
from lms_kit.domain import Actor, Clock, FieldViolation, Invalid, utc_now


@dataclass(frozen=True)
class QuizForViewer:
    quiz: Quiz
    teacher: bool


class QuizHandlers:
    def __init__(
        self, uow: Callable[[], AssessmentUnitOfWork], gate: CourseGate, *, clock: Clock = utc_now
    ) -> None:
        self._uow = uow
        self._gate = gate
        self._clock = clock

    async def _check_slots(
        self, uow: AssessmentUnitOfWork, course_id: str, sections: tuple[Section, ...]
    ) -> None:
        """Fixed questions and categories must come from the course's banks or shared ones."""
        found = []
        for s, section in enumerate(sections):
            for i, slot in enumerate(section.slots):
                if slot.question_id:
                    question = await uow.questions.get(slot.question_id)
                    bank = await uow.banks.get(question.bank_id) if question else None
                    path = f"quiz.sections[{s}].slots[{i}].question"
                else:
                    category = await uow.categories.get(slot.category_id)
                    bank = await uow.banks.get(category.bank_id) if category else None
                    path = f"quiz.sections[{s}].slots[{i}].category"
                if bank is None or bank.id != slot.bank_id or bank.course_id not in ("", course_id):
                    found.append(
                        FieldViolation(path, "not in a bank of this course or a shared bank", "NOT_IN_BANK")
                    )
        if found:
            raise Invalid(found, reason="QUIZ_INVALID")

    async def create(
        self, actor: Actor, course_id: str, title: str, sections: tuple[Section, ...], settings: QuizSettings
    ) -> Quiz:
        if not course_id:
            raise Invalid([FieldViolation("quiz.course", "a quiz belongs to a course", "REQUIRED")])
        quiz = Quiz.create(
            str(uuid.uuid4()), course_id, title, sections, settings, actor.user_id, self._clock()
        )
        await self._gate.require_teacher(actor, course_id)
        async with self._uow() as uow:
            await self._check_slots(uow, course_id, sections)
            await uow.quizzes.add(quiz)
            await uow.commit()
        return quiz

    async def _teachers_quiz(self, uow: AssessmentUnitOfWork, actor: Actor, quiz_id: str) -> Quiz:
        quiz = await uow.quizzes.get(quiz_id)
        if quiz is None or not await self._gate.teaches(actor, quiz.course_id):
            raise ResourceNotFound("quiz", f"quizzes/{quiz_id}")
        return quiz

    async def update(
        self, actor: Actor, quiz_id: str, title: str, sections: tuple[Section, ...], settings: QuizSettings
    ) -> Quiz:
        async with self._uow() as uow:
            quiz = await self._teachers_quiz(uow, actor, quiz_id)
            quiz.revise(title=title, sections=sections, settings=settings)
            await self._check_slots(uow, quiz.course_id, sections)
            await uow.quizzes.save(quiz)
            await uow.commit()
        return quiz

    async def publish(self, actor: Actor, quiz_id: str) -> Quiz:
        async with self._uow() as uow:
            quiz = await self._teachers_quiz(uow, actor, quiz_id)
            quiz.publish(self._clock())
            await uow.quizzes.save(quiz)
            await uow.commit()
        return quiz

    async def get(self, actor: Actor, quiz_id: str) -> QuizForViewer:
        async with self._uow() as uow:
            quiz = await uow.quizzes.get(quiz_id)
        if quiz is None:
            raise ResourceNotFound("quiz", f"quizzes/{quiz_id}")
        if await self._gate.teaches(actor, quiz.course_id):
            return QuizForViewer(quiz, teacher=True)
        if quiz.state is not QuizState.PUBLISHED:
            raise ResourceNotFound("quiz", f"quizzes/{quiz_id}")
        await self._gate.require_learner(actor, quiz.course_id)
        return QuizForViewer(quiz, teacher=False)

    async def set_override(self, actor: Actor, override: Override) -> Override:
        async with self._uow() as uow:
            await self._teachers_quiz(uow, actor, override.quiz_id)
            await uow.overrides.put(override)
            await uow.commit()
        return override
