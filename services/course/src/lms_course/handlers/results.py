"""What the use cases take and return when it is not an aggregate: references to a
lecture or chapter, a course with its structure, a learner's progress, and the pages
GetCourse and SearchCourses answer with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lms_course.domain.model import Chapter, Course
from lms_course.domain.search import SearchHit


@dataclass(frozen=True, slots=True)
class ChapterRef:
    course_id: str
    chapter_id: str


@dataclass(frozen=True, slots=True)
class LectureRef:
    course_id: str
    chapter_id: str
    lecture_id: str


@dataclass(slots=True)
class CourseOutline:
    """A course with its chapters and lectures in order (no lecture content)."""

    course: Course
    chapters: list[Chapter]

    @property
    def lecture_count(self) -> int:
        return sum(len(c.lectures) for c in self.chapters)

    @property
    def total_duration_s(self) -> int:
        return sum(lecture.content.duration_s for c in self.chapters for lecture in c.lectures)


@dataclass(frozen=True, slots=True)
class CoursePage:
    """What GetCourse answers: the outline just read, and/or `rendered`, the copy a cache
    kept (serialized once by the cache adapter; the use cases never look inside).
    `cacheable_for_everyone`: every caller, signed in or not, gets this same answer."""

    outline: CourseOutline | None = None
    rendered: bytes | None = None
    cacheable_for_everyone: bool = False


@dataclass(frozen=True, slots=True)
class SearchPage:
    """What SearchCourses answers: up to `size` hits, plus one more if a next page exists
    (`hits[size - 1].key` is where it starts), and `rendered`, the page's results as a
    cache serialized them once. A page never depends on who asks."""

    hits: list[SearchHit]
    size: int
    rendered: bytes | None = None

    @property
    def shown(self) -> list[SearchHit]:
        return self.hits[: self.size]

    @property
    def cacheable_for_everyone(self) -> bool:
        return True


@dataclass(slots=True)
class LectureProgress:
    course_id: str
    lecture_id: str
    chapter_id: str
    user_id: str
    completed_at: datetime | None
    position_s: int
    course_completion_percent: int = 0
    course_completed: bool = False
