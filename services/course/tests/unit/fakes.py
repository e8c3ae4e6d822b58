"""In-memory repositories and unit of work (the Protocols in lms_course.ports), for
driving the use cases without a database. They keep the same promises as the SQL
adapters (idempotent inserts, forward-only positions, completion set once), not
their transactions: a test that needs isolation belongs in tests/grpc."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Self

from lms_course.domain.errors import Conflict, Unavailable
from lms_course.domain.model import (
    NO_ACCESS,
    Category,
    Chapter,
    Course,
    CourseAccess,
    CourseState,
    DomainEvent,
    Enrollment,
    Lecture,
    Review,
)
from lms_course.domain.search import SearchCriteria, SearchHit


class FakeCategories:
    def __init__(self) -> None:
        self.rows: dict[str, Category] = {}

    async def lock_tree(self) -> None:
        return None

    async def add(self, category: Category) -> None:
        self.rows[category.id] = copy.deepcopy(category)

    async def get(self, category_id: str) -> Category | None:
        found = self.rows.get(category_id)
        return copy.deepcopy(found) if found else None

    async def slug_taken(self, slug: str, other_than: str) -> bool:
        return any(c.slug == slug and c.id != other_than for c in self.rows.values())

    async def sibling_ids(self, parent_id: str | None) -> list[str]:
        siblings = [c for c in self.rows.values() if c.parent_id == parent_id]
        return [c.id for c in sorted(siblings, key=lambda c: (c.position, c.id))]

    async def set_positions(self, order: dict[str, int]) -> None:
        for category_id, position in order.items():
            self.rows[category_id].position = position

    async def save(self, category: Category) -> None:
        self.rows[category.id] = copy.deepcopy(category)

    async def move_subtree(self, old_path: str, new_path: str) -> None:
        for category in self.rows.values():
            if category.path.startswith(old_path):
                category.path = new_path + category.path[len(old_path) :]

    async def list_all(self) -> list[Category]:
        return [copy.deepcopy(c) for c in self.rows.values()]


class FakeCourses:
    def __init__(self) -> None:
        self.rows: dict[str, Course] = {}
        self.request_ids: dict[str, str] = {}
        self.seen: list[Course] = []

    def put(self, course: Course) -> Course:
        """Arrange: store a course as if committed earlier."""
        self.rows[course.id] = copy.deepcopy(course)
        return course

    async def add(self, course: Course, *, request_id: str | None = None) -> bool:
        if course.id in self.rows or (request_id and request_id in self.request_ids):
            return False
        if request_id:
            self.request_ids[request_id] = course.id
        self.rows[course.id] = copy.deepcopy(course)
        self.seen.append(course)
        return True

    async def get(self, course_id: str, *, lock: bool = False) -> Course | None:
        found = self.rows.get(course_id)
        if found is None:
            return None
        course = copy.deepcopy(found)
        self.seen.append(course)
        return course

    async def get_by_request_id(self, request_id: str) -> Course | None:
        course_id = self.request_ids.get(request_id)
        return await self.get(course_id) if course_id else None

    async def existing_ids(self, course_ids: Iterable[str]) -> set[str]:
        return {i for i in course_ids if i in self.rows}

    async def save(self, course: Course) -> None:
        stored = copy.deepcopy(course)
        stored.events = []
        self.rows[course.id] = stored

    async def lock_prerequisite_graph(self) -> None:
        return None

    async def prerequisite_closure(self, course_ids: Iterable[str]) -> set[str]:
        closure: set[str] = set()
        todo = list(course_ids)
        while todo:
            course_id = todo.pop()
            if course_id in closure:
                continue
            closure.add(course_id)
            course = self.rows.get(course_id)
            if course is not None:
                todo.extend(course.details.prerequisite_ids)
        return closure

    async def count_enrollment(self, course_id: str) -> None:
        self.rows[course_id].enrollment_count += 1

    async def apply_rating(self, course_id: str, *, old: int | None, new: int) -> None:
        rating = self.rows[course_id].rating
        histogram = list(rating.histogram)
        if old is None:
            rating.count += 1
        else:
            rating.total -= old
            histogram[old - 1] -= 1
        rating.total += new
        histogram[new - 1] += 1
        rating.histogram = tuple(histogram)  # type: ignore[assignment]

    async def list_teaching(
        self, user_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[Course]:
        mine = [c for c in self.rows.values() if c.owner_id == user_id or user_id in c.details.instructor_ids]
        mine.sort(key=lambda c: (c.created_at, c.id), reverse=True)
        if after is not None:
            mine = [c for c in mine if (c.created_at, c.id) < after]
        return [copy.deepcopy(c) for c in mine[:limit]]


class FakeStructure:
    def __init__(self) -> None:
        self.chapter_rows: dict[str, Chapter] = {}
        self.lecture_rows: dict[str, Lecture] = {}

    def put_lecture(self, lecture: Lecture) -> Lecture:
        """Arrange: a lecture (and its chapter, if new) as if committed earlier."""
        if lecture.chapter_id not in self.chapter_rows:
            position = sum(1 for c in self.chapter_rows.values() if c.course_id == lecture.course_id)
            self.chapter_rows[lecture.chapter_id] = Chapter(
                lecture.chapter_id, lecture.course_id, "Chapter", position
            )
        self.lecture_rows[lecture.id] = copy.deepcopy(lecture)
        return lecture

    async def chapters(self, course_id: str) -> list[Chapter]:
        found = [copy.deepcopy(c) for c in self.chapter_rows.values() if c.course_id == course_id]
        return sorted(found, key=lambda c: (c.position, c.id))

    async def outline(self, course_id: str) -> list[Chapter]:
        found = await self.chapters(course_id)
        for chapter in found:
            chapter.lectures = sorted(
                (copy.deepcopy(x) for x in self.lecture_rows.values() if x.chapter_id == chapter.id),
                key=lambda x: (x.position, x.id),
            )
        return found

    async def get_chapter(self, chapter_id: str) -> Chapter | None:
        found = self.chapter_rows.get(chapter_id)
        return copy.deepcopy(found) if found else None

    async def add_chapter(self, chapter: Chapter) -> None:
        self.chapter_rows[chapter.id] = copy.deepcopy(chapter)

    async def save_chapter(self, chapter: Chapter) -> None:
        self.chapter_rows[chapter.id].title = chapter.title

    async def delete_chapter(self, chapter_id: str) -> None:
        self.chapter_rows.pop(chapter_id, None)
        for lecture_id in [x.id for x in self.lecture_rows.values() if x.chapter_id == chapter_id]:
            del self.lecture_rows[lecture_id]

    async def set_chapter_positions(self, order: dict[str, int]) -> None:
        for chapter_id, position in order.items():
            self.chapter_rows[chapter_id].position = position

    async def lecture_ids(self, chapter_id: str) -> list[str]:
        found = [x for x in self.lecture_rows.values() if x.chapter_id == chapter_id]
        return [x.id for x in sorted(found, key=lambda x: (x.position, x.id))]

    async def get_lecture(self, lecture_id: str) -> Lecture | None:
        found = self.lecture_rows.get(lecture_id)
        return copy.deepcopy(found) if found else None

    async def add_lecture(self, lecture: Lecture) -> None:
        self.lecture_rows[lecture.id] = copy.deepcopy(lecture)

    async def save_lecture(self, lecture: Lecture) -> None:
        self.lecture_rows[lecture.id] = copy.deepcopy(lecture)

    async def delete_lecture(self, lecture_id: str) -> None:
        self.lecture_rows.pop(lecture_id, None)

    async def set_lecture_positions(self, chapter_id: str, order: dict[str, int]) -> None:
        for lecture_id, position in order.items():
            lecture = self.lecture_rows[lecture_id]
            lecture.chapter_id, lecture.position = chapter_id, position

    async def lecture_count(self, course_id: str) -> int:
        return sum(1 for x in self.lecture_rows.values() if x.course_id == course_id)


class FakeEnrollments:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Enrollment] = {}

    async def get(self, course_id: str, user_id: str, *, lock: bool = False) -> Enrollment | None:
        found = self.rows.get((course_id, user_id))
        return copy.deepcopy(found) if found else None

    async def get_by_order(self, order_id: str) -> Enrollment | None:
        for enrollment in self.rows.values():
            if order_id and enrollment.order_id == order_id:
                return copy.deepcopy(enrollment)
        return None

    async def add_if_absent(self, enrollment: Enrollment) -> bool:
        key = (enrollment.course_id, enrollment.user_id)
        if key in self.rows or (enrollment.order_id and await self.get_by_order(enrollment.order_id)):
            return False
        self.rows[key] = copy.deepcopy(enrollment)
        return True

    async def save(self, enrollment: Enrollment) -> None:
        self.rows[(enrollment.course_id, enrollment.user_id)] = copy.deepcopy(enrollment)

    async def mark_completed(self, course_id: str, user_id: str, now: datetime) -> bool:
        enrollment = self.rows.get((course_id, user_id))
        if enrollment is None or enrollment.completed_at is not None:
            return False
        enrollment.completed_at = now
        return True

    async def completed_course_ids(self, user_id: str, course_ids: Iterable[str]) -> set[str]:
        return {
            course_id
            for course_id in course_ids
            if (found := self.rows.get((course_id, user_id))) is not None and found.completed_at is not None
        }

    async def list_for_user(
        self, user_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[Enrollment]:
        found = [e for e in self.rows.values() if e.user_id == user_id and e.is_active]
        found.sort(key=lambda e: (e.enrolled_at, e.course_id), reverse=True)
        if after is not None:
            found = [e for e in found if (e.enrolled_at, e.course_id) < after]
        return [copy.deepcopy(e) for e in found[:limit]]

    async def list_for_course(
        self, course_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[Enrollment]:
        found = [e for e in self.rows.values() if e.course_id == course_id and e.is_active]
        found.sort(key=lambda e: (e.enrolled_at, e.user_id), reverse=True)
        if after is not None:
            found = [e for e in found if (e.enrolled_at, e.user_id) < after]
        return [copy.deepcopy(e) for e in found[:limit]]


class FakeProgress:
    def __init__(self, structure: FakeStructure) -> None:
        self._structure = structure
        # (user, lecture) -> [course, position, completed_at]
        self.rows: dict[tuple[str, str], list] = {}

    def _row(self, user_id: str, course_id: str, lecture_id: str) -> list:
        return self.rows.setdefault((user_id, lecture_id), [course_id, 0, None])

    async def record_position(
        self, user_id: str, course_id: str, lecture_id: str, position_s: int, now: datetime
    ) -> tuple[int, datetime | None]:
        row = self._row(user_id, course_id, lecture_id)
        row[1] = max(row[1], position_s)
        return row[1], row[2]

    async def complete(self, user_id: str, course_id: str, lecture_id: str, now: datetime) -> bool:
        row = self._row(user_id, course_id, lecture_id)
        if row[2] is not None:
            return False
        row[2] = now
        return True

    async def get(self, user_id: str, lecture_id: str) -> tuple[int, datetime | None]:
        row = self.rows.get((user_id, lecture_id))
        return (row[1], row[2]) if row else (0, None)

    async def completed_count(self, user_id: str, course_id: str) -> int:
        # Only lectures the course still has count (as the SQL join does).
        return sum(
            1
            for (user, lecture_id), (course, _, done) in self.rows.items()
            if user == user_id and course == course_id and done and lecture_id in self._structure.lecture_rows
        )

    async def completed_counts(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
        return {pair: await self.completed_count(*pair) for pair in pairs}

    async def lecture_counts(self, course_ids: Iterable[str]) -> dict[str, int]:
        return {c: await self._structure.lecture_count(c) for c in set(course_ids)}


class FakeReviews:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Review] = {}

    async def add(self, review: Review) -> None:
        key = (review.course_id, review.user_id)
        if key in self.rows:
            raise Conflict("REVIEW_ALREADY_EXISTS", "you already reviewed this course; edit your review")
        self.rows[key] = copy.deepcopy(review)

    async def get(self, course_id: str, user_id: str, *, lock: bool = False) -> Review | None:
        found = self.rows.get((course_id, user_id))
        return copy.deepcopy(found) if found else None

    async def save(self, review: Review) -> None:
        self.rows[(review.course_id, review.user_id)] = copy.deepcopy(review)

    async def list(self, course_id: str, after: tuple[datetime, str] | None, limit: int) -> list[Review]:
        found = [r for r in self.rows.values() if r.course_id == course_id]
        found.sort(key=lambda r: (r.created_at, r.user_id), reverse=True)
        if after is not None:
            found = [r for r in found if (r.created_at, r.user_id) < after]
        return [copy.deepcopy(r) for r in found[:limit]]


class FakeSearch:
    def __init__(self, courses: FakeCourses) -> None:
        self._courses = courses

    async def search(
        self, criteria: SearchCriteria, after: tuple[str, str] | None, limit: int
    ) -> list[SearchHit]:
        raise NotImplementedError("search is proved against PostgreSQL and SQLite (tests/grpc, integration)")


class FakeSubscriptionAccess:
    """The payment service's CheckCourseAccess (ports.SubscriptionAccess): grants what a
    test arranges; `down` answers as an unreachable payment service does."""

    def __init__(self) -> None:
        self.grants: dict[tuple[str, str], str] = {}  # (user, course) -> subscription id
        self.down = False
        self.calls: list[tuple[str, str]] = []

    def grant(self, user_id: str, course_id: str, subscription_id: str = "sub-1") -> None:
        self.grants[(user_id, course_id)] = subscription_id

    async def course_access(self, user_id: str, course_id: str) -> CourseAccess:
        self.calls.append((user_id, course_id))
        if self.down:
            raise Unavailable("PAYMENT_UNAVAILABLE", "the payment service did not answer")
        subscription = self.grants.get((user_id, course_id))
        return CourseAccess(True, subscription) if subscription else NO_ACCESS


class FakeStore:
    """Every fake repository, shared by the units of work a test opens, plus the
    events committed so far (what would have reached the outbox)."""

    def __init__(self) -> None:
        self.categories = FakeCategories()
        self.courses = FakeCourses()
        self.structure = FakeStructure()
        self.enrollments = FakeEnrollments()
        self.progress = FakeProgress(self.structure)
        self.reviews = FakeReviews()
        self.search = FakeSearch(self.courses)
        self.committed: list[DomainEvent] = []

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    def events(self, kind: type) -> list:
        return [e for e in self.committed if isinstance(e, kind)]

    def published(self, course: Course) -> Course:
        """Arrange: a published copy of `course`."""
        course.state = CourseState.PUBLISHED
        return self.courses.put(course)


class FakeUnitOfWork:
    def __init__(self, store: FakeStore) -> None:
        self._store = store
        self.categories = store.categories
        self.courses = store.courses
        self.structure = store.structure
        self.enrollments = store.enrollments
        self.progress = store.progress
        self.reviews = store.reviews
        self.search = store.search
        self._emitted: list[DomainEvent] = []

    async def __aenter__(self) -> Self:
        self.courses.seen = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._emitted = []

    def emit(self, event: DomainEvent) -> None:
        self._emitted.append(event)

    async def commit(self) -> None:
        events = [*self._emitted]
        for course in self.courses.seen:
            events.extend(course.pull_events())
        self._store.committed.extend(events)
        self._emitted = []
