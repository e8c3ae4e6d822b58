"""Result analytics recomputed from scratch in SQL over every response (the database
aggregates; one row per quiz and per slot comes back). The service reads the running sums
(`statistics.py`) instead; this is the reference they are checked against (tests, benchmark).
Counted: each learner's first graded attempt (as Moodle does)."""

from __future__ import annotations

import math
from typing import Any

import sqlalchemy as sa

from lms_assessment.domain.statistics import QuestionStatistics, QuizStatistics
from lms_kit.uow import SqlRepository

_FIRSTS = """
firsts AS (
    SELECT DISTINCT ON (user_id) id, score, max_score
    FROM attempts WHERE quiz_id = :quiz AND state = 'graded' AND max_score > 0
    ORDER BY user_id, number
)"""

_QUIZ = f"""
WITH {_FIRSTS},
totals AS (SELECT score, 100.0 * score / max_score AS pct FROM firsts)
SELECT count(*) AS n, avg(pct) AS mean,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY pct) AS median,
       coalesce(stddev_samp(pct), 0) AS sd,
       sum(pct) AS s1, sum(pct ^ 2) AS s2, sum(pct ^ 3) AS s3,
       var_samp(score) AS total_var,
       array_agg(least(width_bucket(pct, 0, 100, 10), 10)) AS buckets
FROM totals
"""

_ITEMS = f"""
WITH {_FIRSTS},
items AS (
    SELECT r.slot, r.question_id, r.fraction AS x, r.fraction * r.max_points AS points,
           f.score - r.fraction * r.max_points AS rest
    FROM responses r JOIN firsts f ON f.id = r.attempt_id
    WHERE r.fraction IS NOT NULL
),
levels AS (
    -- Each slot's distinct item scores and the ranks they fill when sorted: an item has few
    -- distinct scores, so pairing them with the sorted rest scores needs one sort, not two.
    SELECT slot, x, upto - c AS below, upto
    FROM (
        SELECT slot, x, c, sum(c) OVER (PARTITION BY slot ORDER BY x) AS upto
        FROM (SELECT slot, x, count(*) AS c FROM items GROUP BY slot, x) counted
    ) cumulated
),
ranked AS (
    SELECT slot, rest, row_number() OVER (PARTITION BY slot ORDER BY rest) AS position FROM items
),
best AS (
    -- The largest covariance these marginals allow: item and rest scores paired in order.
    SELECT r.slot, covar_samp(l.x, r.rest) AS max_cov
    FROM ranked r JOIN levels l ON l.slot = r.slot AND r.position > l.below AND r.position <= l.upto
    GROUP BY r.slot
),
moments AS (
    SELECT slot, min(question_id) AS question_id, count(*) AS n, avg(x) AS facility,
           coalesce(stddev_samp(x), 0) AS sd, var_samp(points) AS points_var,
           corr(x, rest) AS discrimination, covar_samp(x, rest) AS cov
    FROM items GROUP BY slot
)
SELECT m.*, b.max_cov FROM moments m JOIN best b ON b.slot = m.slot ORDER BY m.slot
"""

_CHOICES = f"""
WITH {_FIRSTS}
SELECT r.slot, c.choice, count(*) AS n
FROM responses r JOIN firsts f ON f.id = r.attempt_id, unnest(r.choices) AS c(choice)
GROUP BY r.slot, c.choice ORDER BY r.slot, n DESC, c.choice
"""


def _skewness(n: int, s1: float, s2: float, s3: float, sd: float) -> float | None:
    """Adjusted Fisher-Pearson skewness from the power sums."""
    if n < 3 or sd <= 0:
        return None
    mean = s1 / n
    third = s3 - 3 * mean * s2 + 3 * mean**2 * s1 - n * mean**3
    return n / ((n - 1) * (n - 2)) * third / sd**3


def _alpha(k: int, item_variances: list[float], total_var: float | None) -> float | None:
    if k < 2 or not total_var or total_var <= 0:
        return None
    return k / (k - 1) * (1 - sum(item_variances) / total_var)


class ScanStatistics(SqlRepository):
    async def of_quiz(self, quiz_id: str) -> QuizStatistics:
        params = {"quiz": quiz_id}
        quiz: Any = (await self.session.execute(sa.text(_QUIZ), params)).one()
        items = list(await self.session.execute(sa.text(_ITEMS), params))
        choices: dict[int, list[tuple[str, int]]] = {}
        for row in await self.session.execute(sa.text(_CHOICES), params):
            choices.setdefault(row.slot, []).append((row.choice, row.n))
        n = int(quiz.n)
        if n == 0:
            return QuizStatistics(0, 0.0, 0.0, 0.0, None, None, None, (0,) * 10, ())
        sd = float(quiz.sd)
        alpha = _alpha(len(items), [float(r.points_var or 0.0) for r in items], quiz.total_var)
        buckets = [0] * 10
        for bucket in quiz.buckets:
            buckets[max(1, int(bucket)) - 1] += 1
        questions = tuple(
            QuestionStatistics(
                slot=r.slot,
                question_id=r.question_id,
                count=int(r.n),
                facility=float(r.facility),
                standard_deviation=float(r.sd),
                discrimination=None if r.discrimination is None else float(r.discrimination),
                discriminative_efficiency=(
                    float(r.cov) / float(r.max_cov) if r.cov is not None and r.max_cov else None
                ),
                choices=tuple(choices.get(r.slot, [])),
            )
            for r in items
        )
        return QuizStatistics(
            attempt_count=n,
            mean=float(quiz.mean),
            median=float(quiz.median),
            standard_deviation=sd,
            skewness=_skewness(n, float(quiz.s1), float(quiz.s2), float(quiz.s3), sd),
            cronbach_alpha=alpha,
            standard_error=sd * math.sqrt(1 - alpha) if alpha is not None and alpha <= 1 else None,
            distribution=tuple(buckets),
            questions=questions,
        )
