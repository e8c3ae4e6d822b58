"""The server's clock decides, on real PostgreSQL: a late submit is refused, graced or
discarded per setting whatever the client sends; an override adds time; the sweeper ends
attempts nobody submits."""

from __future__ import annotations

import pytest

from lms_assessment.domain.attempt import AttemptState
from lms_assessment.domain.errors import AttemptClosed
from lms_assessment.domain.questions import Answer
from lms_assessment.domain.quiz import ExpiryAction, Override, Slot

from .support import CAPITAL, PHYSICIST, add_question, bank, quiz_of, world

RIGHT = {1: Answer(choices=("a",)), 2: Answer(text="Newton")}


async def timed(database, **settings):  # type: ignore[no-untyped-def]
    w = world(database)
    b, category = await bank(w)
    q1 = await add_question(w, b.id, category.id, CAPITAL)
    q2 = await add_question(w, b.id, category.id, PHYSICIST)
    slots = (Slot(question_id=q1.id, bank_id=b.id), Slot(question_id=q2.id, bank_id=b.id))
    quiz = await quiz_of(w, slots, time_limit_s=600, **settings)
    return w, quiz


async def test_answers_after_the_deadline_are_refused_and_auto_submit_grades_what_was_saved(database):
    w, quiz = await timed(database)
    learner = w.learners[0]
    attempt = (await w.attempts.start(learner, quiz.id, "", "s", "10.0.0.1")).attempt
    await w.attempts.save(learner, attempt.id, 1, {1: Answer(choices=("a",))}, "s", "10.0.0.1")
    w.clock.advance(seconds=601)
    with pytest.raises(AttemptClosed):
        await w.attempts.save(learner, attempt.id, 2, {2: Answer(text="Newton")}, "s", "10.0.0.1")
    late = (await w.attempts.submit(learner, attempt.id, 3, RIGHT, "s", "10.0.0.1")).attempt
    assert (late.state, late.score, late.submitted_at) == (AttemptState.GRADED, 1.0, attempt.deadline)


async def test_a_grace_period_takes_a_late_submit_of_the_saved_answers_only(database):
    w, quiz = await timed(database, expiry=ExpiryAction.GRACE, grace_s=120)
    learner = w.learners[0]
    attempt = (await w.attempts.start(learner, quiz.id, "", "s", "")).attempt
    await w.attempts.save(learner, attempt.id, 1, {2: Answer(text="newton")}, "s", "")
    w.clock.advance(seconds=660)
    graced = (await w.attempts.submit(learner, attempt.id, 2, RIGHT, "s", "")).attempt
    assert (graced.state, graced.score) == (AttemptState.GRADED, 1.0)
    other = w.learners[1]
    w.clock.advance(seconds=-660)
    second = (await w.attempts.start(other, quiz.id, "", "s", "")).attempt
    w.clock.advance(seconds=721)
    too_late = (await w.attempts.submit(other, second.id, 1, RIGHT, "s", "")).attempt
    assert too_late.state is AttemptState.ABANDONED and too_late.score == 0.0


async def test_discard_abandons_and_an_override_gives_more_time(database):
    w, quiz = await timed(database, expiry=ExpiryAction.DISCARD)
    slow, helped = w.learners
    await w.quizzes.set_override(w.teacher, Override(quiz.id, helped.user_id, extra_time_s=300))
    first = (await w.attempts.start(slow, quiz.id, "", "s", "")).attempt
    second = (await w.attempts.start(helped, quiz.id, "", "s", "")).attempt
    assert second.deadline is not None and first.deadline is not None
    assert (second.deadline - first.deadline).total_seconds() == 300
    w.clock.advance(seconds=700)
    discarded = (await w.attempts.submit(slow, first.id, 1, RIGHT, "s", "")).attempt
    in_time = (await w.attempts.submit(helped, second.id, 1, RIGHT, "s", "")).attempt
    assert (discarded.state, in_time.state, in_time.score) == (
        AttemptState.ABANDONED,
        AttemptState.GRADED,
        2.0,
    )


async def test_the_sweeper_submits_attempts_nobody_submitted(database):
    w, quiz = await timed(database)
    learner = w.learners[0]
    attempt = (await w.attempts.start(learner, quiz.id, "", "s", "")).attempt
    await w.attempts.save(learner, attempt.id, 1, RIGHT, "s", "")
    w.clock.advance(seconds=601)
    assert await w.attempts.expire_overdue() >= 1
    swept = (await w.attempts.get(learner, attempt.id)).attempt
    assert (swept.state, swept.score) == (AttemptState.GRADED, 2.0)
