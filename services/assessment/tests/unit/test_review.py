"""Review options: when a learner sees marks, feedback and right answers; what a
presentation shows (no fractions, no correct flags, the attempt's order, drawn values)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms_assessment.domain.attempt import AttemptQuestion
from lms_assessment.domain.questions import Calculated, Choice, SingleChoice, VariableRange, Variant
from lms_assessment.domain.quiz import ReviewTime, review_allows
from lms_assessment.domain.review import shown

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
CLOSE = NOW + timedelta(hours=1)


@pytest.mark.parametrize(
    ("when", "finished", "now", "allowed"),
    [
        (ReviewTime.IMMEDIATELY, False, NOW, False),
        (ReviewTime.IMMEDIATELY, True, NOW, True),
        (ReviewTime.WHILE_OPEN, True, NOW, True),
        (ReviewTime.WHILE_OPEN, True, CLOSE, False),
        (ReviewTime.AFTER_CLOSE, True, NOW, False),
        (ReviewTime.AFTER_CLOSE, True, CLOSE, True),
        (ReviewTime.AFTER_CLOSE, False, CLOSE, False),
        (ReviewTime.NEVER, True, CLOSE, False),
    ],
)
def test_review_times(when, finished, now, allowed):
    assert review_allows(when, finished=finished, now=now, close_at=CLOSE) is allowed


def test_a_presentation_shows_the_attempts_order_and_nothing_of_the_answer():
    body = SingleChoice((Choice("a", "Paris", 1.0, feedback="secret"), Choice("b", "Lyon")))
    question = AttemptQuestion(1, "q", 1, 1.0, body, Variant(orders={"choices": ("b", "a")}), "T", "Capital?")
    presented = shown(question)
    assert [(o.id, o.text) for o in presented.choices] == [("b", "Lyon"), ("a", "Paris")]
    assert "secret" not in repr(presented) and "1.0" not in repr(presented)


def test_a_calculated_text_shows_the_values_drawn_for_the_attempt():
    body = Calculated("a * b", (VariableRange("a", 1, 9), VariableRange("b", 1, 9)))
    question = AttemptQuestion(
        1, "q", 1, 1.0, body, Variant(values={"a": 3.0, "b": 7.0}), "T", "{a} times {b}?"
    )
    assert shown(question).text == "3 times 7?"
