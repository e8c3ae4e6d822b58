"""Grading a whole question version: its body, its points, negative marking."""

from __future__ import annotations

import random

from lms_assessment.domain.questions.base import Answer, Body, Outcome, Variant, bounded


def draw_variant(body: Body, seed: int) -> Variant:
    """The variant an attempt sees of `body`, reproducible from `seed`."""
    return body.draw(random.Random(seed))


def grade(body: Body, answer: Answer, variant: Variant) -> Outcome:
    """The body's outcome with its fraction kept in range whatever the body computed."""
    outcome = body.grade(answer, variant)
    negative = bool(getattr(body, "negative_marking", False)) or any(
        getattr(g.body, "negative_marking", False) for g in getattr(body, "gaps", ())
    )
    return Outcome(
        bounded(outcome.fraction, negative_marking=negative), outcome.feedback, outcome.needs_manual
    )
