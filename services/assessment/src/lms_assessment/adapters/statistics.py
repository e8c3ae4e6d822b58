"""Result analytics from running sums: the transaction that records a grade (or a regrade)
takes the attempt's old contribution out and puts the new one in, so reading a quiz's
statistics costs O(slots + histogram bins), not O(responses). Counted: each learner's first
graded attempt (as Moodle does); `stat_members` says which one that is."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from lms_assessment.domain.statistics import QuizStatistics, QuizSums, SlotSums, from_sums
from lms_kit.uow import SqlRepository

# Histogram resolutions: percent of a total in 0.01 % bins (so 1,000 bins make a tenth of the
# distribution), fractions in 1e-4 bins, rest-of-test scores in 0.01-point bins. Each bin
# keeps its count and sum, and its mean stands for its values: exact while a bin holds one
# distinct value (always so for scores on a 0.01-point grid).
PERCENT_BINS_PER_UNIT = 100
BINS_PER_TENTH = 10 * PERCENT_BINS_PER_UNIT
LEVEL_BINS_PER_UNIT = 10_000
REST_BINS_PER_UNIT = 100

ONE_ATTEMPT = "SELECT id, quiz_id, score, max_score FROM attempts WHERE id = :attempt"
MEMBERS_OF_QUIZ = """SELECT a.id, a.quiz_id, a.score, a.max_score
    FROM stat_members m JOIN attempts a ON a.id = m.attempt_id WHERE m.quiz_id = :quiz"""
ALL_MEMBERS = """SELECT a.id, a.quiz_id, a.score, a.max_score
    FROM stat_members m JOIN attempts a ON a.id = m.attempt_id"""

# Which attempt each learner has counted: the first graded one with something to score.
FIRSTS = """SELECT DISTINCT ON (quiz_id, user_id) quiz_id, user_id, id AS attempt_id
    FROM attempts WHERE state = 'graded' AND max_score > 0 ORDER BY quiz_id, user_id, number"""


def _add(table: str, keys: str, sums: str) -> str:
    updates = ", ".join(f"{c} = s.{c} + excluded.{c}" for c in sums.split(", "))
    return f"ON CONFLICT ({keys}) DO UPDATE SET {updates} RETURNING 1"


def contribution(chosen: str, sign: int) -> str:
    """One statement adding (sign 1) or taking out (sign -1) the attempts `chosen` selects."""
    k = int(sign)
    return f"""
WITH chosen AS ({chosen}),
counted AS (
    SELECT id, quiz_id, score, 100.0 * score / max_score AS p FROM chosen WHERE max_score > 0
),
items AS (
    SELECT r.quiz_id, r.slot, r.question_id, r.fraction AS x, r.fraction * r.max_points AS pt,
           c.score - r.fraction * r.max_points AS rest, r.choices
    FROM responses r JOIN counted c ON c.id = r.attempt_id WHERE r.fraction IS NOT NULL
),
quiz AS (
    INSERT INTO stat_quizzes AS s (quiz_id, n, p, pp, ppp, t, tt)
    SELECT quiz_id, {k} * count(*), {k} * sum(p), {k} * sum(p * p), {k} * sum(p * p * p),
           {k} * sum(score), {k} * sum(score * score)
    FROM counted GROUP BY quiz_id
    {_add("stat_quizzes", "quiz_id", "n, p, pp, ppp, t, tt")}
),
percent_bins AS (
    INSERT INTO stat_percent_bins AS s (quiz_id, bin, n, total)
    SELECT quiz_id, floor(p * {PERCENT_BINS_PER_UNIT})::bigint, {k} * count(*), {k} * sum(p)
    FROM counted GROUP BY 1, 2
    {_add("stat_percent_bins", "quiz_id, bin", "n, total")}
),
slots AS (
    INSERT INTO stat_slots AS s (quiz_id, slot, question_id, n, x, xx, p, pp, r, rr, xr)
    SELECT quiz_id, slot, min(question_id), {k} * count(*), {k} * sum(x), {k} * sum(x * x),
           {k} * sum(pt), {k} * sum(pt * pt), {k} * sum(rest), {k} * sum(rest * rest),
           {k} * sum(x * rest)
    FROM items GROUP BY quiz_id, slot
    ON CONFLICT (quiz_id, slot) DO UPDATE SET
        question_id = least(s.question_id, excluded.question_id), n = s.n + excluded.n,
        x = s.x + excluded.x, xx = s.xx + excluded.xx, p = s.p + excluded.p,
        pp = s.pp + excluded.pp, r = s.r + excluded.r, rr = s.rr + excluded.rr,
        xr = s.xr + excluded.xr
    RETURNING 1
),
level_bins AS (
    INSERT INTO stat_level_bins AS s (quiz_id, slot, bin, n, total)
    SELECT quiz_id, slot, floor(x * {LEVEL_BINS_PER_UNIT})::bigint, {k} * count(*), {k} * sum(x)
    FROM items GROUP BY 1, 2, 3
    {_add("stat_level_bins", "quiz_id, slot, bin", "n, total")}
),
rest_bins AS (
    INSERT INTO stat_rest_bins AS s (quiz_id, slot, bin, n, total)
    SELECT quiz_id, slot, floor(rest * {REST_BINS_PER_UNIT})::bigint, {k} * count(*), {k} * sum(rest)
    FROM items GROUP BY 1, 2, 3
    {_add("stat_rest_bins", "quiz_id, slot, bin", "n, total")}
),
choices AS (
    INSERT INTO stat_choices AS s (quiz_id, slot, choice, n)
    SELECT i.quiz_id, i.slot, c.choice, {k} * count(*)
    FROM items i, unnest(i.choices) AS c(choice) GROUP BY 1, 2, 3
    {_add("stat_choices", "quiz_id, slot, choice", "n")}
)
SELECT 1"""


ADD_ONE, TAKE_OUT_ONE = contribution(ONE_ATTEMPT, 1), contribution(ONE_ATTEMPT, -1)
ADD_ALL_MEMBERS = contribution(ALL_MEMBERS, 1)  # the migration's backfill
STATISTICS_TABLES = ("stat_quizzes", "stat_percent_bins", "stat_slots", "stat_level_bins",
                     "stat_rest_bins", "stat_choices")  # fmt: skip


class SqlStatistics(SqlRepository):
    # -- kept up to date by SqlAttempts.save, in its transaction ----------------------------

    async def before_grade(self, attempt_id: str, quiz_id: str, user_id: str) -> str | None:
        """Lock the learner's counted attempt (and take this attempt's old contribution out if
        it is the one): called before a graded attempt's rows are rewritten. Returns the
        attempt counted so far, for `after_grade`."""
        key = {"quiz": quiz_id, "user": user_id}
        # The row (a placeholder the first time) serialises gradings of one learner's attempts.
        before = (
            await self.session.execute(
                sa.text(
                    "INSERT INTO stat_members AS m (quiz_id, user_id) VALUES (:quiz, :user)"
                    " ON CONFLICT (quiz_id, user_id) DO UPDATE SET attempt_id = m.attempt_id"
                    " RETURNING attempt_id"
                ),
                key,
            )
        ).scalar_one()
        if before == attempt_id:
            await self._lock_quiz(quiz_id)
            await self.session.execute(sa.text(TAKE_OUT_ONE), {"attempt": attempt_id})
        return before

    async def after_grade(self, attempt_id: str, quiz_id: str, user_id: str, before: str | None) -> None:
        """Count the learner's first graded attempt (now perhaps this one) in place of `before`."""
        key = {"quiz": quiz_id, "user": user_id}
        after = (
            await self.session.execute(
                sa.text(
                    "SELECT id FROM attempts WHERE quiz_id = :quiz AND user_id = :user"
                    " AND state = 'graded' AND max_score > 0 ORDER BY number LIMIT 1"
                ),
                key,
            )
        ).scalar_one_or_none()
        if after != before or after == attempt_id:
            await self._lock_quiz(quiz_id)
        if before is not None and before != attempt_id and after != before:
            await self.session.execute(sa.text(TAKE_OUT_ONE), {"attempt": before})
        if after is not None and (after != before or after == attempt_id):
            await self.session.execute(sa.text(ADD_ONE), {"attempt": after})
        if after != before:
            await self.session.execute(
                sa.text(
                    "UPDATE stat_members SET attempt_id = :after WHERE quiz_id = :quiz AND user_id = :user"
                ),
                {**key, "after": after},
            )

    async def _lock_quiz(self, quiz_id: str) -> None:
        """Every change of a quiz's sums first locks its quiz row: changes of one quiz take
        their rows' locks one transaction at a time, so they never deadlock."""
        await self.session.execute(
            sa.text(
                "INSERT INTO stat_quizzes AS s VALUES (:quiz, 0, 0, 0, 0, 0, 0)"
                " ON CONFLICT (quiz_id) DO UPDATE SET n = s.n"
            ),
            {"quiz": quiz_id},
        )

    async def rebuild(self, quiz_id: str) -> None:
        """Recompute a quiz's sums from its responses (repair; the benchmark's bulk load).
        It locks the quiz row before the members' rows (gradings lock them the other way
        round), so run it while nothing grades the quiz."""
        params = {"quiz": quiz_id}
        await self._lock_quiz(quiz_id)
        await self.session.execute(sa.text("DELETE FROM stat_members WHERE quiz_id = :quiz"), params)
        for table in STATISTICS_TABLES[1:]:
            await self.session.execute(sa.text(f"DELETE FROM {table} WHERE quiz_id = :quiz"), params)
        await self.session.execute(
            sa.text(
                f"INSERT INTO stat_members (quiz_id, user_id, attempt_id) SELECT * FROM ({FIRSTS}) f WHERE quiz_id = :quiz"
            ),
            params,
        )
        await self.session.execute(
            sa.text(
                "UPDATE stat_quizzes SET n = 0, p = 0, pp = 0, ppp = 0, t = 0, tt = 0 WHERE quiz_id = :quiz"
            ),
            params,
        )
        await self.session.execute(sa.text(contribution(MEMBERS_OF_QUIZ, 1)), params)

    # -- read -------------------------------------------------------------------------------

    async def of_quiz(self, quiz_id: str) -> QuizStatistics:
        params = {"quiz": quiz_id}
        run = self.session.execute
        quiz: Any = (
            await run(sa.text("SELECT n, p, pp, ppp, t, tt FROM stat_quizzes WHERE quiz_id = :quiz"), params)
        ).first()
        if quiz is None or quiz.n <= 0:
            return from_sums(QuizSums(0, 0, 0, 0, 0, 0, ()), (), BINS_PER_TENTH)
        percent_bins = [
            (int(r.bin), (int(r.n), float(r.total)))
            for r in await run(
                sa.text(
                    "SELECT bin, n, total FROM stat_percent_bins WHERE quiz_id = :quiz AND n > 0 ORDER BY bin"
                ),
                params,
            )
        ]
        levels = await self._bins("stat_level_bins", params)
        rests = await self._bins("stat_rest_bins", params)
        choices: dict[int, list[tuple[str, int]]] = {}
        for r in await run(
            sa.text("SELECT slot, choice, n FROM stat_choices WHERE quiz_id = :quiz AND n > 0"), params
        ):
            choices.setdefault(r.slot, []).append((r.choice, int(r.n)))
        slots = [
            SlotSums(
                slot=r.slot, question_id=r.question_id, n=int(r.n), x=r.x, xx=r.xx, p=r.p, pp=r.pp,
                r=r.r, rr=r.rr, xr=r.xr, level_bins=levels.get(r.slot, []),
                rest_bins=rests.get(r.slot, []), choices=tuple(choices.get(r.slot, [])),
            )
            for r in await run(
                sa.text("SELECT * FROM stat_slots WHERE quiz_id = :quiz AND n > 0 ORDER BY slot"), params
            )
        ]  # fmt: skip
        n, p, pp, ppp, t, tt = quiz  # (Row.t is SQLAlchemy's own attribute)
        sums = QuizSums(int(n), p, pp, ppp, t, tt, percent_bins)
        return from_sums(sums, slots, BINS_PER_TENTH)

    async def _bins(self, table: str, params: dict[str, str]) -> dict[int, list[tuple[int, float]]]:
        found: dict[int, list[tuple[int, float]]] = {}
        rows = await self.session.execute(
            sa.text(f"SELECT slot, n, total FROM {table} WHERE quiz_id = :quiz AND n > 0 ORDER BY slot, bin"),
            params,
        )
        for r in rows:
            found.setdefault(r.slot, []).append((int(r.n), float(r.total)))
        return found
