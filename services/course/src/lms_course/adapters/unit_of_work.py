"""The course service's unit of work: its repositories on one PostgreSQL transaction; the
events of the courses they saw, and those emitted by the use cases, go to the outbox with
the rows."""

from __future__ import annotations

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncSession

from lms_course import mappers
from lms_course.adapters.categories import SqlCategories
from lms_course.adapters.courses import SqlCourses
from lms_course.adapters.enrollments import SqlEnrollments
from lms_course.adapters.progress import SqlProgress
from lms_course.adapters.reviews import SqlReviews
from lms_course.adapters.search import SqlSearch
from lms_course.adapters.structure import SqlStructure
from lms_course.adapters.vocabulary import SqlVocabulary
from lms_kit.uow import SqlUnitOfWork


class SqlCourseUnitOfWork(SqlUnitOfWork):
    categories: SqlCategories
    courses: SqlCourses
    structure: SqlStructure
    enrollments: SqlEnrollments
    progress: SqlProgress
    reviews: SqlReviews
    search: SqlSearch
    vocabulary: SqlVocabulary

    def bind(self, session: AsyncSession) -> None:
        self.categories = SqlCategories(session, self.track)
        self.courses = SqlCourses(session, self.track)
        self.structure = SqlStructure(session, self.track)
        self.enrollments = SqlEnrollments(session, self.track)
        self.progress = SqlProgress(session, self.track)
        self.reviews = SqlReviews(session, self.track)
        self.search = SqlSearch(session, self.track)
        self.vocabulary = SqlVocabulary(session, self.track)

    def event_message(self, event: object) -> Message:
        return mappers.event_to_proto(event)
