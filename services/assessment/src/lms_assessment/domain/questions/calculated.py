"""Calculated: variables drawn per attempt, the answer is a formula of them."""

from __future__ import annotations

import random
from dataclasses import dataclass

from lms_assessment.domain.questions.base import Answer, Outcome, Variant
from lms_assessment.domain.questions.formula import FormulaError, evaluate, names
from lms_assessment.domain.questions.text import NumericAnswer, Unit, grade_number


@dataclass(frozen=True)
class VariableRange:
    """A variable drawn uniformly from [minimum, maximum], rounded to `decimals`."""

    name: str
    minimum: float
    maximum: float
    decimals: int = 0


@dataclass(frozen=True)
class Calculated:
    formula: str
    variables: tuple[VariableRange, ...]
    tolerance: float = 0.0
    # When true, `tolerance` is relative to the correct value (0.01 = 1 %).
    relative_tolerance: bool = False
    units: tuple[Unit, ...] = ()
    unit_required: bool = False
    unit_penalty: float = 0.1
    kind: str = "calculated"

    @property
    def auto_graded(self) -> bool:
        return True

    def problems(self) -> list[tuple[str, str, str]]:
        try:
            used = names(self.formula)
        except FormulaError as exc:
            return [("formula", "FORMULA_INVALID", str(exc))]
        declared = {v.name for v in self.variables}
        found = []
        if used - declared:
            unknown = ", ".join(sorted(used - declared))
            found.append(("formula", "FORMULA_UNKNOWN_VARIABLE", f"undeclared variables: {unknown}"))
        if any(v.minimum > v.maximum or not 0 <= v.decimals <= 6 for v in self.variables):
            found.append(("variables", "BAD_RANGE", "minimum <= maximum and 0 to 6 decimals"))
        if self.tolerance < 0:
            found.append(("tolerance", "BAD_TOLERANCE", "the tolerance is not negative"))
        if not found:
            # The smallest values must evaluate: catches a formula that divides by zero everywhere.
            try:
                evaluate(self.formula, {v.name: v.minimum for v in self.variables})
            except FormulaError as exc:
                found.append(("formula", "FORMULA_INVALID", str(exc)))
        return found

    def draw(self, rng: random.Random) -> Variant:
        values = {v.name: round(rng.uniform(v.minimum, v.maximum), v.decimals) for v in self.variables}
        return Variant(values=values)

    def correct_value(self, variant: Variant) -> float:
        return evaluate(self.formula, variant.values)

    def grade(self, answer: Answer, variant: Variant) -> Outcome:
        try:
            value = self.correct_value(variant)
        except FormulaError:
            return Outcome(0.0, ("this question could not be evaluated; a teacher will review it",))
        tolerance = abs(value) * self.tolerance if self.relative_tolerance else self.tolerance
        accepted = (NumericAnswer(value, tolerance),)
        return grade_number(answer.text, accepted, self.units, self.unit_required, self.unit_penalty)
