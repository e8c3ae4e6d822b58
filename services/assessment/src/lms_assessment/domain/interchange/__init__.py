"""Question interchange: QTI 3.0 items (import and export) and GIFT (import)."""

from __future__ import annotations

from dataclasses import dataclass

from lms_assessment.domain.questions.base import Body


@dataclass(frozen=True)
class ItemDefinition:
    """A question as files carry it: what a bank needs to make a question version."""

    identifier: str
    title: str
    text: str
    body: Body
    points: float = 1.0


class InterchangeError(ValueError):
    """The file cannot be read as the format says (the message names where)."""
