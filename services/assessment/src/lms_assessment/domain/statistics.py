"""Result analytics of a quiz from running sums (kept by the storage side as attempts are
graded): moments, Cronbach's alpha, point-biserial discrimination, and, from histograms, the
median, the ten-bar distribution and the discriminative efficiency."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# A bin of a histogram: how many values fell in it and their sum (the bin's mean stands for
# its values, so a bin holding one distinct value is exact).
Bin = tuple[int, float]


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


EMPTY = QuizStatistics(0, 0.0, 0.0, 0.0, None, None, None, (0,) * 10, ())


@dataclass(frozen=True)
class QuizSums:
    """Over the counted attempts: their percents (p) and scores in points (t)."""

    n: int
    p: float
    pp: float
    ppp: float
    t: float
    tt: float
    percent_bins: Sequence[tuple[int, Bin]]  # (bin key, bin) in key order; key = floor(p / width)


@dataclass(frozen=True)
class SlotSums:
    """Over a slot's graded answers: fraction x, points p, rest of the test r = score - p."""

    slot: int
    question_id: str
    n: int
    x: float
    xx: float
    p: float
    pp: float
    r: float
    rr: float
    xr: float
    level_bins: Sequence[Bin]  # the fractions' histogram, in order
    rest_bins: Sequence[Bin]  # the rest scores' histogram, in order
    choices: tuple[tuple[str, int], ...]


def sample_variance(n: int, total: float, squares: float) -> float | None:
    if n < 2:
        return None
    return max(0.0, (squares - total * total / n) / (n - 1))


def sample_covariance(n: int, x: float, y: float, xy: float) -> float | None:
    return None if n < 2 else (xy - x * y / n) / (n - 1)


def median(bins: Sequence[Bin]) -> float:
    """The median of the values the bins hold, each bin's values taken as its mean."""
    n = sum(count for count, _ in bins)
    wanted = [(n - 1) // 2, n // 2]  # zero-based positions of the middle value(s)
    found: list[float] = []
    below = 0
    for count, total in bins:
        while wanted and wanted[0] < below + count:
            found.append(total / count)
            wanted.pop(0)
        below += count
    return sum(found) / len(found) if found else 0.0


def paired_in_order(first: Sequence[Bin], second: Sequence[Bin]) -> float:
    """Sum of products of two equally long samples, both sorted and paired by rank."""
    total, i, j = 0.0, 0, 0
    left_i = first[0][0] if first else 0
    left_j = second[0][0] if second else 0
    while i < len(first) and j < len(second):
        taken = min(left_i, left_j)
        total += taken * (first[i][1] / first[i][0]) * (second[j][1] / second[j][0])
        left_i, left_j = left_i - taken, left_j - taken
        if left_i == 0:
            i += 1
            left_i = first[i][0] if i < len(first) else 0
        if left_j == 0:
            j += 1
            left_j = second[j][0] if j < len(second) else 0
    return total


def _skewness(n: int, s1: float, s2: float, s3: float, sd: float) -> float | None:
    """Adjusted Fisher-Pearson skewness from the power sums."""
    if n < 3 or sd <= 0:
        return None
    mean = s1 / n
    third = s3 - 3 * mean * s2 + 3 * mean**2 * s1 - n * mean**3
    return n / ((n - 1) * (n - 2)) * third / sd**3


def _ten_bars(percent_bins: Sequence[tuple[int, Bin]], bins_per_tenth: int) -> tuple[int, ...]:
    bars = [0] * 10
    for key, (count, _) in percent_bins:
        bars[min(9, max(0, key // bins_per_tenth))] += count
    return tuple(bars)


def _question(s: SlotSums) -> QuestionStatistics:
    var_x = sample_variance(s.n, s.x, s.xx)
    var_r = sample_variance(s.n, s.r, s.rr)
    cov = sample_covariance(s.n, s.x, s.r, s.xr)
    discrimination = None
    if cov is not None and var_x and var_r:
        discrimination = cov / math.sqrt(var_x * var_r)
    efficiency = None
    if cov is not None and s.n >= 2:
        best = (paired_in_order(s.level_bins, s.rest_bins) - s.x * s.r / s.n) / (s.n - 1)
        efficiency = cov / best if best else None
    return QuestionStatistics(
        slot=s.slot,
        question_id=s.question_id,
        count=s.n,
        facility=s.x / s.n,
        standard_deviation=math.sqrt(var_x or 0.0),
        discrimination=discrimination,
        discriminative_efficiency=efficiency,
        choices=tuple(sorted(s.choices, key=lambda c: (-c[1], c[0]))),
    )


def from_sums(quiz: QuizSums, slots: Sequence[SlotSums], bins_per_tenth: int) -> QuizStatistics:
    """The statistics in O(slots + bins), whatever the number of responses."""
    if quiz.n == 0:
        return EMPTY
    sd = math.sqrt(sample_variance(quiz.n, quiz.p, quiz.pp) or 0.0)
    total_var = sample_variance(quiz.n, quiz.t, quiz.tt)
    alpha = None
    graded = [s for s in slots if s.n > 0]
    if len(graded) >= 2 and total_var and total_var > 0:
        item_variances = sum(sample_variance(s.n, s.p, s.pp) or 0.0 for s in graded)
        alpha = len(graded) / (len(graded) - 1) * (1 - item_variances / total_var)
    return QuizStatistics(
        attempt_count=quiz.n,
        mean=quiz.p / quiz.n,
        median=median([b for _, b in quiz.percent_bins]),
        standard_deviation=sd,
        skewness=_skewness(quiz.n, quiz.p, quiz.pp, quiz.ppp, sd),
        cronbach_alpha=alpha,
        standard_error=sd * math.sqrt(1 - alpha) if alpha is not None and alpha <= 1 else None,
        distribution=_ten_bars(quiz.percent_bins, bins_per_tenth),
        questions=tuple(_question(s) for s in graded),
    )
