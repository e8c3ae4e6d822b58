"""Domain events -> lms.assessment.v1 event messages."""

from __future__ import annotations

from google.protobuf.message import Message

from lms.assessment.v1 import events_pb2
from lms_assessment.domain.events import AttemptFlagged, AttemptGraded, AttemptSubmitted, QuizPublished
from lms_kit.proto import timestamp


def event_to_proto(event: object) -> Message:
    match event:
        case QuizPublished():
            return events_pb2.QuizPublished(
                quiz_id=event.quiz_id, course_id=event.course_id, lecture_id=event.lecture_id,
                title=event.title, publish_time=timestamp(event.published_at),
            )  # fmt: skip
        case AttemptSubmitted():
            return events_pb2.AttemptSubmitted(
                attempt_id=event.attempt_id, quiz_id=event.quiz_id, course_id=event.course_id,
                user_id=event.user_id, submit_time=timestamp(event.submitted_at), late=event.late,
            )  # fmt: skip
        case AttemptGraded():
            return events_pb2.AttemptGraded(
                attempt_id=event.attempt_id, quiz_id=event.quiz_id, course_id=event.course_id,
                lecture_id=event.lecture_id, user_id=event.user_id, score=event.score, max_score=event.max_score,
                passed=event.passed, grade_time=timestamp(event.graded_at), regraded=event.regraded,
            )  # fmt: skip
        case AttemptFlagged():
            return events_pb2.AttemptFlagged(
                attempt_id=event.attempt_id, quiz_id=event.quiz_id, course_id=event.course_id,
                user_id=event.user_id, reasons=list(event.reasons), flag_time=timestamp(event.flagged_at),
            )  # fmt: skip
    raise TypeError(f"no proto for domain event {type(event).__name__}")
