"""The course service's domain events. `Course` raises the first two; the use cases emit
the others through the unit of work (`uow.emit`). mappers.event_to_proto maps each to
its message in lms.course.v1.events, written to the outbox in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lms_course.domain.enums import EnrollmentSource, EnrollmentState


@dataclass(frozen=True, slots=True)
class CoursePublished:
    course_id: str
    owner_id: str
    title: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class CourseChanged:
    """The course's detail, structure or lifecycle changed: shared copies must go."""

    course_id: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class EnrollmentCreated:
    course_id: str
    user_id: str
    source: EnrollmentSource
    order_id: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class EnrollmentEnded:
    course_id: str
    user_id: str
    state: EnrollmentState
    order_id: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class LectureCompleted:
    course_id: str
    lecture_id: str
    user_id: str
    course_completion_percent: int
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class CourseCompleted:
    course_id: str
    user_id: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewPosted:
    course_id: str
    user_id: str
    rating: int
    edited: bool
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class LectureAssetChanged:
    """A lecture's asset changed where either side is a file service object: the file
    service moves its reference (the lecture's name is the referrer)."""

    course_id: str
    lecture_id: str
    lecture_name: str
    old_asset: str
    new_asset: str
    occurred_at: datetime


DomainEvent = (
    CoursePublished
    | CourseChanged
    | EnrollmentCreated
    | EnrollmentEnded
    | LectureCompleted
    | CourseCompleted
    | ReviewPosted
    | LectureAssetChanged
)
