"""lms.assessment.v1.AssessmentService: one short method per RPC (proto -> handler -> proto).

The kit's pipeline has already authenticated the caller, enforced the RPC's access policy
and checked the contract's field rules before a method runs.
"""

from __future__ import annotations

import asyncio

from lms.assessment.v1 import assessment_pb2 as pb
from lms.assessment.v1 import assessment_pb2_grpc
from lms_assessment.handlers import (
    AttemptHandlers,
    BankHandlers,
    GradingHandlers,
    InterchangeHandlers,
    QuizHandlers,
)
from lms_assessment.handlers.attempts import ClientIntegrityEvent
from lms_assessment.handlers.banks import QuestionDraft
from lms_assessment.handlers.interchange import Format
from lms_assessment.mappers import attempts as am
from lms_assessment.mappers import questions as qm
from lms_assessment.mappers import quizzes as zm
from lms_kit.caller import actor, origin
from lms_kit.paging import Pager
from lms_kit.proto import from_timestamp, timestamp

FORMATS = {pb.INTERCHANGE_FORMAT_QTI3: Format.QTI3, pb.INTERCHANGE_FORMAT_GIFT: Format.GIFT}

# How often WatchAttempt ticks at most; it ticks sooner when the deadline is nearer.
WATCH_INTERVAL_S = 5.0


def _draft(message: pb.Question, bank_id: str) -> QuestionDraft:
    category = qm.CATEGORY.ids(message.category)[1] if message.category else ""
    return QuestionDraft(
        title=message.title,
        text=message.text,
        body=qm.body_from_proto(message.body),
        points=message.points,
        general_feedback=message.general_feedback,
        tags=tuple(message.tags),
        category_id=category,
    )


class AssessmentServicer(assessment_pb2_grpc.AssessmentServiceServicer):
    def __init__(
        self,
        banks: BankHandlers,
        quizzes: QuizHandlers,
        attempts: AttemptHandlers,
        grading: GradingHandlers,
        interchange: InterchangeHandlers,
        *,
        watch_interval_s: float = WATCH_INTERVAL_S,
    ) -> None:
        self._banks = banks
        self._quizzes = quizzes
        self._attempts = attempts
        self._grading = grading
        self._interchange = interchange
        self._watch_interval_s = watch_interval_s

    # -- banks and questions -------------------------------------------------------------

    async def CreateBank(self, request, context):
        course = qm.COURSE.ids(request.bank.course)[0] if request.bank.course else ""
        return qm.bank_to_proto(await self._banks.create_bank(actor(), course, request.bank.title))

    async def CreateCategory(self, request, context):
        (bank_id,) = qm.BANK.ids(request.parent)
        parent = qm.CATEGORY.ids(request.category.parent)[1] if request.category.parent else ""
        category = await self._banks.create_category(actor(), bank_id, parent, request.category.display_name)
        return qm.category_to_proto(category)

    async def ListCategories(self, request, context):
        (bank_id,) = qm.BANK.ids(request.parent)
        found = await self._banks.list_categories(actor(), bank_id)
        return pb.ListCategoriesResponse(categories=[qm.category_to_proto(c) for c in found])

    async def CreateQuestion(self, request, context):
        (bank_id,) = qm.BANK.ids(request.parent)
        question = await self._banks.create_question(actor(), bank_id, _draft(request.question, bank_id))
        return qm.question_to_proto(question)

    async def UpdateQuestion(self, request, context):
        bank_id, question_id = qm.QUESTION.ids(request.question.name)
        draft = _draft(request.question, bank_id)
        return qm.question_to_proto(await self._banks.update_question(actor(), bank_id, question_id, draft))

    async def GetQuestion(self, request, context):
        bank_id, question_id = qm.QUESTION.ids(request.name)
        return qm.question_to_proto(await self._banks.get_question(actor(), bank_id, question_id))

    async def ListQuestions(self, request, context):
        (bank_id,) = qm.BANK.ids(request.parent)
        pager = Pager(request, default=50, maximum=200)
        category = qm.CATEGORY.ids(request.category)[1] if request.category else ""
        after = pager.after[0] if pager.after else ""
        found = await self._banks.list_questions(
            actor(), bank_id, category, request.tag, after, pager.size + 1
        )
        return pb.ListQuestionsResponse(
            questions=[qm.question_to_proto(q) for q in found[: pager.size]],
            next_page_token=pager.next_token(found, lambda q: (q.id,)),
        )

    async def ImportQuestions(self, request, context):
        (bank_id,) = qm.BANK.ids(request.parent)
        category_id = qm.CATEGORY.ids(request.category)[1]
        made = await self._interchange.import_questions(
            actor(), bank_id, category_id, FORMATS[request.format], list(request.items), request.content
        )
        return pb.ImportQuestionsResponse(questions=[qm.question_to_proto(q) for q in made])

    async def ExportQuestions(self, request, context):
        (bank_id,) = qm.BANK.ids(request.parent)
        category_id = qm.CATEGORY.ids(request.category)[1] if request.category else ""
        found = await self._interchange.export_questions(
            actor(), bank_id, category_id, FORMATS[request.format]
        )
        name = qm.question_to_proto
        return pb.ExportQuestionsResponse(
            items=[pb.ExportedItem(question=name(q).name, content=xml) for q, xml in found.items],
            skipped=[name(q).name for q in found.skipped],
        )

    # -- quizzes -------------------------------------------------------------------------

    async def CreateQuiz(self, request, context):
        quiz = request.quiz
        course = qm.COURSE.ids(quiz.course)[0] if quiz.course else ""
        created = await self._quizzes.create(
            actor(), course, quiz.title, zm.sections_from_proto(quiz), zm.settings_from_proto(quiz)
        )
        return zm.quiz_to_proto(created, teacher=True)

    async def UpdateQuiz(self, request, context):
        quiz = request.quiz
        (quiz_id,) = zm.QUIZ.ids(quiz.name)
        updated = await self._quizzes.update(
            actor(), quiz_id, quiz.title, zm.sections_from_proto(quiz), zm.settings_from_proto(quiz)
        )
        return zm.quiz_to_proto(updated, teacher=True)

    async def PublishQuiz(self, request, context):
        (quiz_id,) = zm.QUIZ.ids(request.name)
        return zm.quiz_to_proto(await self._quizzes.publish(actor(), quiz_id), teacher=True)

    async def GetQuiz(self, request, context):
        (quiz_id,) = zm.QUIZ.ids(request.name)
        found = await self._quizzes.get(actor(), quiz_id)
        return zm.quiz_to_proto(found.quiz, teacher=found.teacher)

    async def UpdateOverride(self, request, context):
        override = await self._quizzes.set_override(actor(), zm.override_from_proto(request.override))
        return zm.override_to_proto(override)

    # -- attempts ------------------------------------------------------------------------

    async def StartAttempt(self, request, context):
        (quiz_id,) = zm.QUIZ.ids(request.quiz)
        started = await self._attempts.start(
            actor(), quiz_id, request.password, request.session_id, origin().address
        )
        return am.attempt_to_proto(started)

    async def GetAttempt(self, request, context):
        (attempt_id,) = am.ATTEMPT.ids(request.name)
        return am.attempt_to_proto(await self._attempts.get(actor(), attempt_id))

    async def ListAttempts(self, request, context):
        (quiz_id,) = zm.QUIZ.ids(request.parent)
        pager = Pager(request, default=50, maximum=200)
        after = int(pager.after[0]) if pager.after else 0
        found, grade = await self._attempts.list_for_quiz(actor(), quiz_id, after, pager.size + 1)
        response = pb.ListAttemptsResponse(
            attempts=[am.attempt_to_proto(view) for _, view in found[: pager.size]],
            next_page_token=pager.next_token(found, lambda item: (str(item[0]),)),
        )
        if grade is not None:
            response.quiz_grade_percent = grade
        return response

    async def SaveAnswers(self, request, context):
        (attempt_id,) = am.ATTEMPT.ids(request.attempt)
        result = await self._attempts.save(
            actor(), attempt_id, request.sequence, am.answers_from_proto(request.answers), request.session_id,
            origin().address,
        )  # fmt: skip
        response = pb.SaveAnswersResponse(saved=result.saved, saved_sequence=result.attempt.saved_seq)
        if result.attempt.deadline:
            response.deadline.CopyFrom(timestamp(result.attempt.deadline))
        return response

    async def SubmitAttempt(self, request, context):
        (attempt_id,) = am.ATTEMPT.ids(request.name)
        submitted = await self._attempts.submit(
            actor(), attempt_id, request.sequence, am.answers_from_proto(request.answers), request.session_id,
            origin().address,
        )  # fmt: skip
        return am.attempt_to_proto(submitted)

    async def ResumeAttempt(self, request, context):
        (attempt_id,) = am.ATTEMPT.ids(request.name)
        resumed = await self._attempts.resume(actor(), attempt_id, request.session_id, origin().address)
        return am.attempt_to_proto(resumed)

    async def WatchAttempt(self, request, context):
        (attempt_id,) = am.ATTEMPT.ids(request.name)
        caller = actor()
        while True:
            tick = await self._attempts.tick(caller, attempt_id)
            yield am.clock_to_proto(tick)
            if tick.attempt.finished:
                return
            remaining = tick.attempt.remaining_s(tick.now)
            wait = (
                self._watch_interval_s if remaining is None else min(self._watch_interval_s, remaining + 0.05)
            )
            await asyncio.sleep(max(wait, 0.05))

    async def RecordIntegrityEvents(self, request, context):
        (attempt_id,) = am.ATTEMPT.ids(request.attempt)
        events = [
            ClientIntegrityEvent(am.INTEGRITY[e.kind], am.client_time(e), e.detail) for e in request.events
        ]
        flagged = await self._attempts.record_integrity(actor(), attempt_id, events)
        return pb.RecordIntegrityEventsResponse(flagged=flagged)

    async def AddProctoringViolation(self, request, context):
        (attempt_id,) = am.ATTEMPT.ids(request.attempt)
        observed = from_timestamp(request, "observe_time")
        flagged = await self._attempts.add_proctoring_violation(attempt_id, request.detail, observed)
        return pb.RecordIntegrityEventsResponse(flagged=flagged)

    # -- grading -------------------------------------------------------------------------

    async def ListGradingQueue(self, request, context):
        (quiz_id,) = zm.QUIZ.ids(request.quiz)
        size = min(request.page_size or 50, 200)
        found = await self._grading.queue(actor(), quiz_id, size)
        return pb.ListGradingQueueResponse(responses=[am.pending_to_proto(p) for p in found])

    async def GradeResponse(self, request, context):
        (attempt_id,) = am.ATTEMPT.ids(request.attempt)
        attempt = await self._grading.grade(
            actor(), attempt_id, request.slot, request.points, dict(request.rubric_levels), request.comment
        )
        return am.attempt_to_proto(am.AttemptForViewer(attempt, am.ALL))

    async def RegradeQuestion(self, request, context):
        (quiz_id,) = zm.QUIZ.ids(request.quiz)
        bank_id, question_id = qm.QUESTION.ids(request.question)
        result = await self._grading.regrade(actor(), quiz_id, bank_id, question_id)
        return pb.RegradeQuestionResponse(
            attempts_regraded=result.attempts_regraded,
            changes=[am.change_to_proto(c) for c in result.changes],
        )

    async def GetQuizStatistics(self, request, context):
        (quiz_id,) = zm.QUIZ.ids(request.quiz)
        return am.statistics_to_proto(await self._grading.statistics(actor(), quiz_id))
