"""Quizzes: sections of fixed and random slots, timing, attempts, grading method, review."""

from __future__ import annotations

import ipaddress
import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum

from lms_assessment.domain.errors import QuizInvalid, QuizNotDraft
from lms_assessment.domain.events import QuizPublished
from lms_kit.domain import Aggregate, FieldViolation


class ExpiryAction(Enum):
    AUTO_SUBMIT = "auto_submit"  # time up: the saved answers are submitted
    GRACE = "grace"  # time up: the learner may still submit (not change answers) for `grace_s`
    DISCARD = "discard"  # time up: an unsubmitted attempt is abandoned, never graded


class GradingMethod(Enum):
    HIGHEST = "highest"
    AVERAGE = "average"
    FIRST = "first"
    LAST = "last"


class Navigation(Enum):
    FREE = "free"
    SEQUENTIAL = "sequential"  # a question left cannot be answered again


class ReviewTime(Enum):
    NEVER = "never"
    IMMEDIATELY = "immediately"  # as soon as the attempt is finished
    WHILE_OPEN = "while_open"  # after the attempt is finished, until the quiz closes
    AFTER_CLOSE = "after_close"  # once the quiz has closed


@dataclass(frozen=True)
class ReviewOptions:
    """When a learner sees each part of a finished attempt."""

    marks: ReviewTime = ReviewTime.IMMEDIATELY
    feedback: ReviewTime = ReviewTime.IMMEDIATELY
    correct_answers: ReviewTime = ReviewTime.AFTER_CLOSE


def review_allows(when: ReviewTime, *, finished: bool, now: datetime, close_at: datetime | None) -> bool:
    if not finished or when is ReviewTime.NEVER:
        return False
    closed = close_at is not None and now >= close_at
    if when is ReviewTime.IMMEDIATELY:
        return True
    if when is ReviewTime.WHILE_OPEN:
        return not closed
    return closed


@dataclass(frozen=True)
class Slot:
    """One place in a quiz: a fixed question, or one drawn at random from a category
    (`question_id` empty, `category_id` set) per attempt."""

    points: float = 1.0
    question_id: str = ""
    category_id: str = ""
    include_subcategories: bool = False
    bank_id: str = ""  # the bank of the question or category


@dataclass(frozen=True)
class Section:
    title: str
    slots: tuple[Slot, ...]
    shuffle: bool = False  # the section's questions in an order drawn per attempt


@dataclass(frozen=True)
class IntegrityRules:
    """When an attempt is flagged for review; 0 turns a count rule off."""

    max_tab_switches: int = 0
    max_copy_paste: int = 0
    flag_second_session: bool = True
    flag_ip_change: bool = False
    flag_fullscreen_exit: bool = False


@dataclass(frozen=True)
class QuizSettings:
    open_at: datetime | None = None
    close_at: datetime | None = None
    time_limit_s: int = 0  # 0: no limit
    expiry: ExpiryAction = ExpiryAction.AUTO_SUBMIT
    grace_s: int = 0
    attempts_allowed: int = 1  # 0: unlimited
    delay_between_attempts_s: int = 0
    grading_method: GradingMethod = GradingMethod.HIGHEST
    pass_percent: float = 50.0
    navigation: Navigation = Navigation.FREE
    review: ReviewOptions = field(default_factory=ReviewOptions)
    lecture_id: str = ""
    password: str = ""
    ip_ranges: tuple[str, ...] = ()
    integrity: IntegrityRules = field(default_factory=IntegrityRules)

    def violations(self) -> list[FieldViolation]:
        found = []
        if self.open_at and self.close_at and self.close_at <= self.open_at:
            found.append(
                FieldViolation("quiz.close_time", "the quiz must close after it opens", "CLOSE_BEFORE_OPEN")
            )
        if self.time_limit_s < 0 or self.grace_s < 0 or self.delay_between_attempts_s < 0:
            found.append(FieldViolation("quiz.time_limit", "durations are not negative", "NEGATIVE_DURATION"))
        if self.expiry is ExpiryAction.GRACE and self.grace_s <= 0:
            found.append(
                FieldViolation("quiz.grace_period", "a grace expiry needs a grace period", "GRACE_MISSING")
            )
        if not 0 <= self.pass_percent <= 100:
            found.append(
                FieldViolation("quiz.pass_percent", "between 0 and 100", "PASS_PERCENT_OUT_OF_RANGE")
            )
        if self.attempts_allowed < 0:
            found.append(
                FieldViolation("quiz.attempts_allowed", "0 (unlimited) or more", "NEGATIVE_ATTEMPTS")
            )
        for index, cidr in enumerate(self.ip_ranges):
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                found.append(
                    FieldViolation(f"quiz.ip_ranges[{index}]", "not a CIDR range", "IP_RANGE_INVALID")
                )
        return found


class QuizState(Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


@dataclass(frozen=True)
class Override:
    """A per-learner exception: more time, more attempts, a later close."""

    quiz_id: str
    user_id: str
    extra_time_s: int = 0
    extra_attempts: int = 0
    close_at: datetime | None = None


@dataclass(eq=True)
class Quiz(Aggregate):
    id: str
    course_id: str
    title: str
    sections: tuple[Section, ...]
    settings: QuizSettings
    created_by: str
    created_at: datetime
    state: QuizState = QuizState.DRAFT
    published_at: datetime | None = None

    @classmethod
    def create(
        cls, quiz_id: str, course_id: str, title: str, sections: tuple[Section, ...], settings: QuizSettings,
        created_by: str, now: datetime,
    ) -> Quiz:  # fmt: skip
        quiz = cls(quiz_id, course_id, title.strip(), sections, settings, created_by, now)
        quiz.check()
        return quiz

    def check(self) -> None:
        found = list(self.settings.violations())
        if not self.title:
            found.append(FieldViolation("quiz.title", "a quiz needs a title", "TITLE_BLANK"))
        for s, section in enumerate(self.sections):
            for i, slot in enumerate(section.slots):
                if bool(slot.question_id) == bool(slot.category_id):
                    found.append(
                        FieldViolation(
                            f"quiz.sections[{s}].slots[{i}]", "name a question or a category", "SLOT_INVALID"
                        )
                    )
                if slot.points < 0:
                    found.append(
                        FieldViolation(f"quiz.sections[{s}].slots[{i}].points", ">= 0", "SLOT_INVALID")
                    )
        if found:
            raise QuizInvalid(found)

    def revise(self, *, title: str, sections: tuple[Section, ...], settings: QuizSettings) -> None:
        """Change a quiz. Once published only its settings change: its questions stay."""
        if self.state is QuizState.PUBLISHED and sections != self.sections:
            raise QuizNotDraft()
        self.title, self.sections, self.settings = title.strip(), sections, settings
        self.check()

    def publish(self, now: datetime) -> None:
        if self.state is QuizState.PUBLISHED:
            return
        if not any(section.slots for section in self.sections):
            raise QuizInvalid([FieldViolation("quiz.sections", "a quiz needs a question", "QUIZ_EMPTY")])
        self.state, self.published_at = QuizState.PUBLISHED, now
        self.raise_event(QuizPublished(self.id, self.course_id, self.settings.lecture_id, self.title, now))

    @property
    def slots(self) -> list[Slot]:
        return [slot for section in self.sections for slot in section.slots]

    def close_for(self, override: Override | None) -> datetime | None:
        if override is not None and override.close_at is not None:
            return override.close_at
        return self.settings.close_at

    def deadline(self, started_at: datetime, override: Override | None) -> datetime | None:
        """When an attempt started at `started_at` must end: start + limit (+ extra time),
        and never after the quiz closes (for this learner)."""
        ends = []
        if self.settings.time_limit_s:
            extra = override.extra_time_s if override else 0
            ends.append(started_at + timedelta(seconds=self.settings.time_limit_s + extra))
        close = self.close_for(override)
        if close is not None:
            ends.append(close)
        return min(ends) if ends else None

    def attempts_allowed(self, override: Override | None) -> int:
        if self.settings.attempts_allowed == 0:
            return 0
        return self.settings.attempts_allowed + (override.extra_attempts if override else 0)

    def with_settings(self, **changes: object) -> QuizSettings:
        return replace(self.settings, **changes)  # type: ignore[arg-type]


def compose(quiz: Quiz, candidates: dict[str, list[str]], seed: int) -> list[tuple[Slot, str]]:
    """The (slot, question id) list an attempt gets: fixed questions as placed, random slots
    drawn from their category's `candidates` without repeating a question, sections shuffled
    where asked. The same seed always gives the same list."""
    rng = random.Random(seed)
    used = {slot.question_id for slot in quiz.slots if slot.question_id}
    drawn: list[tuple[Slot, str]] = []
    for section in quiz.sections:
        placed: list[tuple[Slot, str]] = []
        for slot in section.slots:
            if slot.question_id:
                placed.append((slot, slot.question_id))
                continue
            pool = sorted(q for q in candidates.get(slot.category_id, []) if q not in used)
            if not pool:
                raise QuizInvalid(
                    [
                        FieldViolation(
                            "quiz.sections",
                            f"category {slot.category_id} has too few questions",
                            "POOL_EMPTY",
                        )
                    ]
                )
            choice = rng.choice(pool)
            used.add(choice)
            placed.append((slot, choice))
        if section.shuffle:
            rng.shuffle(placed)
        drawn.extend(placed)
    return drawn


def quiz_grade(percents: list[float], method: GradingMethod) -> float | None:
    """The learner's grade for the quiz from their graded attempts' percentages, oldest first."""
    if not percents:
        return None
    match method:
        case GradingMethod.HIGHEST:
            return max(percents)
        case GradingMethod.AVERAGE:
            return round(sum(percents) / len(percents), 6)
        case GradingMethod.FIRST:
            return percents[0]
        case GradingMethod.LAST:
            return percents[-1]
