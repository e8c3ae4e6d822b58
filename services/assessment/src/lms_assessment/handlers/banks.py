"""Question banks, categories and versioned questions: teachers of the bank's course edit
them; shared banks are edited by administrators and read by any teacher."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from lms_assessment.domain.bank import Bank, Category, Question, QuestionVersion, check_version
from lms_assessment.domain.errors import ResourceNotFound
from lms_assessment.domain.questions.base import Body
from lms_assessment.handlers.access import CourseGate
from lms_assessment.handlers.ports import AssessmentUnitOfWork
from lms_kit.domain import Actor, Clock, FieldViolation, Invalid, utc_now


@dataclass(frozen=True)
class QuestionDraft:
    """A question definition as a teacher sends it."""

    title: str
    text: str
    body: Body
    points: float
    general_feedback: str
    tags: tuple[str, ...]
    category_id: str


class BankHandlers:
    def __init__(
        self, uow: Callable[[], AssessmentUnitOfWork], gate: CourseGate, *, clock: Clock = utc_now
    ) -> None:
        self._uow = uow
        self._gate = gate
        self._clock = clock

    async def editable(self, uow: AssessmentUnitOfWork, actor: Actor, bank_id: str) -> Bank:
        """The bank, if the actor may change it."""
        bank = await self._readable(uow, actor, bank_id)
        if bank.shared and not actor.is_admin:
            await self._gate.require_teacher(actor, "")
        elif not bank.shared:
            await self._gate.require_teacher(actor, bank.course_id)
        return bank

    async def _readable(self, uow: AssessmentUnitOfWork, actor: Actor, bank_id: str) -> Bank:
        bank = await uow.banks.get(bank_id)
        if bank is None:
            raise ResourceNotFound("bank", f"banks/{bank_id}")
        if not bank.shared and not await self._gate.teaches(actor, bank.course_id):
            raise ResourceNotFound("bank", f"banks/{bank_id}")
        return bank

    async def create_bank(self, actor: Actor, course_id: str, title: str) -> Bank:
        if not title.strip():
            raise Invalid([FieldViolation("bank.title", "a bank needs a title", "TITLE_BLANK")])
        await self._gate.require_teacher(actor, course_id)
        bank = Bank(str(uuid.uuid4()), course_id, title.strip(), actor.user_id, self._clock())
        async with self._uow() as uow:
            await uow.banks.add(bank)
            await uow.commit()
        return bank

    async def create_category(self, actor: Actor, bank_id: str, parent_id: str, name: str) -> Category:
        async with self._uow() as uow:
            await self.editable(uow, actor, bank_id)
            parent = None
            if parent_id:
                parent = await uow.categories.get(parent_id)
                if parent is None:
                    raise ResourceNotFound("category", f"banks/{bank_id}/categories/{parent_id}")
            category = Category.create(str(uuid.uuid4()), bank_id, parent, name)
            await uow.categories.add(category)
            await uow.commit()
        return category

    async def list_categories(self, actor: Actor, bank_id: str) -> list[Category]:
        async with self._uow() as uow:
            await self._readable(uow, actor, bank_id)
            return await uow.categories.in_bank(bank_id)

    async def _category_in(self, uow: AssessmentUnitOfWork, bank_id: str, category_id: str) -> None:
        category = await uow.categories.get(category_id) if category_id else None
        if category is None or category.bank_id != bank_id:
            raise Invalid(
                [FieldViolation("question.category", "name a category of this bank", "CATEGORY_NOT_IN_BANK")]
            )

    def _version(self, actor: Actor, draft: QuestionDraft, number: int) -> QuestionVersion:
        return QuestionVersion(
            number, draft.title.strip(), draft.text, draft.body, draft.points, draft.general_feedback,
            actor.user_id, self._clock(),
        )  # fmt: skip

    async def create_question(self, actor: Actor, bank_id: str, draft: QuestionDraft) -> Question:
        check_version(draft.title, draft.points, draft.body)
        async with self._uow() as uow:
            await self.editable(uow, actor, bank_id)
            await self._category_in(uow, bank_id, draft.category_id)
            question = Question.create(
                str(uuid.uuid4()), bank_id, draft.category_id, draft.tags, self._version(actor, draft, 1)
            )
            await uow.questions.add(question)
            await uow.commit()
        return question

    async def update_question(
        self, actor: Actor, bank_id: str, question_id: str, draft: QuestionDraft
    ) -> Question:
        check_version(draft.title, draft.points, draft.body)
        async with self._uow() as uow:
            await self.editable(uow, actor, bank_id)
            question = await uow.questions.get(question_id)
            if question is None or question.bank_id != bank_id:
                raise ResourceNotFound("question", f"banks/{bank_id}/questions/{question_id}")
            if draft.category_id:
                await self._category_in(uow, bank_id, draft.category_id)
            version = question.revise(
                self._version(actor, draft, 0), tags=draft.tags, category_id=draft.category_id
            )
            await uow.questions.add_version(question, version)
            await uow.commit()
        return question

    async def get_question(self, actor: Actor, bank_id: str, question_id: str) -> Question:
        async with self._uow() as uow:
            await self._readable(uow, actor, bank_id)
            question = await uow.questions.get(question_id)
        if question is None or question.bank_id != bank_id:
            raise ResourceNotFound("question", f"banks/{bank_id}/questions/{question_id}")
        return question

    async def list_questions(
        self, actor: Actor, bank_id: str, category_id: str, tag: str, after: str, limit: int
    ) -> list[Question]:
        async with self._uow() as uow:
            await self._readable(uow, actor, bank_id)
            return await uow.questions.page(bank_id, category_id, tag.strip().lower(), after, limit)
