"""Attempts over gRPC with the real pipeline, PostgreSQL and the course service: one grade
under 50 concurrent submits, resume on a second connection, the clock stream, manual
grading, regrade of only the affected attempts, integrity flags, and what learners see."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import grpc
import pytest

from lms.assessment.v1 import assessment_pb2 as pb
from lms.assessment.v1 import assessment_pb2_grpc
from lms_devkit.course import fails
from lms_kit.testing.harness import error_reason

from ..conftest import enrol
from .builders import (
    answer,
    bank_with_category,
    essay,
    fixed,
    outbox_events,
    published_quiz,
    question,
    review,
    short_answer,
    single_choice,
)


async def start(mesh, quiz, learner, session="s1") -> pb.Attempt:
    return await mesh.stub.StartAttempt(
        pb.StartAttemptRequest(quiz=quiz.name, session_id=session), metadata=learner
    )


async def two_question_quiz(mesh, course, **settings):
    bank, category = await bank_with_category(mesh.stub, course.teacher, course.course_id)
    q1 = await question(mesh.stub, course.teacher, bank, category, single_choice(), title="Capital")
    q2 = await question(mesh.stub, course.teacher, bank, category, short_answer(), title="Physicist")
    quiz = await published_quiz(
        mesh.stub, course.teacher, course.course_id, [fixed(q1.name, 2), fixed(q2.name, 1)], **settings
    )
    return quiz, q1, q2


async def test_fifty_concurrent_submits_of_one_attempt_give_one_grade(mesh, course):
    quiz, _, _ = await two_question_quiz(mesh, course)
    attempt = await start(mesh, quiz, course.learner)
    submits = [
        mesh.stub.SubmitAttempt(
            pb.SubmitAttemptRequest(
                name=attempt.name, sequence=1, answers=[answer(1, choices=["a"]), answer(2, text="Newton")]
            ),
            metadata=course.learner,
        )
        for _ in range(50)
    ]
    results = await asyncio.gather(*submits)
    assert {(r.state, r.score, r.submit_time.ToDatetime()) for r in results} == {
        (pb.ATTEMPT_STATE_GRADED, 3.0, results[0].submit_time.ToDatetime())
    }
    attempt_id = attempt.name.split("/")[1]
    database = mesh.served.built.database
    assert len(await outbox_events(database, "AttemptGraded", attempt_id)) == 1
    assert len(await outbox_events(database, "AttemptSubmitted", attempt_id)) == 1


async def test_a_resumed_attempt_continues_on_a_second_connection_and_the_old_session_is_refused(
    mesh, course
):
    quiz, _, _ = await two_question_quiz(mesh, course)
    attempt = await start(mesh, quiz, course.learner, session="laptop")
    await mesh.stub.SaveAnswers(
        pb.SaveAnswersRequest(
            attempt=attempt.name, sequence=1, answers=[answer(2, text="Newton")], session_id="laptop"
        ),
        metadata=course.learner,
    )
    async with grpc.aio.insecure_channel(mesh.served.server.target) as second:
        phone = assessment_pb2_grpc.AssessmentServiceStub(second)
        resumed = await phone.ResumeAttempt(
            pb.ResumeAttemptRequest(name=attempt.name, session_id="phone"), metadata=course.learner
        )
        assert resumed.questions[1].answer.text == "Newton" and resumed.saved_sequence == 1
        stale = await fails(
            mesh.stub.SaveAnswers(
                pb.SaveAnswersRequest(
                    attempt=attempt.name, sequence=2, answers=[answer(2, text="x")], session_id="laptop"
                ),
                metadata=course.learner,
            )
        )
        assert error_reason(stale) == "SESSION_SUPERSEDED"
        saved = await phone.SaveAnswers(
            pb.SaveAnswersRequest(
                attempt=attempt.name, sequence=2, answers=[answer(1, choices=["a"])], session_id="phone"
            ),
            metadata=course.learner,
        )
        repeated = await phone.SaveAnswers(
            pb.SaveAnswersRequest(
                attempt=attempt.name, sequence=2, answers=[answer(1, choices=["b"])], session_id="phone"
            ),
            metadata=course.learner,
        )
        assert (saved.saved, repeated.saved, repeated.saved_sequence) == (True, False, 2)
        done = await phone.SubmitAttempt(pb.SubmitAttemptRequest(name=attempt.name), metadata=course.learner)
    assert done.score == 3.0


async def test_the_clock_stream_counts_down_and_reports_the_forced_submission(mesh, course):
    quiz, _, _ = await two_question_quiz(mesh, course, time_limit_seconds=1)
    attempt = await start(mesh, quiz, course.learner)
    await mesh.stub.SaveAnswers(
        pb.SaveAnswersRequest(attempt=attempt.name, sequence=1, answers=[answer(1, choices=["a"])]),
        metadata=course.learner,
    )
    ticks = [
        t
        async for t in mesh.stub.WatchAttempt(
            pb.WatchAttemptRequest(name=attempt.name), metadata=course.learner
        )
    ]
    assert ticks[0].state == pb.ATTEMPT_STATE_IN_PROGRESS and ticks[0].HasField("remaining_seconds")
    assert [t.remaining_seconds for t in ticks] == sorted((t.remaining_seconds for t in ticks), reverse=True)
    assert ticks[-1].state == pb.ATTEMPT_STATE_GRADED and ticks[-1].remaining_seconds == 0
    after = await mesh.stub.GetAttempt(pb.GetAttemptRequest(name=attempt.name), metadata=course.learner)
    assert after.score == 2.0 and after.submit_time == after.deadline


async def test_learners_see_marks_but_not_right_answers_before_the_review_allows(mesh, course):
    quiz, _, _ = await two_question_quiz(
        mesh,
        course,
        close_time=datetime.now(UTC) + timedelta(days=1),
        review=review(correct=pb.REVIEW_TIME_AFTER_CLOSE),
    )
    attempt = await start(mesh, quiz, course.learner)
    shown = attempt.questions[0]
    assert shown.kind == "single_choice" and not shown.HasField("correct")
    assert sorted(c.id for c in shown.choices) == ["a", "b", "c"]
    done = await mesh.stub.SubmitAttempt(
        pb.SubmitAttemptRequest(name=attempt.name, sequence=1, answers=[answer(1, choices=["b"])]),
        metadata=course.learner,
    )
    assert done.score == 0.0 and done.questions[0].awarded_points == 0.0
    assert done.questions[0].feedback == ["Look again"]
    assert not any(q.HasField("correct") for q in done.questions)
    teacher_view = await mesh.stub.GetAttempt(
        pb.GetAttemptRequest(name=attempt.name), metadata=course.teacher
    )
    assert teacher_view.questions[0].correct.single_choice.choices[0].fraction == 1.0
    other = await enrol(mesh, f"courses/{course.course_id}", "l-other")
    hidden = await fails(mesh.stub.GetAttempt(pb.GetAttemptRequest(name=attempt.name), metadata=other))
    assert (hidden.code(), error_reason(hidden)) == (grpc.StatusCode.NOT_FOUND, "ATTEMPT_NOT_FOUND")


async def test_an_unenrolled_learner_cannot_start_and_a_teacher_of_another_course_cannot_grade(mesh, course):
    bank, category = await bank_with_category(mesh.stub, course.teacher, course.course_id)
    q = await question(mesh.stub, course.teacher, bank, category, essay(), points=5)
    quiz = await published_quiz(mesh.stub, course.teacher, course.course_id, [fixed(q.name, 5)])
    outsider = mesh.people.student("l-outsider")
    refused = await fails(start(mesh, quiz, outsider))
    assert (refused.code(), error_reason(refused)) == (grpc.StatusCode.PERMISSION_DENIED, "NOT_ENROLLED")
    attempt = await start(mesh, quiz, course.learner)
    done = await mesh.stub.SubmitAttempt(
        pb.SubmitAttemptRequest(name=attempt.name, sequence=1, answers=[answer(1, text="My essay")]),
        metadata=course.learner,
    )
    assert done.state == pb.ATTEMPT_STATE_AWAITING_GRADE
    other_teacher = mesh.people.teacher("t-other-course")
    grade = pb.GradeResponseRequest(attempt=attempt.name, slot=1, points=4, comment="Good")
    denied = await fails(mesh.stub.GradeResponse(grade, metadata=other_teacher))
    assert (denied.code(), error_reason(denied)) == (grpc.StatusCode.PERMISSION_DENIED, "NOT_COURSE_TEACHER")
    queue = await mesh.stub.ListGradingQueue(
        pb.ListGradingQueueRequest(quiz=quiz.name), metadata=course.teacher
    )
    assert [(p.attempt, p.slot, p.question.answer.text) for p in queue.responses] == [
        (attempt.name, 1, "My essay")
    ]
    graded = await mesh.stub.GradeResponse(grade, metadata=course.teacher)
    assert (graded.state, graded.score, graded.questions[0].comment) == (pb.ATTEMPT_STATE_GRADED, 4.0, "Good")
    empty = await mesh.stub.ListGradingQueue(
        pb.ListGradingQueueRequest(quiz=quiz.name), metadata=course.teacher
    )
    assert list(empty.responses) == []
    too_many = await fails(
        mesh.stub.GradeResponse(
            pb.GradeResponseRequest(attempt=attempt.name, slot=1, points=6), metadata=course.teacher
        )
    )
    assert error_reason(too_many) == "GRADE_OUT_OF_RANGE"


async def test_a_question_edit_keeps_submitted_attempts_and_regrade_changes_only_the_affected(mesh, course):
    quiz, q1, q2 = await two_question_quiz(mesh, course)
    other_quiz = await published_quiz(mesh.stub, course.teacher, course.course_id, [fixed(q2.name)])
    second = await enrol(mesh, f"courses/{course.course_id}", f"{course.learner_id}-2")

    async def answered(learner, choice, target=quiz):
        attempt = await start(mesh, target, learner)
        answers = (
            [answer(1, choices=[choice]), answer(2, text="Newton")]
            if target is quiz
            else [answer(1, text="x")]
        )
        return await mesh.stub.SubmitAttempt(
            pb.SubmitAttemptRequest(name=attempt.name, sequence=1, answers=answers), metadata=learner
        )

    wrong, right = await answered(course.learner, "b"), await answered(second, "a")
    untouched = await answered(course.learner, "", other_quiz)
    fixed_body = single_choice()
    fixed_body.single_choice.choices[1].fraction = 1.0  # "b" was right too
    await mesh.stub.UpdateQuestion(
        pb.UpdateQuestionRequest(
            question=pb.Question(name=q1.name, title="Capital", points=1, body=fixed_body)
        ),
        metadata=course.teacher,
    )
    kept = await mesh.stub.GetAttempt(pb.GetAttemptRequest(name=wrong.name), metadata=course.learner)
    assert (kept.score, kept.questions[0].version) == (1.0, 1)
    result = await mesh.stub.RegradeQuestion(
        pb.RegradeQuestionRequest(quiz=quiz.name, question=q1.name), metadata=course.teacher
    )
    assert result.attempts_regraded == 2
    assert [(c.attempt, c.slot, c.old_points, c.new_points, c.to_version) for c in result.changes] == [
        (wrong.name, 1, 0.0, 2.0, 2)
    ]
    regraded = await mesh.stub.GetAttempt(pb.GetAttemptRequest(name=wrong.name), metadata=course.learner)
    assert regraded.score == 3.0
    same = await mesh.stub.GetAttempt(pb.GetAttemptRequest(name=right.name), metadata=second)
    assert same.score == 3.0
    other = await mesh.stub.GetAttempt(pb.GetAttemptRequest(name=untouched.name), metadata=course.learner)
    assert other.score == untouched.score and other.questions[0].version == 1


async def test_tab_switches_over_the_limit_flag_the_attempt_once(mesh, course):
    quiz, _, _ = await two_question_quiz(mesh, course, integrity=pb.IntegrityRules(max_tab_switches=2))
    attempt = await start(mesh, quiz, course.learner)
    hidden = pb.IntegrityEvent(kind=pb.INTEGRITY_KIND_TAB_HIDDEN)
    first = await mesh.stub.RecordIntegrityEvents(
        pb.RecordIntegrityEventsRequest(attempt=attempt.name, events=[hidden, hidden]),
        metadata=course.learner,
    )
    second = await mesh.stub.RecordIntegrityEvents(
        pb.RecordIntegrityEventsRequest(attempt=attempt.name, events=[hidden, hidden]),
        metadata=course.learner,
    )
    assert (first.flagged, second.flagged) == (False, True)
    forged = await fails(
        mesh.stub.RecordIntegrityEvents(
            pb.RecordIntegrityEventsRequest(
                attempt=attempt.name, events=[pb.IntegrityEvent(kind=pb.INTEGRITY_KIND_PROCTORING)]
            ),
            metadata=course.learner,
        )
    )
    assert forged.code() == grpc.StatusCode.INVALID_ARGUMENT
    teacher_view = await mesh.stub.GetAttempt(
        pb.GetAttemptRequest(name=attempt.name), metadata=course.teacher
    )
    learner_view = await mesh.stub.GetAttempt(
        pb.GetAttemptRequest(name=attempt.name), metadata=course.learner
    )
    assert (list(teacher_view.flags), list(learner_view.flags)) == (["TAB_SWITCHES"], [])
    flagged = await outbox_events(mesh.served.built.database, "AttemptFlagged", attempt.name.split("/")[1])
    assert [list(e.reasons) for e in flagged] == [["TAB_SWITCHES"]]


@pytest.mark.parametrize("kind", ["password", "attempts"])
async def test_access_password_and_attempts_allowed_are_enforced(mesh, course, kind):
    settings = {"access_password": "open sesame"} if kind == "password" else {"attempts_allowed": 1}
    quiz, _, _ = await two_question_quiz(mesh, course, **settings)
    if kind == "password":
        wrong = await fails(
            mesh.stub.StartAttempt(
                pb.StartAttemptRequest(quiz=quiz.name, session_id="s", password="guess"),
                metadata=course.learner,
            )
        )
        assert error_reason(wrong) == "PASSWORD_WRONG"
        started = await mesh.stub.StartAttempt(
            pb.StartAttemptRequest(quiz=quiz.name, session_id="s", password="open sesame"),
            metadata=course.learner,
        )
        assert started.state == pb.ATTEMPT_STATE_IN_PROGRESS
        return
    attempt = await start(mesh, quiz, course.learner)
    again = await start(mesh, quiz, course.learner)
    assert again.name == attempt.name  # the open attempt is resumed, not a new one
    await mesh.stub.SubmitAttempt(pb.SubmitAttemptRequest(name=attempt.name), metadata=course.learner)
    used = await fails(start(mesh, quiz, course.learner))
    assert error_reason(used) == "NO_ATTEMPTS_LEFT"
    await mesh.stub.UpdateOverride(
        pb.UpdateOverrideRequest(
            override=pb.Override(name=f"{quiz.name}/overrides/{course.learner_id}", extra_attempts=1)
        ),
        metadata=course.teacher,
    )
    extra = await start(mesh, quiz, course.learner)
    assert extra.number == 2


async def test_only_the_proctoring_service_adds_violations_and_they_flag_the_attempt(mesh, course):
    quiz, _, _ = await two_question_quiz(mesh, course)
    attempt = await start(mesh, quiz, course.learner)
    request = pb.AddProctoringViolationRequest(attempt=attempt.name, detail="second face in frame")
    refused = await fails(mesh.stub.AddProctoringViolation(request, metadata=course.learner))
    assert refused.code() == grpc.StatusCode.PERMISSION_DENIED
    added = await mesh.stub.AddProctoringViolation(
        request, metadata=mesh.people.mint.service_bearer("proctoring")
    )
    assert added.flagged
    teacher_view = await mesh.stub.GetAttempt(
        pb.GetAttemptRequest(name=attempt.name), metadata=course.teacher
    )
    assert list(teacher_view.flags) == ["PROCTORING"]
