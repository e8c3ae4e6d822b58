"""The assessment service's unit of work: its repositories on one transaction; the events of
the aggregates they saw go to the outbox with the rows."""

from __future__ import annotations

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncSession

from lms_assessment.adapters.attempts import SqlAttempts, SqlIntegrityLog, SqlRegrades
from lms_assessment.adapters.banks import SqlBanks, SqlCategories, SqlQuestions
from lms_assessment.adapters.quizzes import SqlOverrides, SqlQuizzes
from lms_assessment.adapters.statistics import SqlStatistics
from lms_assessment.mappers.events import event_to_proto
from lms_kit.uow import SqlUnitOfWork


class SqlAssessmentUnitOfWork(SqlUnitOfWork):
    banks: SqlBanks
    categories: SqlCategories
    questions: SqlQuestions
    quizzes: SqlQuizzes
    overrides: SqlOverrides
    attempts: SqlAttempts
    integrity: SqlIntegrityLog
    regrades: SqlRegrades
    statistics: SqlStatistics

    def bind(self, session: AsyncSession) -> None:
        self.banks = SqlBanks(session, self.track)
        self.categories = SqlCategories(session, self.track)
        self.questions = SqlQuestions(session, self.track)
        self.quizzes = SqlQuizzes(session, self.track)
        self.overrides = SqlOverrides(session, self.track)
        self.attempts = SqlAttempts(session, self.track)
        self.integrity = SqlIntegrityLog(session, self.track)
        self.regrades = SqlRegrades(session, self.track)
        self.statistics = SqlStatistics(session, self.track)

    def event_message(self, event: object) -> Message:
        return event_to_proto(event)
