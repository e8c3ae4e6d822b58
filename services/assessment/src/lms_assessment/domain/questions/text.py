"""Short answer (case and white-space options, `*` wildcards) and numerical (tolerance, units)."""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass

from lms_assessment.domain.questions.base import Answer, Outcome, Variant, bounded

_SPACES = re.compile(r"\s+")
_NUMBER_AND_UNIT = re.compile(r"^\s*([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


@dataclass(frozen=True)
class TextAnswer:
    """An accepted answer: `pattern` may use `*` for any run of characters."""

    pattern: str
    fraction: float = 1.0
    feedback: str = ""


def normalise_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def wildcard(pattern: str, *, case_sensitive: bool) -> re.Pattern[str]:
    parts = (re.escape(p) for p in pattern.split("*"))
    return re.compile(".*".join(parts), 0 if case_sensitive else re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class ShortAnswer:
    answers: tuple[TextAnswer, ...]
    case_sensitive: bool = False
    # When false, runs of white space count as one space and the ends are trimmed.
    exact_spacing: bool = False
    kind: str = "short_answer"

    @property
    def auto_graded(self) -> bool:
        return True

    def problems(self) -> list[tuple[str, str, str]]:
        found = []
        if not self.answers:
            found.append(("answers", "NO_ANSWERS", "a short answer question needs an accepted answer"))
        if not any(a.fraction >= 1.0 for a in self.answers):
            found.append(("answers", "NO_FULL_MARK_ANSWER", "one answer must give full marks (fraction 1)"))
        if any(not 0.0 <= a.fraction <= 1.0 for a in self.answers):
            found.append(("answers", "FRACTION_OUT_OF_RANGE", "an answer's fraction is between 0 and 1"))
        return found

    def draw(self, rng: random.Random) -> Variant:
        return Variant()

    def matching_answer(self, text: str) -> TextAnswer | None:
        """The best accepted answer `text` matches (the highest fraction)."""
        given = text if self.exact_spacing else normalise_spaces(text)
        best: TextAnswer | None = None
        for accepted in self.answers:
            pattern = accepted.pattern if self.exact_spacing else normalise_spaces(accepted.pattern)
            better = best is None or accepted.fraction > best.fraction
            if better and wildcard(pattern, case_sensitive=self.case_sensitive).fullmatch(given):
                best = accepted
        return best

    def grade(self, answer: Answer, variant: Variant) -> Outcome:
        if not answer.text.strip():
            return Outcome(0.0)
        found = self.matching_answer(answer.text)
        if found is None:
            return Outcome(0.0)
        return Outcome(
            bounded(found.fraction, negative_marking=False), (found.feedback,) if found.feedback else ()
        )


@dataclass(frozen=True)
class NumericAnswer:
    value: float
    tolerance: float = 0.0  # absolute: |given - value| <= tolerance
    fraction: float = 1.0
    feedback: str = ""


@dataclass(frozen=True)
class Unit:
    """A unit the answer may carry; the given number is multiplied by `multiplier`
    before it is compared (e.g. "cm" with 0.01 when the answer is in metres)."""

    name: str
    multiplier: float = 1.0


def parse_quantity(text: str) -> tuple[float, str] | None:
    """'12,5 cm' -> (12.5, 'cm'); None when it does not start with a number."""
    found = _NUMBER_AND_UNIT.match(text)
    if found is None:
        return None
    try:
        value = float(found.group(1).replace(",", "."))
    except ValueError:
        return None
    return (value, found.group(2)) if math.isfinite(value) else None


@dataclass(frozen=True)
class Numerical:
    answers: tuple[NumericAnswer, ...]
    units: tuple[Unit, ...] = ()
    unit_required: bool = False
    # The fraction taken off when a unit is required and missing or unknown.
    unit_penalty: float = 0.1
    kind: str = "numerical"

    @property
    def auto_graded(self) -> bool:
        return True

    def problems(self) -> list[tuple[str, str, str]]:
        found = []
        if not any(a.fraction >= 1.0 for a in self.answers):
            found.append(("answers", "NO_FULL_MARK_ANSWER", "one answer must give full marks (fraction 1)"))
        if any(a.tolerance < 0 or not math.isfinite(a.value) for a in self.answers):
            found.append(("answers", "BAD_TOLERANCE", "values are finite and tolerances not negative"))
        if any(u.multiplier <= 0 for u in self.units):
            found.append(("units", "BAD_MULTIPLIER", "a unit's multiplier is positive"))
        if not 0.0 <= self.unit_penalty <= 1.0:
            found.append(("unit_penalty", "FRACTION_OUT_OF_RANGE", "the unit penalty is between 0 and 1"))
        return found

    def draw(self, rng: random.Random) -> Variant:
        return Variant()

    def grade(self, answer: Answer, variant: Variant) -> Outcome:
        return grade_number(answer.text, self.answers, self.units, self.unit_required, self.unit_penalty)


def grade_number(
    text: str,
    answers: tuple[NumericAnswer, ...],
    units: tuple[Unit, ...],
    unit_required: bool,
    unit_penalty: float,
) -> Outcome:
    quantity = parse_quantity(text)
    if quantity is None:
        return Outcome(0.0)
    value, unit_text = quantity
    unit = next((u for u in units if u.name == unit_text), None)
    penalty = 0.0
    if unit is not None:
        value *= unit.multiplier
    elif units and (unit_required or unit_text):
        penalty = unit_penalty
    best: NumericAnswer | None = None
    for accepted in answers:
        # A tiny relative slack absorbs binary rounding (0.1 + 0.2 vs 0.3).
        slack = accepted.tolerance + 1e-9 * max(1.0, abs(accepted.value))
        if abs(value - accepted.value) <= slack and (best is None or accepted.fraction > best.fraction):
            best = accepted
    if best is None:
        return Outcome(0.0)
    feedback = tuple(f for f in (best.feedback, "unit missing or unknown" if penalty else "") if f)
    return Outcome(bounded(best.fraction - penalty, negative_marking=False), feedback)
