"""Import questions from QTI 3.0 or GIFT into a bank, and export a bank as QTI 3.0."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from lms_assessment.domain.bank import Question, QuestionVersion
from lms_assessment.domain.errors import QuestionInvalid, ResourceNotFound
from lms_assessment.domain.interchange import InterchangeError, ItemDefinition
from lms_assessment.domain.interchange.gift import import_gift
from lms_assessment.domain.interchange.qti import UnsupportedItem, export_item, import_item
from lms_assessment.handlers.banks import BankHandlers
from lms_assessment.handlers.ports import AssessmentUnitOfWork
from lms_kit.domain import Actor, Clock, FieldViolation, Invalid, utc_now

EXPORT_LIMIT = 2000


class Format(Enum):
    QTI3 = "qti3"
    GIFT = "gift"


@dataclass(frozen=True)
class Exported:
    items: list[tuple[Question, str]]
    skipped: list[Question]


def _invalid(field: str, message: str) -> Invalid:
    return Invalid([FieldViolation(field, message, "IMPORT_INVALID")], reason="IMPORT_INVALID")


class InterchangeHandlers:
    def __init__(
        self, uow: Callable[[], AssessmentUnitOfWork], banks: BankHandlers, *, clock: Clock = utc_now
    ) -> None:
        self._uow = uow
        self._banks = banks
        self._clock = clock

    def _read(self, format: Format, items: list[str], content: str) -> list[ItemDefinition]:
        if format is Format.GIFT:
            try:
                return import_gift(content)
            except InterchangeError as exc:
                raise _invalid("content", str(exc)) from exc
        read = []
        for index, document in enumerate(items):
            try:
                read.append(import_item(document))
            except InterchangeError as exc:
                raise _invalid(f"items[{index}]", str(exc)) from exc
        return read

    async def import_questions(
        self, actor: Actor, bank_id: str, category_id: str, format: Format, items: list[str], content: str
    ) -> list[Question]:
        definitions = self._read(format, items, content)
        if not definitions:
            raise _invalid("items" if format is Format.QTI3 else "content", "nothing to import")
        now = self._clock()
        made = []
        for index, item in enumerate(definitions):
            first = QuestionVersion(
                1, item.title or item.identifier or f"Imported {index + 1}", item.text, item.body, item.points, "",
                actor.user_id, now,
            )  # fmt: skip
            try:
                made.append(Question.create(str(uuid.uuid4()), bank_id, category_id, (), first))
            except QuestionInvalid as exc:
                raise Invalid(
                    [
                        FieldViolation(
                            f"items[{index}].{v.field.removeprefix('question.')}", v.description, v.reason
                        )
                        for v in exc.violations
                    ],
                    reason="IMPORT_INVALID",
                ) from exc
        async with self._uow() as uow:
            await self._banks.editable(uow, actor, bank_id)
            category = await uow.categories.get(category_id)
            if category is None or category.bank_id != bank_id:
                raise ResourceNotFound("category", f"banks/{bank_id}/categories/{category_id}")
            for question in made:
                await uow.questions.add(question)
            await uow.commit()
        return made

    async def export_questions(
        self, actor: Actor, bank_id: str, category_id: str, format: Format
    ) -> Exported:
        if format is not Format.QTI3:
            raise _invalid("format", "questions are exported as QTI 3.0 only")
        questions = await self._banks.list_questions(actor, bank_id, category_id, "", "", EXPORT_LIMIT)
        exported, skipped = [], []
        for question in questions:
            version = question.current
            item = ItemDefinition(question.id, version.title, version.text, version.body, version.points)
            try:
                exported.append((question, export_item(item)))
            except UnsupportedItem:
                skipped.append(question)
        return Exported(exported, skipped)
