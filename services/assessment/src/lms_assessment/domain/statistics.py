"""Result analytics of a quiz (computed by the storage side in SQL; these are the results)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QuestionStatistics:
    slot: int
    question_id: str
    count: int
    facility: float
    standard_deviation: float
    discrimination: float | None
    discriminative_efficiency: float | None
    choices: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class QuizStatistics:
    attempt_count: int
    mean: float
    median: float
    standard_deviation: float
    skewness: float | None
    cronbach_alpha: float | None
    standard_error: float | None
    distribution: tuple[int, ...]  # ten bars of 10 percent
    questions: tuple[QuestionStatistics, ...]
