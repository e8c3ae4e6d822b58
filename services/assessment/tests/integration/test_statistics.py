"""Result analytics (read from the running sums) against a hand-computed fixture (also in
docs/assessment-service.md). Five learners, three 1-point single-choice questions, each
learner's first attempt counted (a second attempt of A must not change anything):

    learner  q1  q2  q3  total  percent
    A         1   1   1    3    100
    B         1   1   0    2     66.67
    C         1   0   0    1     33.33
    D         0   1   0    1     33.33
    E         0   0   0    0      0

By hand: mean 46.667 %, median 33.333 %, sample sd 1.1402 points = 38.006 %, adjusted skewness
5/(4*3) * 1.44 / 1.3^1.5 = 0.40480; item variances 0.3, 0.3, 0.2 and total variance 1.3 give
Cronbach's alpha 3/2 * (1 - 0.8/1.3) = 0.57692 and SEM 38.006 * sqrt(1 - 0.57692) = 24.7207 %.
q1: facility 0.6; rest scores 2,1,0,1,0, so discrimination corr(x, rest) = 0.15/sqrt(0.3*0.7)
= 0.32733; the best pairing (both sorted) has covariance 0.4, so discriminative efficiency
0.15/0.4 = 0.375. q1 choices: a x3 (A, B, C), b x1 (D), c x1 (E). Distribution by tenths:
one each in 0-10, 60-70 and 90-100, two in 30-40.

The running sums must also equal a recomputation from scratch over the responses
(`ScanStatistics`) after a regrade and when a learner's first attempt is graded after a
later one."""

from __future__ import annotations

import pytest

from lms_assessment.adapters.statistics_scan import ScanStatistics
from lms_assessment.domain.questions import Answer, Choice, Essay, SingleChoice
from lms_assessment.domain.quiz import Slot
from lms_assessment.domain.statistics import QuizStatistics
from lms_assessment.handlers.banks import QuestionDraft

from .support import CAPITAL, add_question, bank, quiz_of, world

TABLE = {"A": "aaa", "B": "aab", "C": "abb", "D": "bab", "E": "cbb"}


async def fixture_quiz(w):  # type: ignore[no-untyped-def]
    """The fixture's five learners (and a second attempt of E); the bank, questions, quiz."""
    b, category = await bank(w)
    questions = [await add_question(w, b.id, category.id, CAPITAL, title=f"Q{i}") for i in range(3)]
    quiz = await quiz_of(
        w, tuple(Slot(question_id=q.id, bank_id=b.id) for q in questions), attempts_allowed=0
    )
    for learner, picks in zip(w.learners, TABLE.values(), strict=True):
        attempt = (await w.attempts.start(learner, quiz.id, "", "s", "")).attempt
        answers = {slot: Answer(choices=(pick,)) for slot, pick in enumerate(picks, start=1)}
        await w.attempts.submit(learner, attempt.id, 1, answers, "s", "")
    w.clock.advance(seconds=1)
    again = (await w.attempts.start(w.learners[4], quiz.id, "", "s", "")).attempt
    await w.attempts.submit(w.learners[4], again.id, 1, {1: Answer(choices=("a",))}, "s", "")
    return b, questions, quiz


async def recomputed(database, quiz_id: str) -> QuizStatistics:  # type: ignore[no-untyped-def]
    async with database.session() as session:
        return await ScanStatistics(session).of_quiz(quiz_id)


def assert_same(running: QuizStatistics, scanned: QuizStatistics) -> None:
    assert running.attempt_count == scanned.attempt_count
    assert running.distribution == scanned.distribution
    for name in ("mean", "median", "standard_deviation", "skewness", "cronbach_alpha", "standard_error"):
        assert getattr(running, name) == pytest.approx(getattr(scanned, name), abs=1e-9), name
    assert len(running.questions) == len(scanned.questions)
    for mine, theirs in zip(running.questions, scanned.questions, strict=True):
        assert (mine.slot, mine.count, mine.choices) == (theirs.slot, theirs.count, theirs.choices)
        for name in ("facility", "standard_deviation", "discrimination", "discriminative_efficiency"):
            assert getattr(mine, name) == pytest.approx(getattr(theirs, name), abs=1e-9), name


async def test_quiz_and_question_statistics_match_the_hand_computed_fixture(database):
    w = world(database, learners=5)
    _, _, quiz = await fixture_quiz(w)

    stats = await w.grading.statistics(w.teacher, quiz.id)

    assert stats.attempt_count == 5
    assert stats.mean == pytest.approx(46.6667, abs=1e-4)
    assert stats.median == pytest.approx(33.3333, abs=1e-4)
    assert stats.standard_deviation == pytest.approx(38.0058, abs=1e-4)
    assert stats.skewness == pytest.approx(0.404796, abs=1e-6)
    assert stats.cronbach_alpha == pytest.approx(0.576923, abs=1e-6)
    assert stats.standard_error == pytest.approx(24.72066, abs=1e-4)
    assert stats.distribution == (1, 0, 0, 2, 0, 0, 1, 0, 0, 1)
    first = stats.questions[0]
    assert (first.slot, first.count, first.facility) == (1, 5, pytest.approx(0.6))
    assert first.discrimination == pytest.approx(0.327327, abs=1e-6)
    assert first.discriminative_efficiency == pytest.approx(0.375, abs=1e-9)
    assert first.choices == (("a", 3), ("b", 1), ("c", 1))
    assert [q.facility for q in stats.questions] == [
        pytest.approx(0.6),
        pytest.approx(0.6),
        pytest.approx(0.2),
    ]
    assert_same(stats, await recomputed(database, quiz.id))


async def test_a_regrade_keeps_the_running_sums_equal_to_a_recomputation(database):
    w = world(database, learners=5)
    b, questions, quiz = await fixture_quiz(w)
    # q1's right answer becomes "b": A, B, C lose a point there and D gains one.
    fixed = SingleChoice((Choice("a", "Paris"), Choice("b", "Lyon", 1.0), Choice("c", "Nice")))
    draft = QuestionDraft("Q0", "text", fixed, 1.0, "", (), questions[0].category_id)
    await w.banks.update_question(w.teacher, b.id, questions[0].id, draft)
    await w.grading.regrade(w.teacher, quiz.id, b.id, questions[0].id)

    stats = await w.grading.statistics(w.teacher, quiz.id)

    assert stats.questions[0].facility == pytest.approx(0.2)
    assert stats.mean == pytest.approx(100 * (2 + 1 + 0 + 2 + 0) / 15)
    assert_same(stats, await recomputed(database, quiz.id))


async def test_a_first_attempt_graded_after_a_later_one_replaces_it_in_the_statistics(database):
    w = world(database, learners=1)
    b, category = await bank(w)
    capital = await add_question(w, b.id, category.id, CAPITAL, title="Capital")
    essay = await add_question(w, b.id, category.id, Essay(), title="Essay")
    quiz = await quiz_of(
        w, (Slot(question_id=capital.id, bank_id=b.id), Slot(question_id=essay.id, bank_id=b.id)),
        attempts_allowed=0,
    )  # fmt: skip
    learner, essay_text = w.learners[0], Answer(text="Paris is the capital.")
    first = (await w.attempts.start(learner, quiz.id, "", "s", "")).attempt
    await w.attempts.submit(learner, first.id, 1, {1: Answer(choices=("b",)), 2: essay_text}, "s", "")
    w.clock.advance(seconds=1)
    second = (await w.attempts.start(learner, quiz.id, "", "s", "")).attempt
    await w.attempts.submit(learner, second.id, 1, {1: Answer(choices=("a",)), 2: essay_text}, "s", "")
    await w.grading.grade(w.teacher, second.id, 2, 1.0, {}, "")
    assert (await w.grading.statistics(w.teacher, quiz.id)).mean == pytest.approx(100.0)

    await w.grading.grade(w.teacher, first.id, 2, 0.5, {}, "")

    stats = await w.grading.statistics(w.teacher, quiz.id)
    assert (stats.attempt_count, stats.mean) == (1, pytest.approx(25.0))
    assert stats.questions[0].choices == (("b", 1),)
    assert_same(stats, await recomputed(database, quiz.id))
