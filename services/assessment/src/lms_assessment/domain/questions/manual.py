"""Essay (rubric), file response and description: graded by a teacher, or not at all."""

from __future__ import annotations

import random
from dataclasses import dataclass

from lms_assessment.domain.questions.base import MANUAL, UNGRADED, Answer, Outcome, Variant


@dataclass(frozen=True)
class RubricLevel:
    id: str
    description: str
    points: float


@dataclass(frozen=True)
class RubricCriterion:
    id: str
    description: str
    levels: tuple[RubricLevel, ...]

    @property
    def best(self) -> float:
        return max((level.points for level in self.levels), default=0.0)


@dataclass(frozen=True)
class Essay:
    """Graded by a teacher; with a rubric, the grade is the chosen levels' points over the
    rubric's best total."""

    rubric: tuple[RubricCriterion, ...] = ()
    min_words: int = 0
    max_words: int = 0  # 0: no limit
    kind: str = "essay"

    @property
    def auto_graded(self) -> bool:
        return False

    def problems(self) -> list[tuple[str, str, str]]:
        found = []
        for index, criterion in enumerate(self.rubric):
            if not criterion.levels or any(level.points < 0 for level in criterion.levels):
                found.append((f"rubric[{index}]", "BAD_RUBRIC", "a criterion needs levels with points >= 0"))
        if self.rubric and sum(c.best for c in self.rubric) <= 0:
            found.append(("rubric", "BAD_RUBRIC", "a rubric must be worth something"))
        return found

    def draw(self, rng: random.Random) -> Variant:
        return Variant()

    def grade(self, answer: Answer, variant: Variant) -> Outcome:
        return MANUAL if answer.text.strip() else UNGRADED

    def rubric_fraction(self, chosen: dict[str, str]) -> float | None:
        """The fraction for one level chosen per criterion; None when a criterion is missing
        or a level unknown."""
        total = 0.0
        for criterion in self.rubric:
            level = next((lv for lv in criterion.levels if lv.id == chosen.get(criterion.id)), None)
            if level is None:
                return None
            total += level.points
        return round(total / sum(c.best for c in self.rubric), 6)


@dataclass(frozen=True)
class FileResponse:
    """The learner uploads through the file service and answers with `files/{file}`."""

    accepted_types: tuple[str, ...] = ()  # media types, e.g. "application/pdf"
    kind: str = "file_response"

    @property
    def auto_graded(self) -> bool:
        return False

    def problems(self) -> list[tuple[str, str, str]]:
        return []

    def draw(self, rng: random.Random) -> Variant:
        return Variant()

    def grade(self, answer: Answer, variant: Variant) -> Outcome:
        return MANUAL if answer.file.startswith("files/") else UNGRADED


@dataclass(frozen=True)
class Description:
    """Text shown among the questions; it has no answer and no grade."""

    kind: str = "description"

    @property
    def auto_graded(self) -> bool:
        return True

    def problems(self) -> list[tuple[str, str, str]]:
        return []

    def draw(self, rng: random.Random) -> Variant:
        return Variant()

    def grade(self, answer: Answer, variant: Variant) -> Outcome:
        return UNGRADED
