"""Question banks (per course, or shared), nested categories, versioned questions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lms_assessment.domain.errors import QuestionInvalid
from lms_assessment.domain.questions.base import Body
from lms_kit.domain import Aggregate, FieldViolation, Invalid

MAX_TAGS = 20


@dataclass(eq=True)
class Bank(Aggregate):
    """A course's bank (`course_id` set) is edited by the course's teachers; a shared bank
    (`course_id` empty) by administrators, and any teacher may draw from it."""

    id: str
    course_id: str
    title: str
    created_by: str
    created_at: datetime

    @property
    def shared(self) -> bool:
        return not self.course_id


@dataclass(eq=True)
class Category(Aggregate):
    id: str
    bank_id: str
    parent_id: str  # empty: a top-level category
    name: str

    @classmethod
    def create(cls, category_id: str, bank_id: str, parent: Category | None, name: str) -> Category:
        if not name.strip():
            raise Invalid([FieldViolation("category.name", "a category needs a name", "NAME_BLANK")])
        if parent is not None and parent.bank_id != bank_id:
            raise Invalid(
                [FieldViolation("category.parent", "the parent is in another bank", "PARENT_IN_OTHER_BANK")]
            )
        return cls(category_id, bank_id, parent.id if parent else "", name.strip())


@dataclass(frozen=True)
class QuestionVersion:
    """One immutable version of a question: what an attempt shows and grades."""

    version: int
    title: str
    text: str
    body: Body
    points: float
    general_feedback: str
    created_by: str
    created_at: datetime


def check_version(title: str, points: float, body: Body, prefix: str = "question.") -> None:
    problems = [(f"body.{body.kind}.{path}", reason, message) for path, reason, message in body.problems()]
    if not title.strip():
        problems.append(("title", "TITLE_BLANK", "a question needs a title"))
    if not 0 <= points <= 1000:
        problems.append(("points", "POINTS_OUT_OF_RANGE", "points are between 0 and 1000"))
    if problems:
        raise QuestionInvalid(prefix, problems)


@dataclass(eq=True)
class Question(Aggregate):
    id: str
    bank_id: str
    category_id: str
    tags: tuple[str, ...]
    current: QuestionVersion
    versions_created: list[QuestionVersion] = field(default_factory=list)

    @classmethod
    def create(
        cls, question_id: str, bank_id: str, category_id: str, tags: tuple[str, ...], first: QuestionVersion
    ) -> Question:
        check_version(first.title, first.points, first.body)
        question = cls(question_id, bank_id, category_id, normalise_tags(tags), first)
        question.versions_created.append(first)
        return question

    def revise(
        self, version: QuestionVersion, *, tags: tuple[str, ...] | None = None, category_id: str = ""
    ) -> QuestionVersion:
        """A new version; earlier versions stay as attempts showed them."""
        check_version(version.title, version.points, version.body)
        numbered = QuestionVersion(
            self.current.version + 1, version.title, version.text, version.body, version.points,
            version.general_feedback, version.created_by, version.created_at,
        )  # fmt: skip
        self.current = numbered
        self.versions_created.append(numbered)
        if tags is not None:
            self.tags = normalise_tags(tags)
        if category_id:
            self.category_id = category_id
        return numbered


def normalise_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(sorted({t.strip().lower() for t in tags if t.strip()}))
    if len(cleaned) > MAX_TAGS:
        raise Invalid([FieldViolation("question.tags", f"at most {MAX_TAGS} tags", "TOO_MANY_TAGS")])
    return cleaned
