"""Attempts held by the server: the deadline whatever the client says, autosave by sequence,
submission once, manual grading, regrade, integrity flags, and random draws."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms_assessment.domain.attempt import Attempt, AttemptQuestion, AttemptState
from lms_assessment.domain.errors import AttemptClosed, NavigationRefused, SessionSuperseded, SlotUnknown
from lms_assessment.domain.events import AttemptFlagged, AttemptGraded, AttemptSubmitted
from lms_assessment.domain.integrity import IntegrityKind
from lms_assessment.domain.questions import (
    Answer,
    Choice,
    Essay,
    ShortAnswer,
    SingleChoice,
    TextAnswer,
    Variant,
)
from lms_assessment.domain.quiz import (
    ExpiryAction,
    GradingMethod,
    IntegrityRules,
    Navigation,
    Override,
    Quiz,
    QuizSettings,
    Section,
    Slot,
    compose,
    quiz_grade,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CHOICE = SingleChoice((Choice("a", "right", 1.0), Choice("b", "wrong")), shuffle=False)
WORD = ShortAnswer((TextAnswer("paris"),))


def attempt(
    *, expiry=ExpiryAction.AUTO_SUBMIT, grace_s=0, limit_s=600, essay=False, navigation=Navigation.FREE
):
    questions = [
        AttemptQuestion(1, "q1", 1, 2.0, CHOICE, Variant()),
        AttemptQuestion(2, "q2", 3, 1.0, WORD, Variant()),
    ]
    if essay:
        questions.append(AttemptQuestion(3, "q3", 1, 5.0, Essay(), Variant()))
    return Attempt(
        "at1", "quiz1", "c1", "lec1", "u1", 1, 42, T0, T0 + timedelta(seconds=limit_s), expiry, grace_s,
        navigation, 50.0, tuple(questions), "s1", "10.0.0.1",
    )  # fmt: skip


def test_autosave_keeps_the_newest_sequence_and_never_moves_back():
    a = attempt()
    assert a.save({1: Answer(choices=("b",))}, 2, T0)
    assert not a.save({1: Answer(choices=("a",))}, 1, T0)
    assert not a.save({1: Answer(choices=("a",))}, 2, T0)
    assert a.answers[1].choices == ("b",) and a.saved_seq == 2
    assert a.save({2: Answer(text="Paris")}, 3, T0)
    assert set(a.answers) == {1, 2}
    with pytest.raises(SlotUnknown):
        a.save({9: Answer(text="x")}, 4, T0)


def test_submit_in_time_grades_once_and_a_second_submit_changes_nothing():
    a = attempt()
    assert a.submit(T0 + timedelta(seconds=60), {1: Answer(choices=("a",)), 2: Answer(text="Paris")}, 1)
    assert (a.state, a.score, a.max_score, a.passed) == (AttemptState.GRADED, 3.0, 3.0, True)
    events = a.pull_events()
    assert [type(e) for e in events] == [AttemptSubmitted, AttemptGraded]
    assert not a.submit(T0 + timedelta(seconds=61), {1: Answer(choices=("b",))}, 2)
    assert a.score == 3.0 and a.pull_events() == []


def test_a_late_submit_with_auto_submit_grades_only_what_was_saved_by_the_deadline():
    a = attempt()
    a.save({1: Answer(choices=("a",))}, 1, T0 + timedelta(seconds=10))
    late = T0 + timedelta(seconds=601)
    with pytest.raises(AttemptClosed):
        a.save({2: Answer(text="Paris")}, 2, late)
    assert a.submit(late, {1: Answer(choices=("b",)), 2: Answer(text="Paris")}, 3)
    assert (a.state, a.score, a.submitted_at) == (AttemptState.GRADED, 2.0, a.deadline)


def test_grace_period_takes_the_submit_but_not_new_answers_then_abandons():
    a = attempt(expiry=ExpiryAction.GRACE, grace_s=120)
    a.save({1: Answer(choices=("a",))}, 1, T0)
    in_grace = T0 + timedelta(seconds=650)
    assert not a.expire_if_due(in_grace)
    with pytest.raises(AttemptClosed):
        a.save({2: Answer(text="Paris")}, 2, in_grace)
    assert a.submit(in_grace, {2: Answer(text="Paris")}, 3)
    assert (a.state, a.score) == (AttemptState.GRADED, 2.0)
    b = attempt(expiry=ExpiryAction.GRACE, grace_s=120)
    assert b.submit(T0 + timedelta(seconds=721), {1: Answer(choices=("a",))}, 1)
    assert b.state is AttemptState.ABANDONED and b.responses == {}


def test_discard_abandons_an_attempt_not_submitted_in_time():
    a = attempt(expiry=ExpiryAction.DISCARD)
    a.save({1: Answer(choices=("a",))}, 1, T0)
    assert a.expire_if_due(T0 + timedelta(seconds=601))
    assert a.state is AttemptState.ABANDONED
    assert not any(isinstance(e, AttemptGraded) for e in a.pull_events())


def test_essays_wait_for_a_teacher_then_the_total_updates():
    a = attempt(essay=True)
    a.submit(T0, {1: Answer(choices=("a",)), 3: Answer(text="An essay")}, 1)
    assert a.state is AttemptState.AWAITING_GRADE and a.awaiting() == [3]
    assert [type(e) for e in a.pull_events()] == [AttemptSubmitted]
    a.grade_manually(3, 4.0, "Good argument", "teacher1", T0 + timedelta(hours=1))
    assert (a.state, a.score, a.max_score) == (AttemptState.GRADED, 6.0, 8.0)
    assert a.responses[3].comment == "Good argument"
    graded = a.pull_events()
    assert [type(e) for e in graded] == [AttemptGraded] and graded[0].score == 6.0


def test_regrade_changes_only_slots_showing_the_fixed_question():
    a = attempt()
    a.submit(T0, {1: Answer(choices=("b",)), 2: Answer(text="Paris")}, 1)
    a.pull_events()
    fixed = SingleChoice((Choice("a", "right", 1.0), Choice("b", "also right", 1.0)), shuffle=False)
    changes = a.regrade("q1", 2, fixed, T0 + timedelta(days=1))
    assert [(c.slot, c.old_points, c.new_points, c.to_version) for c in changes] == [(1, 0.0, 2.0, 2)]
    assert a.score == 3.0 and a.question(1).version == 2
    assert a.regrade("q-other", 2, fixed, T0) == []
    regraded = a.pull_events()
    assert len(regraded) == 1 and regraded[0].regraded


def test_sequential_navigation_refuses_going_back():
    a = attempt(navigation=Navigation.SEQUENTIAL)
    a.save({2: Answer(text="x")}, 1, T0)
    with pytest.raises(NavigationRefused):
        a.save({1: Answer(choices=("a",))}, 2, T0)


def test_a_resumed_attempt_refuses_the_old_session_and_flags_two_devices_at_once():
    a = attempt()
    a.save({1: Answer(choices=("a",))}, 1, T0, "s1")
    assert not a.resume("s2", T0 + timedelta(minutes=5))
    with pytest.raises(SessionSuperseded):
        a.save({1: Answer(choices=("b",))}, 2, T0 + timedelta(minutes=5), "s1")
    assert a.resume("s3", T0 + timedelta(minutes=5, seconds=10))


def test_integrity_rules_flag_once_per_reason():
    a = attempt()
    rules = IntegrityRules(max_tab_switches=2)
    assert a.record_integrity(IntegrityKind.TAB_HIDDEN, rules, T0) == ()
    assert a.record_integrity(IntegrityKind.TAB_HIDDEN, rules, T0) == ()
    assert a.record_integrity(IntegrityKind.TAB_HIDDEN, rules, T0) == ("TAB_SWITCHES",)
    assert a.record_integrity(IntegrityKind.TAB_HIDDEN, rules, T0) == ()
    assert a.record_integrity(IntegrityKind.SECOND_SESSION, rules, T0) == ("SECOND_SESSION",)
    flagged = [e for e in a.pull_events() if isinstance(e, AttemptFlagged)]
    assert [e.reasons for e in flagged] == [("TAB_SWITCHES",), ("SECOND_SESSION",)]


def quiz(**settings) -> Quiz:
    sections = (
        Section("fixed", (Slot(question_id="f1"), Slot(question_id="f2"))),
        Section("random", (Slot(category_id="cat"), Slot(category_id="cat")), shuffle=True),
    )
    return Quiz.create("quiz1", "c1", "Quiz", sections, QuizSettings(**settings), "t1", T0)


def test_random_draws_are_reproducible_per_seed_and_never_repeat_a_question():
    candidates = {"cat": [f"r{i}" for i in range(10)] + ["f1"]}
    q = quiz()
    first = compose(q, candidates, 1234)
    assert first == compose(q, candidates, 1234)
    drawn = [question for _, question in first[2:]]
    assert len(set(drawn)) == 2 and "f1" not in drawn
    assert len({tuple(qid for _, qid in compose(q, candidates, seed)) for seed in range(30)}) > 1


def test_deadline_is_start_plus_limit_plus_extra_time_but_never_after_close():
    q = quiz(time_limit_s=600, close_at=T0 + timedelta(minutes=30))
    assert q.deadline(T0, None) == T0 + timedelta(minutes=10)
    assert q.deadline(T0, Override("quiz1", "u1", extra_time_s=300)) == T0 + timedelta(minutes=15)
    assert q.deadline(T0 + timedelta(minutes=25), None) == T0 + timedelta(minutes=30)
    later = Override("quiz1", "u1", extra_time_s=300, close_at=T0 + timedelta(hours=1))
    assert q.deadline(T0 + timedelta(minutes=25), later) == T0 + timedelta(minutes=40)
    assert q.attempts_allowed(Override("quiz1", "u1", extra_attempts=2)) == 3


def test_grading_methods_across_attempts():
    percents = [40.0, 90.0, 70.0]
    assert quiz_grade(percents, GradingMethod.HIGHEST) == 90.0
    assert quiz_grade(percents, GradingMethod.AVERAGE) == pytest.approx(66.666667)
    assert quiz_grade(percents, GradingMethod.FIRST) == 40.0
    assert quiz_grade(percents, GradingMethod.LAST) == 70.0
    assert quiz_grade([], GradingMethod.LAST) is None
