"""What the use cases need from storage and from the course service, as Protocols
(adapters/ implements them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from lms_assessment.domain.attempt import Attempt, RegradeChange
from lms_assessment.domain.bank import Bank, Category, Question, QuestionVersion
from lms_assessment.domain.integrity import IntegrityEvent
from lms_assessment.domain.quiz import Override, Quiz
from lms_assessment.domain.statistics import QuizStatistics
from lms_kit.domain import Actor, UnitOfWork


class Banks(Protocol):
    async def add(self, bank: Bank) -> None: ...

    async def get(self, bank_id: str) -> Bank | None: ...


class Categories(Protocol):
    async def add(self, category: Category) -> None: ...

    async def get(self, category_id: str) -> Category | None: ...

    async def in_bank(self, bank_id: str) -> list[Category]: ...

    async def with_descendants(self, category_id: str) -> list[str]:
        """The category's id and those of every category below it."""
        ...


class Questions(Protocol):
    async def add(self, question: Question) -> None: ...

    async def get(self, question_id: str) -> Question | None: ...

    async def add_version(self, question: Question, version: QuestionVersion) -> None: ...

    async def version(self, question_id: str, version: int) -> QuestionVersion | None: ...

    async def page(self, bank_id: str, category_id: str, tag: str, after: str, limit: int) -> list[Question]:
        """By id, after `after`."""
        ...

    async def ids_in(self, category_ids: list[str]) -> list[str]: ...


class Quizzes(Protocol):
    async def add(self, quiz: Quiz) -> None: ...

    async def get(self, quiz_id: str) -> Quiz | None: ...

    async def save(self, quiz: Quiz) -> None: ...


class Overrides(Protocol):
    async def get(self, quiz_id: str, user_id: str) -> Override | None: ...

    async def put(self, override: Override) -> None: ...


class Attempts(Protocol):
    async def add(self, attempt: Attempt) -> bool:
        """Insert; False when the learner's attempt of that number exists (a racing start)."""
        ...

    async def get(self, attempt_id: str, *, for_update: bool = False) -> Attempt | None:
        """With `for_update`, the row stays locked until the unit of work ends: concurrent
        submits of one attempt run one after the other."""
        ...

    async def save(self, attempt: Attempt) -> None: ...

    async def of_learner(self, quiz_id: str, user_id: str) -> list[Attempt]:
        """Oldest first."""
        ...

    async def of_quiz(self, quiz_id: str, after: int, limit: int) -> list[tuple[int, Attempt]]:
        """(position key, attempt), oldest first, after the key `after`."""
        ...

    async def finished_showing(self, quiz_id: str, question_id: str) -> list[str]:
        """Ids of finished attempts of the quiz that show the question."""
        ...

    async def waiting_for_grade(self, quiz_id: str, limit: int) -> list[tuple[str, int]]:
        """(attempt id, slot) of answers waiting for a teacher, oldest submission first."""
        ...

    async def overdue(self, now: datetime, limit: int) -> list[str]:
        """Ids of attempts in progress whose deadline has passed."""
        ...


class IntegrityLog(Protocol):
    async def add(self, event: IntegrityEvent, client_time: datetime | None) -> None: ...


class Regrades(Protocol):
    async def add(self, change: RegradeChange, changed_by: str) -> None: ...


class Statistics(Protocol):
    async def of_quiz(self, quiz_id: str) -> QuizStatistics: ...


class AssessmentUnitOfWork(UnitOfWork, Protocol):
    @property
    def banks(self) -> Banks: ...

    @property
    def categories(self) -> Categories: ...

    @property
    def questions(self) -> Questions: ...

    @property
    def quizzes(self) -> Quizzes: ...

    @property
    def overrides(self) -> Overrides: ...

    @property
    def attempts(self) -> Attempts: ...

    @property
    def integrity(self) -> IntegrityLog: ...

    @property
    def regrades(self) -> Regrades: ...

    @property
    def statistics(self) -> Statistics: ...


@dataclass(frozen=True)
class CourseRoles:
    """What the course service says about one user and one course."""

    teaches: bool
    enrolled: bool


class CourseDirectory(Protocol):
    """The course service: who teaches a course, who is enrolled."""

    async def roles(self, actor: Actor, course_id: str) -> CourseRoles: ...
