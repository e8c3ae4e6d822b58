"""Attempts as a viewer may see them, the clock, the grading queue, regrades, statistics."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from lms.assessment.v1 import assessment_pb2 as pb
from lms.assessment.v1 import questions_pb2
from lms_assessment.domain.attempt import Attempt, AttemptQuestion, AttemptState, RegradeChange
from lms_assessment.domain.integrity import IntegrityKind
from lms_assessment.domain.questions.base import Answer
from lms_assessment.domain.review import Visibility, shown
from lms_assessment.domain.statistics import QuizStatistics
from lms_assessment.handlers.attempts import AttemptForViewer, ClockTick
from lms_assessment.handlers.grading import PendingAnswer
from lms_assessment.mappers.questions import QUESTION, answer_from_proto, answer_to_proto, body_to_proto
from lms_assessment.mappers.quizzes import NAVIGATION_PB, QUIZ
from lms_kit.proto import ResourceName, from_timestamp, timestamp

ATTEMPT = ResourceName("attempts/{attempt}")
USER = ResourceName("users/{user}")

STATE = {
    AttemptState.IN_PROGRESS: pb.ATTEMPT_STATE_IN_PROGRESS,
    AttemptState.AWAITING_GRADE: pb.ATTEMPT_STATE_AWAITING_GRADE,
    AttemptState.GRADED: pb.ATTEMPT_STATE_GRADED,
    AttemptState.ABANDONED: pb.ATTEMPT_STATE_ABANDONED,
}
INTEGRITY = {getattr(pb, f"INTEGRITY_KIND_{kind.name}"): kind for kind in IntegrityKind}

ALL = Visibility(True, True, True, True)


def answers_from_proto(slots: Iterable[pb.SlotAnswer]) -> dict[int, Answer]:
    return {s.slot: answer_from_proto(s.answer) for s in slots}


def question_view(attempt: Attempt, question: AttemptQuestion, visible: Visibility) -> pb.QuestionView:
    presented = shown(question)
    view = pb.QuestionView(
        slot=question.slot,
        question=QUESTION.format(bank=question.bank_id or "-", question=question.question_id),
        version=question.version,
        kind=question.body.kind,
        title=question.title,
        text=presented.text,
        points=question.points,
        choices=[questions_pb2.Option(id=o.id, text=o.text) for o in presented.choices],
        items=[questions_pb2.Option(id=o.id, text=o.text) for o in presented.items],
        gaps=[
            pb.GapView(
                id=g.id, kind=g.kind, options=[questions_pb2.Option(id=o.id, text=o.text) for o in g.options]
            )
            for g in presented.gaps
        ],
        values=dict(question.variant.values),
        answer=answer_to_proto(attempt.answers.get(question.slot, Answer())),
    )
    response = attempt.responses.get(question.slot)
    if response is not None:
        view.awaiting_grade = response.fraction is None
        if visible.marks and response.fraction is not None:
            view.awarded_points = round(response.fraction * question.points, 6)
        if visible.feedback:
            view.feedback.extend(response.feedback)
            view.comment = response.comment
    if visible.correct_answers:
        view.correct.CopyFrom(body_to_proto(question.body))
    return view


def attempt_to_proto(found: AttemptForViewer) -> pb.Attempt:
    attempt, visible = found.attempt, found.visible
    message = pb.Attempt(
        name=ATTEMPT.format(attempt=attempt.id),
        quiz=QUIZ.format(quiz=attempt.quiz_id),
        user=USER.format(user=attempt.user_id),
        number=attempt.number,
        state=STATE[attempt.state],
        start_time=timestamp(attempt.started_at),
        saved_sequence=attempt.saved_seq,
        questions=[question_view(attempt, q, visible) for q in attempt.questions],
        navigation=NAVIGATION_PB[attempt.navigation],
    )
    if attempt.deadline:
        message.deadline.CopyFrom(timestamp(attempt.deadline))
    if attempt.submitted_at:
        message.submit_time.CopyFrom(timestamp(attempt.submitted_at))
    if visible.marks and attempt.finished and attempt.state is not AttemptState.ABANDONED:
        message.score = attempt.score
        message.max_score = attempt.max_score
        if attempt.state is AttemptState.GRADED:
            message.passed = attempt.passed
    if visible.flags:
        message.flags.extend(attempt.flags)
    return message


def clock_to_proto(tick: ClockTick) -> pb.AttemptClock:
    message = pb.AttemptClock(
        attempt=ATTEMPT.format(attempt=tick.attempt.id),
        state=STATE[tick.attempt.state],
        server_time=timestamp(tick.now),
        forced=tick.forced,
    )
    remaining = tick.attempt.remaining_s(tick.now)
    if remaining is not None:
        message.remaining_seconds = remaining
    return message


def pending_to_proto(pending: PendingAnswer) -> pb.PendingResponse:
    attempt = pending.attempt
    message = pb.PendingResponse(
        attempt=ATTEMPT.format(attempt=attempt.id),
        user=USER.format(user=attempt.user_id),
        slot=pending.question.slot,
        question=question_view(attempt, pending.question, ALL),
    )
    if attempt.submitted_at:
        message.submit_time.CopyFrom(timestamp(attempt.submitted_at))
    return message


def change_to_proto(change: RegradeChange) -> pb.RegradeChange:
    message = pb.RegradeChange(
        attempt=ATTEMPT.format(attempt=change.attempt_id),
        slot=change.slot,
        from_version=change.from_version,
        to_version=change.to_version,
        new_points=change.new_points or 0.0,
        change_time=timestamp(change.changed_at),
    )
    if change.old_points is not None:
        message.old_points = change.old_points
    return message


def statistics_to_proto(stats: QuizStatistics) -> pb.QuizStatistics:
    message = pb.QuizStatistics(
        attempt_count=stats.attempt_count,
        mean=stats.mean,
        median=stats.median,
        standard_deviation=stats.standard_deviation,
        distribution=[
            pb.ScoreBucket(from_percent=10.0 * i, to_percent=10.0 * (i + 1), count=count)
            for i, count in enumerate(stats.distribution)
        ],
    )
    for name in ("skewness", "cronbach_alpha", "standard_error"):
        value = getattr(stats, name)
        if value is not None:
            setattr(message, name, value)
    for q in stats.questions:
        item = pb.QuestionStatistics(
            slot=q.slot,
            question=QUESTION.format(bank="-", question=q.question_id),
            count=q.count,
            facility=q.facility,
            standard_deviation=q.standard_deviation,
            choices=[pb.ChoiceFrequency(choice=c, count=n) for c, n in q.choices],
        )
        if q.discrimination is not None:
            item.discrimination = q.discrimination
        if q.discriminative_efficiency is not None:
            item.discriminative_efficiency = q.discriminative_efficiency
        message.questions.append(item)
    return message


def client_time(event: pb.IntegrityEvent) -> datetime | None:
    return from_timestamp(event, "client_time")
