"""Cloze (gaps of different kinds in one text) and drag-and-drop into text."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from lms_assessment.domain.questions.base import Answer, Outcome, Variant, bounded, shuffled
from lms_assessment.domain.questions.choice import SingleChoice
from lms_assessment.domain.questions.text import Numerical, ShortAnswer

_PLACEHOLDER = re.compile(r"\{\{([A-Za-z0-9_-]+)\}\}")
TOKENS = "tokens"

GapBody = ShortAnswer | Numerical | SingleChoice


def placeholders(text: str) -> list[str]:
    """The gap ids a text names, as `{{gap}}`, in order."""
    return _PLACEHOLDER.findall(text)


@dataclass(frozen=True)
class Gap:
    """One gap of a cloze text: a short answer, numerical or inline-choice sub-question
    worth `weight` (gaps' weights are relative to each other)."""

    id: str
    body: GapBody
    weight: float = 1.0


@dataclass(frozen=True)
class Cloze:
    text: str  # with `{{gap}}` placeholders
    gaps: tuple[Gap, ...]
    kind: str = "cloze"

    @property
    def auto_graded(self) -> bool:
        return True

    def problems(self) -> list[tuple[str, str, str]]:
        found = []
        ids = [g.id for g in self.gaps]
        if not self.gaps or sorted(placeholders(self.text)) != sorted(ids):
            found.append(("gaps", "GAPS_DO_NOT_MATCH_TEXT", "each {{gap}} in the text needs exactly one gap"))
        if any(g.weight <= 0 for g in self.gaps):
            found.append(("gaps", "BAD_WEIGHT", "gap weights are positive"))
        for index, gap in enumerate(self.gaps):
            found.extend((f"gaps[{index}].{path}", reason, msg) for path, reason, msg in gap.body.problems())
        return found

    def draw(self, rng: random.Random) -> Variant:
        orders = {}
        for gap in self.gaps:
            if isinstance(gap.body, SingleChoice):
                orders[f"gap:{gap.id}"] = gap.body.draw(rng).orders["choices"]
        return Variant(orders=orders)

    def grade_gaps(self, answer: Answer) -> dict[str, Outcome]:
        outcomes = {}
        for gap in self.gaps:
            given = answer.pairs.get(gap.id, "")
            sub = (
                Answer(choices=(given,) if given else ())
                if isinstance(gap.body, SingleChoice)
                else Answer(text=given)
            )
            outcomes[gap.id] = gap.body.grade(sub, Variant())
        return outcomes

    def grade(self, answer: Answer, variant: Variant) -> Outcome:
        outcomes = self.grade_gaps(answer)
        total = sum(g.weight for g in self.gaps)
        fraction = sum(outcomes[g.id].fraction * g.weight for g in self.gaps) / total
        feedback = tuple(f"{gap_id}: {note}" for gap_id, o in outcomes.items() for note in o.feedback)
        negative = any(isinstance(g.body, SingleChoice) and g.body.negative_marking for g in self.gaps)
        return Outcome(bounded(fraction, negative_marking=negative), feedback)


@dataclass(frozen=True)
class Token:
    id: str
    text: str
    # Tokens may be reused in several gaps when `unlimited`.
    unlimited: bool = False


@dataclass(frozen=True)
class Placement:
    """The right token for one gap."""

    gap: str
    token: str


@dataclass(frozen=True)
class DragDropText:
    """Tokens dragged into `{{gap}}` places of a text; `answers` maps gap -> right token.
    Partial credit: the share of gaps filled right."""

    text: str
    tokens: tuple[Token, ...]
    answers: tuple[Placement, ...]
    shuffle: bool = True
    kind: str = "drag_drop_text"

    @property
    def auto_graded(self) -> bool:
        return True

    def problems(self) -> list[tuple[str, str, str]]:
        found = []
        token_ids = {t.id for t in self.tokens}
        if sorted(placeholders(self.text)) != sorted(p.gap for p in self.answers) or not self.answers:
            found.append(
                ("answers", "GAPS_DO_NOT_MATCH_TEXT", "each {{gap}} in the text needs exactly one answer")
            )
        if any(p.token not in token_ids for p in self.answers):
            found.append(("answers", "UNKNOWN_TOKEN", "every answer must be one of the tokens"))
        return found

    def draw(self, rng: random.Random) -> Variant:
        ids = tuple(t.id for t in self.tokens)
        return Variant(orders={TOKENS: shuffled(ids, rng) if self.shuffle else ids})

    def grade(self, answer: Answer, variant: Variant) -> Outcome:
        limited = {t.id for t in self.tokens if not t.unlimited}
        placed = [answer.pairs.get(p.gap) for p in self.answers]
        used_twice = {t for t in placed if t in limited and placed.count(t) > 1}
        right = sum(
            1 for p in self.answers if answer.pairs.get(p.gap) == p.token and p.token not in used_twice
        )
        notes = ("a token was used in more than one gap",) if used_twice else ()
        return Outcome(round(right / len(self.answers), 6), notes)
