"""Handlers on real PostgreSQL with a clock the test moves and a fixed course directory."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from lms_assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from lms_assessment.domain.questions import Choice, ShortAnswer, SingleChoice, TextAnswer
from lms_assessment.domain.quiz import QuizSettings, Section, Slot
from lms_assessment.handlers import AttemptHandlers, BankHandlers, GradingHandlers, QuizHandlers
from lms_assessment.handlers.access import CourseGate
from lms_assessment.handlers.banks import QuestionDraft
from lms_assessment.handlers.ports import CourseRoles
from lms_kit.domain import Actor


class MovableClock:
    # Far ahead of the real clock: the sweepers of services sharing the test database
    # (real clock) never see these attempts as overdue.
    def __init__(self) -> None:
        self.now = datetime(2100, 1, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Directory:
    """Teachers and enrolments as the course service would answer."""

    teachers: dict[str, set[str]] = field(default_factory=dict)
    learners: dict[str, set[str]] = field(default_factory=dict)

    async def roles(self, actor: Actor, course_id: str) -> CourseRoles:
        return CourseRoles(
            actor.user_id in self.teachers.get(course_id, set()),
            actor.user_id in self.learners.get(course_id, set()),
        )


@dataclass
class World:
    banks: BankHandlers
    quizzes: QuizHandlers
    attempts: AttemptHandlers
    grading: GradingHandlers
    clock: MovableClock
    course_id: str
    teacher: Actor
    learners: list[Actor]


def world(database, learners: int = 2) -> World:  # type: ignore[no-untyped-def]
    clock = MovableClock()
    course_id = f"c-{uuid.uuid4().hex[:8]}"
    teacher = Actor.user(f"t-{uuid.uuid4().hex[:6]}", "teacher")
    people = [Actor.user(f"l-{uuid.uuid4().hex[:6]}", "student") for _ in range(learners)]
    directory = Directory({course_id: {teacher.user_id}}, {course_id: {p.user_id for p in people}})
    gate = CourseGate(directory)

    def uow() -> SqlAssessmentUnitOfWork:
        return SqlAssessmentUnitOfWork(database)

    return World(
        BankHandlers(uow, gate, clock=clock),
        QuizHandlers(uow, gate, clock=clock),
        AttemptHandlers(uow, gate, clock=clock),
        GradingHandlers(uow, gate, clock=clock),
        clock,
        course_id,
        teacher,
        people,
    )


CAPITAL = SingleChoice((Choice("a", "Paris", 1.0), Choice("b", "Lyon"), Choice("c", "Nice")))
PHYSICIST = ShortAnswer((TextAnswer("newton"),))


async def bank(w: World):  # type: ignore[no-untyped-def]
    created = await w.banks.create_bank(w.teacher, w.course_id, "Bank")
    category = await w.banks.create_category(w.teacher, created.id, "", "All")
    return created, category


async def add_question(w: World, bank_id: str, category_id: str, body, title: str = "Q"):  # type: ignore[no-untyped-def]
    draft = QuestionDraft(title, "text", body, 1.0, "", (), category_id)
    return await w.banks.create_question(w.teacher, bank_id, draft)


async def quiz_of(w: World, slots: tuple[Slot, ...], **settings):  # type: ignore[no-untyped-def]
    quiz = await w.quizzes.create(
        w.teacher, w.course_id, "Quiz", (Section("S", slots),), QuizSettings(**settings)
    )
    return await w.quizzes.publish(w.teacher, quiz.id)
