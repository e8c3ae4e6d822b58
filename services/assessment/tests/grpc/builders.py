"""Builders for the gRPC tests: banks, questions and quizzes through the API."""

from __future__ import annotations

from google.protobuf import timestamp_pb2

from lms.assessment.v1 import assessment_pb2 as pb
from lms.assessment.v1 import questions_pb2 as qpb


def single_choice(right: str = "Paris", wrong: str = "Lyon") -> qpb.QuestionBody:
    return qpb.QuestionBody(
        single_choice=qpb.SingleChoice(
            choices=[
                qpb.Choice(id="a", text=right, fraction=1.0, feedback="Well done"),
                qpb.Choice(id="b", text=wrong, fraction=0.0, feedback="Look again"),
                qpb.Choice(id="c", text="Nice", fraction=0.0),
            ],
            shuffle=True,
        )
    )


def short_answer(pattern: str = "newton") -> qpb.QuestionBody:
    return qpb.QuestionBody(
        short_answer=qpb.ShortAnswer(answers=[qpb.TextAnswer(pattern=pattern, fraction=1.0)])
    )


def essay() -> qpb.QuestionBody:
    return qpb.QuestionBody(essay=qpb.Essay())


async def bank_with_category(stub, teacher, course_id: str) -> tuple[pb.Bank, pb.Category]:
    bank = await stub.CreateBank(
        pb.CreateBankRequest(bank=pb.Bank(course=f"courses/{course_id}", title="Bank")), metadata=teacher
    )
    category = await stub.CreateCategory(
        pb.CreateCategoryRequest(parent=bank.name, category=pb.Category(display_name="Mechanics")),
        metadata=teacher,
    )
    return bank, category


async def question(stub, teacher, bank: pb.Bank, category: pb.Category, body, *, title="Q", points=1.0):
    return await stub.CreateQuestion(
        pb.CreateQuestionRequest(
            parent=bank.name,
            question=pb.Question(category=category.name, title=title, text="What?", points=points, body=body),
        ),
        metadata=teacher,
    )


def review(
    marks=pb.REVIEW_TIME_IMMEDIATELY, feedback=pb.REVIEW_TIME_IMMEDIATELY, correct=pb.REVIEW_TIME_AFTER_CLOSE
):
    return pb.ReviewOptions(marks=marks, feedback=feedback, correct_answers=correct)


async def published_quiz(stub, teacher, course_id: str, slots: list[pb.QuizSlot], **settings) -> pb.Quiz:
    close = settings.pop("close_time", None)
    quiz = pb.Quiz(
        course=f"courses/{course_id}",
        title="Quiz",
        sections=[pb.QuizSection(title="Part 1", slots=slots)],
        pass_percent=50,
        review=settings.pop("review", review()),
        **settings,
    )
    if close is not None:
        quiz.close_time.CopyFrom(timestamp_pb2.Timestamp(seconds=int(close.timestamp())))
    created = await stub.CreateQuiz(pb.CreateQuizRequest(quiz=quiz), metadata=teacher)
    return await stub.PublishQuiz(pb.PublishQuizRequest(name=created.name), metadata=teacher)


def fixed(question_name: str, points: float = 1.0) -> pb.QuizSlot:
    return pb.QuizSlot(question=question_name, points=points)


def answer(slot: int, **fields) -> pb.SlotAnswer:
    return pb.SlotAnswer(slot=slot, answer=qpb.Answer(**fields))


async def outbox_events(database, event_type: str, attempt_id: str) -> list:  # type: ignore[no-untyped-def]
    """The outbox's events of a type whose payload is about the attempt."""
    import sqlalchemy as sa

    from lms.assessment.v1 import events_pb2

    message_type = getattr(events_pb2, event_type)
    async with database.session() as session:
        rows = await session.execute(
            sa.text("SELECT payload FROM kit_outbox WHERE event_type = :t ORDER BY sequence"),
            {"t": f"lms.assessment.v1.{event_type}"},
        )
        decoded = [message_type.FromString(row.payload) for row in rows]
    return [event for event in decoded if event.attempt_id == attempt_id]
