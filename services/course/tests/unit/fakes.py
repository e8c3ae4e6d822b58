"""In-memory repositories (the Protocols of lms_course.handlers.ports) on the kit's fake
unit of work: a unit of work works on a copy of the committed state, `commit()` keeps it
and the events, leaving without commit drops both, and a block that changed state or
raised events without committing fails with UncommittedWork. The repositories keep the
same promises as the SQL adapters (idempotent inserts, forward-only positions,
completion set once) and hand out copies, so a change a use case does not save is lost
as it would be in the database. Concurrency belongs in tests/grpc."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from lms_course.domain.errors import CategorySlugTaken, PaymentUnavailable, ReviewAlreadyExists
from lms_course.domain.model import (
    NO_ACCESS,
    Category,
    Chapter,
    Course,
    CourseAccess,
    Enrollment,
    Lecture,
    Review,
)
from lms_course.domain.search import SearchCriteria, SearchHit
from lms_course.handlers.ports import After
from lms_kit.testing.fakes import FakeRepository, FakeStore, FakeUnitOfWork

Track = Callable[[object], None]


@dataclass
class LectureProgressRow:
    course_id: str
    position_s: int = 0
    completed_at: datetime | None = None


@dataclass
class State:
    """Everything the fakes store (plain dataclasses, compared with ==)."""

    categories: dict[str, Category] = field(default_factory=dict)
    courses: dict[str, Course] = field(default_factory=dict)
    request_ids: dict[str, str] = field(default_factory=dict)
    chapters: dict[str, Chapter] = field(default_factory=dict)
    lectures: dict[str, Lecture] = field(default_factory=dict)
    enrollments: dict[tuple[str, str], Enrollment] = field(default_factory=dict)
    progress: dict[tuple[str, str], LectureProgressRow] = field(default_factory=dict)  # (user, lecture)
    reviews: dict[tuple[str, str], Review] = field(default_factory=dict)


def stored(course: Course) -> Course:
    """What storage keeps of a course: its fields, never its pending events."""
    kept = copy.deepcopy(course)
    kept.pull_events()
    return kept


class FakeCategories(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._rows = state.categories

    async def lock_tree(self) -> None:
        return None

    async def add(self, category: Category) -> None:
        if any(c.slug == category.slug for c in self._rows.values()):
            raise CategorySlugTaken(category.slug)
        self._rows[category.id] = copy.deepcopy(category)

    async def get(self, category_id: str) -> Category | None:
        found = self._rows.get(category_id)
        return copy.deepcopy(found) if found else None

    async def slug_taken(self, slug: str, other_than: str) -> bool:
        return any(c.slug == slug and c.id != other_than for c in self._rows.values())

    async def sibling_ids(self, parent_id: str | None) -> list[str]:
        siblings = [c for c in self._rows.values() if c.parent_id == parent_id]
        return [c.id for c in sorted(siblings, key=lambda c: (c.position, c.id))]

    async def set_positions(self, order: dict[str, int]) -> None:
        for category_id, position in order.items():
            self._rows[category_id].position = position

    async def save(self, category: Category) -> None:
        self._rows[category.id] = copy.deepcopy(category)

    async def move_subtree(self, old_path: str, new_path: str) -> None:
        for category in self._rows.values():
            if category.path.startswith(old_path):
                category.path = new_path + category.path[len(old_path) :]

    async def list_all(self) -> list[Category]:
        return [copy.deepcopy(c) for c in self._rows.values()]


class FakeCourses(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._rows = state.courses
        self._request_ids = state.request_ids

    async def add(self, course: Course, *, request_id: str | None = None) -> bool:
        if course.id in self._rows or (request_id and request_id in self._request_ids):
            return False
        if request_id:
            self._request_ids[request_id] = course.id
        self._rows[course.id] = stored(course)
        self.seen(course)
        return True

    async def get(self, course_id: str, *, lock: bool = False) -> Course | None:
        found = self._rows.get(course_id)
        return self.seen(copy.deepcopy(found)) if found is not None else None

    async def get_by_request_id(self, request_id: str) -> Course | None:
        course_id = self._request_ids.get(request_id)
        return await self.get(course_id) if course_id else None

    async def existing_ids(self, course_ids: Iterable[str]) -> set[str]:
        return {i for i in course_ids if i in self._rows}

    async def save(self, course: Course) -> None:
        self._rows[course.id] = stored(course)
        self.seen(course)

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
            course = self._rows.get(course_id)
            if course is not None:
                todo.extend(course.details.prerequisite_ids)
        return closure

    async def count_enrollment(self, course_id: str) -> None:
        self._rows[course_id].enrollment_count += 1

    async def apply_rating(self, course_id: str, *, old: int | None, new: int) -> None:
        rating = self._rows[course_id].rating
        histogram = list(rating.histogram)
        if old is None:
            rating.count += 1
        else:
            rating.total -= old
            histogram[old - 1] -= 1
        rating.total += new
        histogram[new - 1] += 1
        rating.histogram = (histogram[0], histogram[1], histogram[2], histogram[3], histogram[4])

    async def list_teaching(self, user_id: str, after: After, limit: int) -> list[Course]:
        mine = [
            c for c in self._rows.values() if c.owner_id == user_id or user_id in c.details.instructor_ids
        ]
        mine.sort(key=lambda c: (c.created_at, c.id), reverse=True)
        if after is not None:
            mine = [c for c in mine if (c.created_at, c.id) < after]
        return [self.seen(copy.deepcopy(c)) for c in mine[:limit]]


class FakeStructure(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._chapters = state.chapters
        self._lectures = state.lectures

    async def chapters(self, course_id: str) -> list[Chapter]:
        found = [copy.deepcopy(c) for c in self._chapters.values() if c.course_id == course_id]
        return sorted(found, key=lambda c: (c.position, c.id))

    async def outline(self, course_id: str, *, with_bodies: bool = False) -> list[Chapter]:
        found = await self.chapters(course_id)
        for chapter in found:
            chapter.lectures = sorted(
                (copy.deepcopy(x) for x in self._lectures.values() if x.chapter_id == chapter.id),
                key=lambda x: (x.position, x.id),
            )
        return found

    async def get_chapter(self, chapter_id: str) -> Chapter | None:
        found = self._chapters.get(chapter_id)
        return copy.deepcopy(found) if found else None

    async def add_chapter(self, chapter: Chapter) -> None:
        self._chapters[chapter.id] = copy.deepcopy(chapter)

    async def save_chapter(self, chapter: Chapter) -> None:
        self._chapters[chapter.id].title = chapter.title

    async def delete_chapter(self, chapter_id: str) -> None:
        self._chapters.pop(chapter_id, None)
        for lecture_id in [x.id for x in self._lectures.values() if x.chapter_id == chapter_id]:
            del self._lectures[lecture_id]

    async def set_chapter_positions(self, order: dict[str, int]) -> None:
        for chapter_id, position in order.items():
            self._chapters[chapter_id].position = position

    async def lecture_ids(self, chapter_id: str) -> list[str]:
        found = [x for x in self._lectures.values() if x.chapter_id == chapter_id]
        return [x.id for x in sorted(found, key=lambda x: (x.position, x.id))]

    async def get_lecture(self, lecture_id: str) -> Lecture | None:
        found = self._lectures.get(lecture_id)
        return copy.deepcopy(found) if found else None

    async def add_lecture(self, lecture: Lecture) -> None:
        self._lectures[lecture.id] = copy.deepcopy(lecture)

    async def save_lecture(self, lecture: Lecture) -> None:
        self._lectures[lecture.id] = copy.deepcopy(lecture)

    async def delete_lecture(self, lecture_id: str) -> None:
        self._lectures.pop(lecture_id, None)

    async def set_lecture_positions(self, chapter_id: str, order: dict[str, int]) -> None:
        for lecture_id, position in order.items():
            lecture = self._lectures[lecture_id]
            lecture.chapter_id, lecture.position = chapter_id, position

    async def lecture_count(self, course_id: str) -> int:
        return sum(1 for x in self._lectures.values() if x.course_id == course_id)


class FakeEnrollments(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._rows = state.enrollments

    async def get(self, course_id: str, user_id: str, *, lock: bool = False) -> Enrollment | None:
        found = self._rows.get((course_id, user_id))
        return copy.deepcopy(found) if found else None

    async def get_by_order(self, order_id: str) -> Enrollment | None:
        for enrollment in self._rows.values():
            if order_id and enrollment.order_id == order_id:
                return copy.deepcopy(enrollment)
        return None

    async def add_if_absent(self, enrollment: Enrollment) -> bool:
        key = (enrollment.course_id, enrollment.user_id)
        if key in self._rows or (enrollment.order_id and await self.get_by_order(enrollment.order_id)):
            return False
        self._rows[key] = copy.deepcopy(enrollment)
        return True

    async def save(self, enrollment: Enrollment) -> None:
        self._rows[(enrollment.course_id, enrollment.user_id)] = copy.deepcopy(enrollment)

    async def mark_completed(self, course_id: str, user_id: str, now: datetime) -> bool:
        enrollment = self._rows.get((course_id, user_id))
        if enrollment is None or enrollment.completed_at is not None:
            return False
        enrollment.completed_at = now
        return True

    async def completed_course_ids(self, user_id: str, course_ids: Iterable[str]) -> set[str]:
        return {
            course_id
            for course_id in course_ids
            if (found := self._rows.get((course_id, user_id))) is not None and found.completed_at is not None
        }

    async def list_for_user(self, user_id: str, after: After, limit: int) -> list[Enrollment]:
        found = [e for e in self._rows.values() if e.user_id == user_id and e.is_active]
        found.sort(key=lambda e: (e.enrolled_at, e.course_id), reverse=True)
        if after is not None:
            found = [e for e in found if (e.enrolled_at, e.course_id) < after]
        return [copy.deepcopy(e) for e in found[:limit]]

    async def list_for_course(self, course_id: str, after: After, limit: int) -> list[Enrollment]:
        found = [e for e in self._rows.values() if e.course_id == course_id and e.is_active]
        found.sort(key=lambda e: (e.enrolled_at, e.user_id), reverse=True)
        if after is not None:
            found = [e for e in found if (e.enrolled_at, e.user_id) < after]
        return [copy.deepcopy(e) for e in found[:limit]]


class FakeProgress(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._rows = state.progress
        self._lectures = state.lectures

    def _row(self, user_id: str, course_id: str, lecture_id: str) -> LectureProgressRow:
        return self._rows.setdefault((user_id, lecture_id), LectureProgressRow(course_id))

    async def record_position(
        self, user_id: str, course_id: str, lecture_id: str, position_s: int, now: datetime
    ) -> tuple[int, datetime | None]:
        row = self._row(user_id, course_id, lecture_id)
        row.position_s = max(row.position_s, position_s)
        return row.position_s, row.completed_at

    async def complete(self, user_id: str, course_id: str, lecture_id: str, now: datetime) -> bool:
        row = self._row(user_id, course_id, lecture_id)
        if row.completed_at is not None:
            return False
        row.completed_at = now
        return True

    async def get(self, user_id: str, lecture_id: str) -> tuple[int, datetime | None]:
        row = self._rows.get((user_id, lecture_id))
        return (row.position_s, row.completed_at) if row else (0, None)

    async def of_course(self, user_id: str, course_id: str) -> list[tuple[str, str, int, datetime | None]]:
        found = []
        for lecture in self._lectures.values():
            if lecture.course_id == course_id:
                row = self._rows.get((user_id, lecture.id))
                found.append(
                    (
                        lecture.id,
                        lecture.chapter_id,
                        row.position_s if row else 0,
                        row.completed_at if row else None,
                    )
                )
        return found

    async def completed_count(self, user_id: str, course_id: str) -> int:
        # Only lectures the course still has count (as the SQL join does).
        return sum(
            1
            for (user, lecture_id), row in self._rows.items()
            if user == user_id
            and row.course_id == course_id
            and row.completed_at
            and lecture_id in self._lectures
        )

    async def completed_counts(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
        return {pair: await self.completed_count(*pair) for pair in pairs}

    async def lecture_counts(self, course_ids: Iterable[str]) -> dict[str, int]:
        return {c: sum(1 for x in self._lectures.values() if x.course_id == c) for c in set(course_ids)}


class FakeReviews(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._rows = state.reviews

    async def add(self, review: Review) -> None:
        key = (review.course_id, review.user_id)
        if key in self._rows:
            raise ReviewAlreadyExists()
        self._rows[key] = copy.deepcopy(review)

    async def get(self, course_id: str, user_id: str, *, lock: bool = False) -> Review | None:
        found = self._rows.get((course_id, user_id))
        return copy.deepcopy(found) if found else None

    async def save(self, review: Review) -> None:
        self._rows[(review.course_id, review.user_id)] = copy.deepcopy(review)

    async def list(self, course_id: str, after: After, limit: int) -> list[Review]:
        found = [r for r in self._rows.values() if r.course_id == course_id]
        found.sort(key=lambda r: (r.created_at, r.user_id), reverse=True)
        if after is not None:
            found = [r for r in found if (r.created_at, r.user_id) < after]
        return [copy.deepcopy(r) for r in found[:limit]]


class FakeSearch(FakeRepository):
    async def search(
        self, criteria: SearchCriteria, after: tuple[str, str] | None, limit: int
    ) -> list[SearchHit]:
        raise NotImplementedError("search is proved against PostgreSQL (tests/grpc/test_search.py)")


class FakeVocabulary(FakeRepository):
    """Vocabulary lookups are proved against PostgreSQL (tests/grpc/test_search.py)."""

    async def known(self, words: Iterable[str]) -> set[str]:
        raise NotImplementedError

    async def corrections(self, words: Iterable[str]) -> dict[str, list[str]]:
        raise NotImplementedError

    async def completions(self, prefix: str, limit: int) -> list[str]:
        raise NotImplementedError


class FakeCourseUnitOfWork(FakeUnitOfWork[State]):
    def bind(self, state: State) -> None:
        self.categories = FakeCategories(state, self.track)
        self.courses = FakeCourses(state, self.track)
        self.structure = FakeStructure(state, self.track)
        self.enrollments = FakeEnrollments(state, self.track)
        self.progress = FakeProgress(state, self.track)
        self.reviews = FakeReviews(state, self.track)
        self.search = FakeSearch(self.track)
        self.vocabulary = FakeVocabulary(self.track)


def unit_of_work(store: FakeStore[State]) -> Callable[[], FakeCourseUnitOfWork]:
    return lambda: FakeCourseUnitOfWork(store)


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
            raise PaymentUnavailable()
        subscription = self.grants.get((user_id, course_id))
        return CourseAccess(True, subscription) if subscription else NO_ACCESS
