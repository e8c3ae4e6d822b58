"""Domain events of the assessment service (mapped to lms.assessment.v1 events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class QuizPublished:
    quiz_id: str
    course_id: str
    lecture_id: str
    title: str
    published_at: datetime


@dataclass(frozen=True)
class AttemptSubmitted:
    attempt_id: str
    quiz_id: str
    course_id: str
    user_id: str
    submitted_at: datetime
    late: bool


@dataclass(frozen=True)
class AttemptGraded:
    attempt_id: str
    quiz_id: str
    course_id: str
    lecture_id: str
    user_id: str
    score: float
    max_score: float
    passed: bool
    graded_at: datetime
    regraded: bool = False


@dataclass(frozen=True)
class AttemptFlagged:
    attempt_id: str
    quiz_id: str
    course_id: str
    user_id: str
    reasons: tuple[str, ...]
    flagged_at: datetime
