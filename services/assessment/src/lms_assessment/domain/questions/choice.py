"""Single choice, multiple response and true/false."""

from __future__ import annotations

import random
from dataclasses import dataclass

from lms_assessment.domain.questions.base import Answer, Outcome, Variant, bounded, shuffled

CHOICES = "choices"


@dataclass(frozen=True)
class Choice:
    """An option. `fraction` is the credit for choosing it (single choice: -1..1;
    multiple response reads only `correct`)."""

    id: str
    text: str
    fraction: float = 0.0
    correct: bool = False
    feedback: str = ""


def _choice_problems(choices: tuple[Choice, ...]) -> list[tuple[str, str, str]]:
    found = []
    if len(choices) < 2:
        found.append(("choices", "TOO_FEW_CHOICES", "a choice question needs at least two choices"))
    ids = [c.id for c in choices]
    if len(set(ids)) != len(ids) or any(not i for i in ids):
        found.append(("choices", "CHOICE_IDS_NOT_UNIQUE", "choice ids must be unique and non-empty"))
    return found


def _draw(choices: tuple[Choice, ...], shuffle: bool, rng: random.Random) -> Variant:
    ids = tuple(c.id for c in choices)
    return Variant(orders={CHOICES: shuffled(ids, rng) if shuffle else ids})


@dataclass(frozen=True)
class SingleChoice:
    choices: tuple[Choice, ...]
    shuffle: bool = True
    negative_marking: bool = False
    kind: str = "single_choice"

    @property
    def auto_graded(self) -> bool:
        return True

    def problems(self) -> list[tuple[str, str, str]]:
        found = _choice_problems(self.choices)
        if not any(c.fraction >= 1.0 for c in self.choices):
            found.append(("choices", "NO_FULL_MARK_CHOICE", "one choice must give full marks (fraction 1)"))
        if any(not -1.0 <= c.fraction <= 1.0 for c in self.choices):
            found.append(("choices", "FRACTION_OUT_OF_RANGE", "a choice's fraction is between -1 and 1"))
        return found

    def draw(self, rng: random.Random) -> Variant:
        return _draw(self.choices, self.shuffle, rng)

    def grade(self, answer: Answer, variant: Variant) -> Outcome:
        if len(answer.choices) != 1:
            return Outcome(0.0)
        chosen = next((c for c in self.choices if c.id == answer.choices[0]), None)
        if chosen is None:
            return Outcome(0.0)
        feedback = (chosen.feedback,) if chosen.feedback else ()
        return Outcome(bounded(chosen.fraction, negative_marking=self.negative_marking), feedback)


@dataclass(frozen=True)
class MultipleResponse:
    """Several choices are right. All-or-nothing gives full marks only for exactly the right
    set; partial gives 1/k per right choice chosen and takes 1/(n-k) per wrong one."""

    choices: tuple[Choice, ...]
    partial: bool = True
    shuffle: bool = True
    negative_marking: bool = False
    kind: str = "multiple_response"

    @property
    def auto_graded(self) -> bool:
        return True

    def problems(self) -> list[tuple[str, str, str]]:
        found = _choice_problems(self.choices)
        if not any(c.correct for c in self.choices):
            found.append(("choices", "NO_CORRECT_CHOICE", "at least one choice must be correct"))
        return found

    def draw(self, rng: random.Random) -> Variant:
        return _draw(self.choices, self.shuffle, rng)

    def grade(self, answer: Answer, variant: Variant) -> Outcome:
        chosen = set(answer.choices)
        right = {c.id for c in self.choices if c.correct}
        wrong = {c.id for c in self.choices if not c.correct}
        feedback = tuple(c.feedback for c in self.choices if c.id in chosen and c.feedback)
        if not self.partial:
            return Outcome(1.0 if chosen == right else 0.0, feedback)
        gained = len(chosen & right) / len(right)
        lost = len(chosen & wrong) / len(wrong) if wrong else 0.0
        return Outcome(bounded(gained - lost, negative_marking=self.negative_marking), feedback)


@dataclass(frozen=True)
class TrueFalse:
    correct: bool
    true_feedback: str = ""
    false_feedback: str = ""
    kind: str = "true_false"

    @property
    def auto_graded(self) -> bool:
        return True

    def problems(self) -> list[tuple[str, str, str]]:
        return []

    def draw(self, rng: random.Random) -> Variant:
        return Variant()

    def grade(self, answer: Answer, variant: Variant) -> Outcome:
        if answer.choices not in (("true",), ("false",)):
            return Outcome(0.0)
        said = answer.choices[0] == "true"
        note = self.true_feedback if said else self.false_feedback
        return Outcome(1.0 if said == self.correct else 0.0, (note,) if note else ())
