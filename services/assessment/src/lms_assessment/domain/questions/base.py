"""What every question type shares: the learner's answer, the per-attempt variant, the outcome."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

# Grades are kept to this many decimals so that sums and comparisons are stable.
PRECISION = 6


@dataclass(frozen=True)
class Option:
    """An item shown by id and text (matching choices, ordering items)."""

    id: str
    text: str


@dataclass(frozen=True)
class Answer:
    """One learner's answer to one question. Which fields a type reads: `choices` (single,
    multiple, true/false as "true"/"false"), `text` (short answer, numerical, calculated,
    essay), `pairs` (matching stem -> choice, cloze gap -> text, drag-and-drop gap -> token),
    `order` (ordering), `file` (file response, `files/{file}`)."""

    choices: tuple[str, ...] = ()
    text: str = ""
    pairs: Mapping[str, str] = field(default_factory=dict)
    order: tuple[str, ...] = ()
    file: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.choices or self.text.strip() or self.pairs or self.order or self.file)


@dataclass(frozen=True)
class Variant:
    """What one attempt was shown: the order of each shuffled list (by list name) and the
    values drawn for a calculated question's variables. Drawn once per attempt from its seed."""

    orders: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    values: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """A graded answer. `fraction` is of the question's maximum (1.0 = full marks);
    `needs_manual` marks an answer only a teacher can grade (fraction 0 until then)."""

    fraction: float
    feedback: tuple[str, ...] = ()
    needs_manual: bool = False

    def points(self, maximum: float) -> float:
        """The points out of `maximum`; rounding never takes them past the maximum."""
        earned = round(self.fraction * maximum, PRECISION)
        return max(-maximum, min(maximum, earned))


MANUAL = Outcome(0.0, needs_manual=True)
UNGRADED = Outcome(0.0)


def bounded(fraction: float, *, negative_marking: bool) -> float:
    """The fraction within [0, 1], or [-1, 1] when the question uses negative marking."""
    low = -1.0 if negative_marking else 0.0
    return round(min(1.0, max(low, fraction)), PRECISION)


def shuffled(ids: tuple[str, ...], rng: random.Random) -> tuple[str, ...]:
    order = list(ids)
    rng.shuffle(order)
    return tuple(order)


class Body(Protocol):
    """The type-specific part of a question version."""

    @property
    def kind(self) -> str: ...

    @property
    def auto_graded(self) -> bool: ...

    def problems(self) -> list[tuple[str, str, str]]:
        """(field path, reason, message) for each rule the definition breaks."""
        ...

    def draw(self, rng: random.Random) -> Variant: ...

    def grade(self, answer: Answer, variant: Variant) -> Outcome: ...
