"""Matching (stems to choices) and ordering."""

from __future__ import annotations

import random
from dataclasses import dataclass

from lms_assessment.domain.questions.base import Answer, Option, Outcome, Variant, shuffled

STEMS = "stems"
MATCH_CHOICES = "match_choices"
ITEMS = "items"


@dataclass(frozen=True)
class MatchStem:
    id: str
    text: str
    answer_id: str  # the id of the matching choice


@dataclass(frozen=True)
class Matching:
    """Each stem has one right choice; `choices` may hold extra distractors.
    Partial credit: the share of stems matched right (all-or-nothing when not `partial`)."""

    stems: tuple[MatchStem, ...]
    choices: tuple[Option, ...]
    partial: bool = True
    shuffle: bool = True
    kind: str = "matching"

    @property
    def auto_graded(self) -> bool:
        return True

    def problems(self) -> list[tuple[str, str, str]]:
        choice_ids = {c.id for c in self.choices}
        found = []
        if len(self.stems) < 2:
            found.append(("stems", "TOO_FEW_STEMS", "a matching question needs at least two stems"))
        if len({s.id for s in self.stems}) != len(self.stems) or len(choice_ids) != len(self.choices):
            found.append(("stems", "IDS_NOT_UNIQUE", "stem and choice ids must be unique"))
        if any(s.answer_id not in choice_ids for s in self.stems):
            found.append(("stems", "UNKNOWN_CHOICE", "every stem's answer must be one of the choices"))
        return found

    def draw(self, rng: random.Random) -> Variant:
        stems = tuple(s.id for s in self.stems)
        choices = tuple(c.id for c in self.choices)
        if not self.shuffle:
            return Variant(orders={STEMS: stems, MATCH_CHOICES: choices})
        return Variant(orders={STEMS: shuffled(stems, rng), MATCH_CHOICES: shuffled(choices, rng)})

    def grade(self, answer: Answer, variant: Variant) -> Outcome:
        right = sum(1 for s in self.stems if answer.pairs.get(s.id) == s.answer_id)
        if not self.partial:
            return Outcome(1.0 if right == len(self.stems) else 0.0)
        return Outcome(round(right / len(self.stems), 6))


@dataclass(frozen=True)
class Ordering:
    """Items to put in order (`items` is the right order; attempts see them shuffled).
    All-or-nothing, or partial: the share of items in their right position."""

    items: tuple[Option, ...]  # in the right order
    partial: bool = True
    kind: str = "ordering"

    @property
    def auto_graded(self) -> bool:
        return True

    def problems(self) -> list[tuple[str, str, str]]:
        if len(self.items) < 2:
            return [("items", "TOO_FEW_ITEMS", "an ordering question needs at least two items")]
        if len({i.id for i in self.items}) != len(self.items):
            return [("items", "IDS_NOT_UNIQUE", "item ids must be unique")]
        return []

    def draw(self, rng: random.Random) -> Variant:
        return Variant(orders={ITEMS: shuffled(tuple(i.id for i in self.items), rng)})

    def grade(self, answer: Answer, variant: Variant) -> Outcome:
        expected = [i.id for i in self.items]
        given = list(answer.order)
        if sorted(given) != sorted(expected):
            return Outcome(0.0, ("every item must be placed exactly once",))
        in_place = sum(1 for a, b in zip(given, expected, strict=True) if a == b)
        if not self.partial:
            return Outcome(1.0 if in_place == len(expected) else 0.0)
        return Outcome(round(in_place / len(expected), 6))
