"""What the use case tests share: the actors, a clock that ticks, and builders of
committed state on the fakes (tests/unit/fakes.py)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from lms_course.domain.enums import CourseState, LectureKind
from lms_course.domain.model import FREE, Chapter, Course, CourseDetails, Lecture, LectureContent
from lms_course.handlers.results import LectureRef
from lms_kit.domain import Actor
from lms_kit.domain.money import Money
from lms_kit.testing.fakes import FakeStore

from .fakes import State, stored

NOW = datetime(2026, 1, 1, tzinfo=UTC)
TEACHER = Actor("t1")
CO_TEACHER = Actor("t2")
STRANGER = Actor("t9")
ADMIN = Actor.user("a1", "admin")
LEARNER = Actor("u1")


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def a_course(course_id: str = "c1", *, price: Money = FREE, **details) -> Course:
    return Course.create(
        course_id=course_id,
        owner_id=TEACHER.user_id,
        details=CourseDetails(title=f"Course {course_id}", price=price, **details),
        now=NOW,
    )


def put_course(store: FakeStore[State], course: Course) -> Course:
    """A course as if committed earlier."""
    store.state.courses[course.id] = stored(course)
    return course


def put_published(store: FakeStore[State], course: Course) -> Course:
    """A published copy of `course`, as if committed earlier."""
    course.state = CourseState.PUBLISHED
    return put_course(store, course)


def put_lecture(store: FakeStore[State], lecture: Lecture) -> Lecture:
    """A lecture (and its chapter, if new) as if committed earlier."""
    chapters = store.state.chapters
    if lecture.chapter_id not in chapters:
        position = sum(1 for c in chapters.values() if c.course_id == lecture.course_id)
        chapters[lecture.chapter_id] = Chapter(lecture.chapter_id, lecture.course_id, "Chapter", position)
    store.state.lectures[lecture.id] = copy.deepcopy(lecture)
    return lecture


def lectures(store: FakeStore[State], course_id: str, count: int) -> list[LectureRef]:
    """`count` ten-minute video lectures in one chapter of the course, as if committed earlier."""
    refs = []
    for i in range(count):
        lecture = Lecture(f"{course_id}-l{i}", course_id, f"{course_id}-ch", f"Lecture {i}", i)
        lecture.content = LectureContent(LectureKind.VIDEO, f"videos/v{i}", duration_s=600)
        put_lecture(store, lecture)
        refs.append(LectureRef(course_id, lecture.chapter_id, lecture.id))
    return refs


def mark_completed(store: FakeStore[State], course_id: str, user_id: str, now: datetime) -> None:
    """The learner completed the course earlier."""
    store.state.enrollments[(course_id, user_id)].completed_at = now
