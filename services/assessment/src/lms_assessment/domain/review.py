"""What a viewer sees of an attempt: the questions as shown, and, per the quiz's review
options, marks, feedback and right answers. Right answers never reach a learner before
the options allow."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from lms_assessment.domain.attempt import Attempt, AttemptQuestion
from lms_assessment.domain.questions.base import Option
from lms_assessment.domain.questions.choice import MultipleResponse, SingleChoice, TrueFalse
from lms_assessment.domain.questions.composite import Cloze, DragDropText
from lms_assessment.domain.questions.structured import Matching, Ordering
from lms_assessment.domain.quiz import ReviewOptions, ReviewTime, review_allows

_VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Visibility:
    marks: bool
    feedback: bool
    correct_answers: bool
    flags: bool


def visibility(
    attempt: Attempt, review: ReviewOptions, close_at: datetime | None, now: datetime, *, teacher: bool
) -> Visibility:
    if teacher:
        return Visibility(True, True, True, True)
    finished = attempt.finished

    def allows(when: ReviewTime) -> bool:
        return review_allows(when, finished=finished, now=now, close_at=close_at)

    return Visibility(allows(review.marks), allows(review.feedback), allows(review.correct_answers), False)


@dataclass(frozen=True)
class GapShown:
    id: str
    kind: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Shown:
    """A question's presentation in an attempt: no correct flags, lists in the attempt's order."""

    text: str
    choices: tuple[Option, ...] = ()
    items: tuple[Option, ...] = ()
    gaps: tuple[GapShown, ...] = ()


def _ordered(options: dict[str, str], order: tuple[str, ...] | None) -> tuple[Option, ...]:
    ids = order if order is not None else tuple(options)
    return tuple(Option(i, options[i]) for i in ids if i in options)


def shown(question: AttemptQuestion) -> Shown:
    body, orders = question.body, question.variant.orders
    text = _VARIABLE.sub(
        lambda m: (
            f"{question.variant.values[m.group(1)]:g}"
            if m.group(1) in question.variant.values
            else m.group(0)
        ),
        question.text,
    )
    match body:
        case SingleChoice() | MultipleResponse():
            return Shown(text, choices=_ordered({c.id: c.text for c in body.choices}, orders.get("choices")))
        case TrueFalse():
            return Shown(text, choices=(Option("true", "True"), Option("false", "False")))
        case Matching():
            return Shown(
                text,
                choices=_ordered({c.id: c.text for c in body.choices}, orders.get("match_choices")),
                items=_ordered({s.id: s.text for s in body.stems}, orders.get("stems")),
            )
        case Ordering():
            return Shown(text, items=_ordered({i.id: i.text for i in body.items}, orders.get("items")))
        case DragDropText():
            return Shown(text, choices=_ordered({t.id: t.text for t in body.tokens}, orders.get("tokens")))
        case Cloze():
            gaps = []
            for gap in body.gaps:
                options: tuple[Option, ...] = ()
                if isinstance(gap.body, SingleChoice):
                    options = _ordered({c.id: c.text for c in gap.body.choices}, orders.get(f"gap:{gap.id}"))
                gaps.append(GapShown(gap.id, gap.body.kind, options))
            return Shown(text, gaps=tuple(gaps))
    return Shown(text)
