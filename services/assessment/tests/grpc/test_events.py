"""Events leave through the outbox to NATS JetStream: a published quiz and a graded
attempt arrive on their subjects with the score and the pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import nats
from nats.js.api import ConsumerConfig, DeliverPolicy

from lms.assessment.v1 import assessment_pb2 as pb
from lms.assessment.v1 import events_pb2
from lms_kit.testing.databases import nats_url

from .builders import answer, bank_with_category, fixed, published_quiz, question, single_choice


async def next_matching(subscription, message_type, predicate):  # type: ignore[no-untyped-def]
    for _ in range(50):
        for message in await subscription.fetch(10, timeout=5):
            await message.ack()
            event = message_type.FromString(message.data)
            if predicate(event):
                return event
    raise AssertionError("the event never arrived")


async def test_quiz_published_and_attempt_graded_reach_jetstream(mesh, course):
    since = datetime.now(UTC) - timedelta(seconds=1)
    client = await nats.connect(nats_url())
    try:
        js = client.jetstream()
        config = ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_TIME, opt_start_time=since.isoformat())
        published = await js.pull_subscribe(
            "lms.assessment.v1.QuizPublished", config=config, stream="LMS_ASSESSMENT"
        )
        graded = await js.pull_subscribe(
            "lms.assessment.v1.AttemptGraded", config=config, stream="LMS_ASSESSMENT"
        )
        bank, category = await bank_with_category(mesh.stub, course.teacher, course.course_id)
        q = await question(mesh.stub, course.teacher, bank, category, single_choice())
        quiz = await published_quiz(mesh.stub, course.teacher, course.course_id, [fixed(q.name, 2)])
        quiz_id = quiz.name.split("/")[1]
        event = await next_matching(published, events_pb2.QuizPublished, lambda e: e.quiz_id == quiz_id)
        assert event.course_id == course.course_id
        attempt = await mesh.stub.StartAttempt(
            pb.StartAttemptRequest(quiz=quiz.name, session_id="s"), metadata=course.learner
        )
        await mesh.stub.SubmitAttempt(
            pb.SubmitAttemptRequest(name=attempt.name, sequence=1, answers=[answer(1, choices=["a"])]),
            metadata=course.learner,
        )
        attempt_id = attempt.name.split("/")[1]
        result = await next_matching(graded, events_pb2.AttemptGraded, lambda e: e.attempt_id == attempt_id)
        assert (result.user_id, result.score, result.max_score, result.passed) == (
            course.learner_id,
            2.0,
            2.0,
            True,
        )
    finally:
        await client.close()
