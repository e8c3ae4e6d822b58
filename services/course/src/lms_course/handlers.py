"""Use cases of the course service. Each takes plain values and an `Actor`, works
through a unit of work and returns domain objects; nothing here knows gRPC or SQL.

Ownership that needs the database (teacher of a course, enrolled learner, author
of a review) is checked here; the contract's access policy has already checked
roles and sign-in.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from lms_course.domain import ordering
from lms_course.domain.errors import (
    Conflict,
    CourseNotFound,
    Denied,
    InvalidField,
    NotFound,
    Precondition,
    PrerequisitesNotMet,
    UpdateMaskInvalid,
)
from lms_course.domain.graph import category_path, moves_under_itself, prerequisites_make_cycle
from lms_course.domain.model import (
    COURSE_FIELDS,
    OWNER_ONLY_FIELDS,
    Actor,
    Category,
    Chapter,
    Course,
    CourseCompleted,
    CourseDetails,
    CourseOutline,
    CourseState,
    Enrollment,
    EnrollmentCreated,
    EnrollmentEnded,
    EnrollmentSource,
    EnrollmentState,
    Lecture,
    LectureCompleted,
    LectureContent,
    LectureKind,
    LectureProgress,
    Review,
    ReviewPosted,
    check_rating,
)
from lms_course.domain.progress import completion_percent, is_complete
from lms_course.domain.search import SearchCriteria, SearchHit
from lms_course.ports import SubscriptionAccess, UnitOfWork

log = logging.getLogger("lms_course")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class CourseCache(Protocol):
    """The published course detail cache (adapters/cache.py)."""

    async def invalidate(self, course_id: str) -> None: ...


class NoCache:
    async def invalidate(self, course_id: str) -> None:
        return None


class SearchCache(Protocol):
    """Recent search result pages (adapters/cache.SearchResultCache)."""

    def clear(self) -> None: ...


class NoSearchCache:
    def clear(self) -> None:
        return None


def _not_free() -> Precondition:
    return Precondition("COURSE_NOT_FREE", "this course is bought through the payment service")


@dataclass(frozen=True, slots=True)
class LectureRef:
    course_id: str
    chapter_id: str
    lecture_id: str


class CourseHandlers:
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        *,
        cache: CourseCache | None = None,
        search_cache: SearchCache | None = None,
        access: SubscriptionAccess | None = None,
        clock: Clock = utc_now,
    ) -> None:
        """`access`: the subscription check of paid courses at Enroll; None (no payment
        service configured): paid courses are refused there, COURSE_NOT_FREE."""
        self._uow = uow
        self._cache = cache or NoCache()
        self._search_cache = search_cache or NoSearchCache()
        self._access = access
        self._clock = clock

    async def _changed(self, course_id: str) -> None:
        """After a commit that changed what GetCourse or a search shows: drop this
        process's cached copies (other processes: events and time-to-live)."""
        self._search_cache.clear()
        await self._cache.invalidate(course_id)

    # -- categories --------------------------------------------------------------

    async def create_category(self, *, parent_id: str | None, slug: str, display_name: str) -> Category:
        if not slug:
            raise InvalidField("category.slug", "REQUIRED", "a category needs a slug")
        if not display_name.strip():
            raise InvalidField("category.display_name", "REQUIRED", "a category needs a name")
        async with self._uow() as uow:
            await uow.categories.lock_tree()
            parent_path = "/"
            if parent_id:
                parent = await uow.categories.get(parent_id)
                if parent is None:
                    raise NotFound("CATEGORY_NOT_FOUND", f"categories/{parent_id}")
                parent_path = parent.path
            category_id = str(uuid.uuid4())
            siblings = await uow.categories.sibling_ids(parent_id)
            category = Category(
                category_id,
                parent_id,
                slug,
                display_name,
                len(siblings),
                category_path(parent_path, category_id),
            )
            await uow.categories.add(category)
            await uow.commit()
        self._search_cache.clear()  # category subtree filters
        return category

    async def list_categories(self) -> list[Category]:
        """Depth first, siblings in order."""
        async with self._uow() as uow:
            found = await uow.categories.list_all()
        children: dict[str | None, list[Category]] = {}
        for category in found:
            children.setdefault(category.parent_id, []).append(category)
        ordered: list[Category] = []

        def walk(parent: str | None) -> None:
            for category in sorted(children.get(parent, []), key=lambda c: (c.position, c.id)):
                ordered.append(category)
                walk(category.id)

        walk(None)
        return ordered

    async def update_category(
        self, category_id: str, fields: set[str], *, slug: str, display_name: str
    ) -> Category:
        unknown = sorted(fields - {"slug", "display_name"})
        if unknown:
            raise UpdateMaskInvalid(unknown)
        async with self._uow() as uow:
            category = await uow.categories.get(category_id)
            if category is None:
                raise NotFound("CATEGORY_NOT_FOUND", f"categories/{category_id}")
            if "slug" in fields:
                if not slug:
                    raise InvalidField("category.slug", "REQUIRED", "a category needs a slug")
                if await uow.categories.slug_taken(slug, category_id):
                    raise Conflict("CATEGORY_SLUG_TAKEN", f"the slug {slug!r} is taken")
                category.slug = slug
            if "display_name" in fields:
                if not display_name.strip():
                    raise InvalidField("category.display_name", "REQUIRED", "a category needs a name")
                category.display_name = display_name
            await uow.categories.save(category)
            await uow.commit()
        self._search_cache.clear()  # category subtree filters
        return category

    async def move_category(self, category_id: str, *, parent_id: str | None, position: int) -> Category:
        """Move a category and its subtree; refuses to move it under itself."""
        async with self._uow() as uow:
            await uow.categories.lock_tree()
            category = await uow.categories.get(category_id)
            if category is None:
                raise NotFound("CATEGORY_NOT_FOUND", f"categories/{category_id}")
            parent_path = "/"
            if parent_id:
                parent = await uow.categories.get(parent_id)
                if parent is None:
                    raise NotFound("CATEGORY_NOT_FOUND", f"categories/{parent_id}")
                if moves_under_itself(category.path, parent.path):
                    raise Precondition(
                        "CATEGORY_CYCLE", "a category cannot move under itself or its descendants"
                    )
                parent_path = parent.path
            old_parent = category.parent_id
            if old_parent != parent_id:
                await uow.categories.set_positions(
                    ordering.positions(
                        ordering.removed(await uow.categories.sibling_ids(old_parent), category_id)
                    )
                )
                new_path = category_path(parent_path, category_id)
                await uow.categories.move_subtree(category.path, new_path)
                category.path, category.parent_id = new_path, parent_id
            order = ordering.inserted(
                [i for i in await uow.categories.sibling_ids(parent_id) if i != category_id],
                category_id,
                position,
            )
            category.position = order.index(category_id)
            await uow.categories.save(category)
            await uow.categories.set_positions(ordering.positions(order))
            await uow.commit()
        self._search_cache.clear()  # category subtree filters
        return category

    # -- courses -----------------------------------------------------------------

    async def create_course(self, actor: Actor, details: CourseDetails, *, request_id: str = "") -> Course:
        if request_id:
            async with self._uow() as uow:
                earlier = await uow.courses.get_by_request_id(request_id)
            if earlier is not None:
                if earlier.owner_id != actor.user_id:
                    raise InvalidField("request_id", "REUSED", "this request_id was used for another request")
                return earlier
        now = self._clock()
        course = Course.create(course_id=str(uuid.uuid4()), owner_id=actor.user_id, details=details, now=now)
        async with self._uow() as uow:
            await self._check_references(uow, course, set(COURSE_FIELDS))
            if not await uow.courses.add(course, request_id=request_id or None):
                earlier = await uow.courses.get_by_request_id(request_id)  # a concurrent retry won
                if earlier is None:  # cannot happen: ON CONFLICT saw that retry's committed row
                    raise RuntimeError("create_course: request id taken but no course found")
                return earlier
            await uow.commit()
        log.info("course_created course_id=%s owner_id=%s", course.id, actor.user_id)
        return course

    async def get_course(self, course_id: str, actor: Actor) -> CourseOutline:
        """The course and its structure, if the actor may see it (drafts: teachers, admins)."""
        async with self._uow() as uow:
            course = await uow.courses.get(course_id)
            if course is None or not course.is_visible_to(actor):
                raise CourseNotFound(course_id)
            chapters = await uow.structure.outline(course_id)
        return CourseOutline(course, chapters)

    async def update_course(
        self, course_id: str, actor: Actor, fields: set[str], values: CourseDetails
    ) -> Course:
        unknown = sorted(fields - set(COURSE_FIELDS))
        if unknown or not fields:
            raise UpdateMaskInvalid(unknown or ["(empty)"])
        now = self._clock()
        async with self._uow() as uow:
            if "prerequisites" in fields:  # before any row lock: one lock order for every writer
                await uow.courses.lock_prerequisite_graph()
            course = await self._editable(uow, course_id, actor, lock=True)
            if fields & OWNER_ONLY_FIELDS and not (actor.is_admin or actor.user_id == course.owner_id):
                raise Denied("NOT_COURSE_OWNER", "only the owner or an administrator may change instructors")
            await self._check_references(uow, course, fields, values)
            course.update(fields, values, now)
            await uow.courses.save(course)
            await uow.commit()
        await self._changed(course_id)
        return course

    async def _check_references(
        self, uow: UnitOfWork, course: Course, fields: set[str], values: CourseDetails | None = None
    ) -> None:
        details = values or course.details
        if (
            "category" in fields
            and details.category_id
            and await uow.categories.get(details.category_id) is None
        ):
            raise InvalidField("course.category", "NOT_FOUND", "no such category")
        if "prerequisites" in fields and details.prerequisite_ids:
            required = list(dict.fromkeys(details.prerequisite_ids))
            if len(required) != len(details.prerequisite_ids):
                raise InvalidField("course.prerequisites", "DUPLICATE", "prerequisites must be distinct")
            missing = set(required) - await uow.courses.existing_ids(required)
            if missing:
                raise InvalidField("course.prerequisites", "NOT_FOUND", f"no such course: {sorted(missing)}")
            closure = await uow.courses.prerequisite_closure(required)
            if prerequisites_make_cycle(course.id, required, closure):
                raise Precondition("PREREQUISITE_CYCLE", "these prerequisites would form a cycle")

    async def publish_course(self, course_id: str, actor: Actor) -> Course:
        now = self._clock()
        async with self._uow() as uow:
            course = await self._editable(uow, course_id, actor, lock=True)
            if course.publish(lecture_count=await uow.structure.lecture_count(course_id), now=now):
                await uow.courses.save(course)
                await uow.commit()
                log.info("course_published course_id=%s actor_id=%s", course_id, actor.user_id)
        await self._changed(course_id)
        return course

    async def archive_course(self, course_id: str, actor: Actor) -> Course:
        now = self._clock()
        async with self._uow() as uow:
            course = await self._editable(uow, course_id, actor, lock=True)
            if course.archive(now):
                await uow.courses.save(course)
                await uow.commit()
        await self._changed(course_id)
        return course

    async def search(
        self, criteria: SearchCriteria, after: tuple[str, str] | None, limit: int
    ) -> list[SearchHit]:
        async with self._uow() as uow:
            return await uow.search.search(criteria, after, limit)

    async def list_teaching_courses(
        self, actor: Actor, user_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[Course]:
        """Courses `user_id` owns or co-teaches, drafts included, newest first. The
        contract lets only that user or an administrator ask."""
        if actor.user_id != user_id and not actor.is_admin:
            raise Denied("NOT_COURSE_INSTRUCTOR", "only the teacher or an administrator may list these")
        async with self._uow() as uow:
            return await uow.courses.list_teaching(user_id, after, limit)

    async def _editable(self, uow: UnitOfWork, course_id: str, actor: Actor, *, lock: bool = False) -> Course:
        course = await uow.courses.get(course_id, lock=lock)
        if course is None or not course.is_visible_to(actor):
            raise CourseNotFound(course_id)
        if not course.can_edit(actor):
            raise Denied(
                "NOT_COURSE_INSTRUCTOR", "only the course's teachers or an administrator may do this"
            )
        return course

    # -- structure ---------------------------------------------------------------
    # Each structure change locks the course row first, so concurrent edits of one
    # course take turns and positions stay dense (0..n-1).

    async def create_chapter(self, actor: Actor, course_id: str, title: str, position: int | None) -> Chapter:
        if not title.strip():
            raise InvalidField("chapter.title", "REQUIRED", "a chapter needs a title")
        now = self._clock()
        async with self._uow() as uow:
            course = await self._editable(uow, course_id, actor, lock=True)
            chapter = Chapter(str(uuid.uuid4()), course_id, title, 0)
            order = ordering.inserted(
                [c.id for c in await uow.structure.chapters(course_id)], chapter.id, position
            )
            chapter.position = order.index(chapter.id)
            await uow.structure.add_chapter(chapter)
            await uow.structure.set_chapter_positions(ordering.positions(order))
            await self._structure_changed(uow, course, now)
        await self._changed(course_id)
        return chapter

    async def update_chapter(
        self, actor: Actor, course_id: str, chapter_id: str, fields: set[str], title: str
    ) -> Chapter:
        unknown = sorted(fields - {"title"})
        if unknown:
            raise UpdateMaskInvalid(unknown)
        now = self._clock()
        async with self._uow() as uow:
            course = await self._editable(uow, course_id, actor, lock=True)
            chapter = await self._chapter(uow, course_id, chapter_id)
            if "title" in fields:
                if not title.strip():
                    raise InvalidField("chapter.title", "REQUIRED", "a chapter needs a title")
                chapter.title = title
                await uow.structure.save_chapter(chapter)
            await self._structure_changed(uow, course, now)
        await self._changed(course_id)
        return chapter

    async def delete_chapter(self, actor: Actor, course_id: str, chapter_id: str) -> None:
        now = self._clock()
        async with self._uow() as uow:
            course = await self._editable(uow, course_id, actor, lock=True)
            await self._chapter(uow, course_id, chapter_id)
            if course.state is not CourseState.DRAFT:
                remaining = await uow.structure.lecture_count(course_id) - len(
                    await uow.structure.lecture_ids(chapter_id)
                )
                if remaining <= 0:
                    raise Precondition(
                        "COURSE_HAS_NO_LECTURES", "a published course keeps at least one lecture"
                    )
            await uow.structure.delete_chapter(chapter_id)
            order = [c.id for c in await uow.structure.chapters(course_id)]
            await uow.structure.set_chapter_positions(ordering.positions(order))
            await self._structure_changed(uow, course, now)
        await self._changed(course_id)

    async def move_chapter(self, actor: Actor, course_id: str, chapter_id: str, position: int) -> Chapter:
        now = self._clock()
        async with self._uow() as uow:
            course = await self._editable(uow, course_id, actor, lock=True)
            chapter = await self._chapter(uow, course_id, chapter_id)
            order = ordering.inserted(
                [c.id for c in await uow.structure.chapters(course_id)], chapter_id, position
            )
            await uow.structure.set_chapter_positions(ordering.positions(order))
            chapter.position = order.index(chapter_id)
            await self._structure_changed(uow, course, now)
        await self._changed(course_id)
        return chapter

    async def create_lecture(
        self,
        actor: Actor,
        course_id: str,
        chapter_id: str,
        *,
        title: str,
        free_preview: bool,
        content: LectureContent,
        position: int | None,
    ) -> Lecture:
        if not title.strip():
            raise InvalidField("lecture.title", "REQUIRED", "a lecture needs a title")
        now = self._clock()
        async with self._uow() as uow:
            course = await self._editable(uow, course_id, actor, lock=True)
            await self._chapter(uow, course_id, chapter_id)
            lecture = Lecture(str(uuid.uuid4()), course_id, chapter_id, title, 0, free_preview, content)
            order = ordering.inserted(await uow.structure.lecture_ids(chapter_id), lecture.id, position)
            lecture.position = order.index(lecture.id)
            await uow.structure.add_lecture(lecture)
            await uow.structure.set_lecture_positions(chapter_id, ordering.positions(order))
            await self._structure_changed(uow, course, now)
        await self._changed(course_id)
        return lecture

    async def get_lecture(self, actor: Actor, ref: LectureRef) -> Lecture:
        """The lecture with its content, for enrolled learners, teachers, admins, and
        anyone for a free preview of a published course."""
        async with self._uow() as uow:
            course = await uow.courses.get(ref.course_id)
            if course is None or not course.is_visible_to(actor):
                raise CourseNotFound(ref.course_id)
            lecture = await self._lecture(uow, ref)
            if course.can_edit(actor):
                return lecture
            if lecture.free_preview and course.state is CourseState.PUBLISHED:
                return lecture
            enrollment = await uow.enrollments.get(ref.course_id, actor.user_id) if actor.user_id else None
            if enrollment is None or not enrollment.is_active:
                raise Denied("NOT_ENROLLED", "enrol in the course to open this lecture")
            return lecture

    async def update_lecture(
        self,
        actor: Actor,
        ref: LectureRef,
        fields: set[str],
        *,
        title: str,
        free_preview: bool,
        content: LectureContent,
    ) -> Lecture:
        unknown = sorted(fields - {"title", "free_preview", "content"})
        if unknown:
            raise UpdateMaskInvalid(unknown)
        now = self._clock()
        async with self._uow() as uow:
            course = await self._editable(uow, ref.course_id, actor, lock=True)
            lecture = await self._lecture(uow, ref)
            if "title" in fields:
                if not title.strip():
                    raise InvalidField("lecture.title", "REQUIRED", "a lecture needs a title")
                lecture.title = title
            if "free_preview" in fields:
                lecture.free_preview = free_preview
            if "content" in fields:
                lecture.content = content
            await uow.structure.save_lecture(lecture)
            await self._structure_changed(uow, course, now)
        await self._changed(ref.course_id)
        return lecture

    async def delete_lecture(self, actor: Actor, ref: LectureRef) -> None:
        now = self._clock()
        async with self._uow() as uow:
            course = await self._editable(uow, ref.course_id, actor, lock=True)
            await self._lecture(uow, ref)
            if (
                course.state is not CourseState.DRAFT
                and await uow.structure.lecture_count(ref.course_id) <= 1
            ):
                raise Precondition("COURSE_HAS_NO_LECTURES", "a published course keeps at least one lecture")
            await uow.structure.delete_lecture(ref.lecture_id)
            order = await uow.structure.lecture_ids(ref.chapter_id)
            await uow.structure.set_lecture_positions(ref.chapter_id, ordering.positions(order))
            await self._structure_changed(uow, course, now)
        await self._changed(ref.course_id)

    async def move_lecture(
        self, actor: Actor, ref: LectureRef, *, to_chapter_id: str, position: int
    ) -> Lecture:
        """Move within or across chapters of one course, in one transaction; both
        chapters stay dense."""
        now = self._clock()
        async with self._uow() as uow:
            course = await self._editable(uow, ref.course_id, actor, lock=True)
            lecture = await self._lecture(uow, ref)
            target = to_chapter_id or ref.chapter_id
            await self._chapter(uow, ref.course_id, target)
            if target != ref.chapter_id:
                source_order = ordering.removed(await uow.structure.lecture_ids(ref.chapter_id), lecture.id)
                await uow.structure.set_lecture_positions(ref.chapter_id, ordering.positions(source_order))
            order = ordering.inserted(
                [i for i in await uow.structure.lecture_ids(target) if i != lecture.id], lecture.id, position
            )
            await uow.structure.set_lecture_positions(target, ordering.positions(order))
            lecture.chapter_id, lecture.position = target, order.index(lecture.id)
            await self._structure_changed(uow, course, now)
        await self._changed(ref.course_id)
        return lecture

    async def _structure_changed(self, uow: UnitOfWork, course: Course, now: datetime) -> None:
        course.changed(now)
        await uow.courses.save(course)
        await uow.commit()

    async def _chapter(self, uow: UnitOfWork, course_id: str, chapter_id: str) -> Chapter:
        chapter = await uow.structure.get_chapter(chapter_id)
        if chapter is None or chapter.course_id != course_id:
            raise NotFound("CHAPTER_NOT_FOUND", f"courses/{course_id}/chapters/{chapter_id}")
        return chapter

    async def _lecture(self, uow: UnitOfWork, ref: LectureRef) -> Lecture:
        lecture = await uow.structure.get_lecture(ref.lecture_id)
        if lecture is None or lecture.course_id != ref.course_id or lecture.chapter_id != ref.chapter_id:
            raise NotFound(
                "LECTURE_NOT_FOUND",
                f"courses/{ref.course_id}/chapters/{ref.chapter_id}/lectures/{ref.lecture_id}",
            )
        return lecture

    # -- enrolment ---------------------------------------------------------------

    async def enroll(self, actor: Actor, course_id: str) -> Enrollment:
        """Enrol the caller in a published course: a free one, or a paid one that a
        subscription of theirs opens (when a subscription check is configured).
        Enrolling twice returns the existing enrolment."""
        async with self._uow() as uow:
            course = await self._enrollable(uow, course_id, actor.user_id)
            if course.details.price.is_free:
                return await self._enroll(uow, course, actor.user_id, EnrollmentSource.FREE, "")
            if self._access is None:
                raise _not_free()
            current = await uow.enrollments.get(course_id, actor.user_id)
            if current is not None and current.is_active:  # a retry needs no payment service
                return await self._with_progress(uow, current)
        # Asked outside any transaction: no row lock or connection is held while the
        # payment service answers (it may raise Unavailable: nothing is recorded).
        access = await self._access.course_access(actor.user_id, course_id)
        if not access.granted:
            raise _not_free()
        async with self._uow() as uow:
            course = await self._enrollable(uow, course_id, actor.user_id)  # may have changed meanwhile
            source = EnrollmentSource.FREE if course.details.price.is_free else EnrollmentSource.SUBSCRIPTION
            enrollment = await self._enroll(uow, course, actor.user_id, source, "")
        if source is EnrollmentSource.SUBSCRIPTION:
            log.info(
                "subscription_enrollment course_id=%s user_id=%s subscription_id=%s",
                course_id,
                actor.user_id,
                access.subscription_id,
            )
        return enrollment

    async def enroll_paid(self, course_id: str, user_id: str, order_id: str) -> Enrollment:
        """Enrol after a paid order; idempotent by order id."""
        async with self._uow() as uow:
            earlier = await uow.enrollments.get_by_order(order_id)
            if earlier is not None:
                if (earlier.course_id, earlier.user_id) != (course_id, user_id):
                    raise Precondition("ORDER_ID_REUSED", "this order id enrolled another learner or course")
                return await self._with_progress(uow, earlier)
            course = await self._enrollable(uow, course_id, user_id, paid=True)
            return await self._enroll(uow, course, user_id, EnrollmentSource.PAID, order_id)

    async def _enrollable(
        self, uow: UnitOfWork, course_id: str, user_id: str, *, paid: bool = False
    ) -> Course:
        course = await uow.courses.get(course_id)
        if course is None or course.state is CourseState.DRAFT:
            raise CourseNotFound(course_id)
        if course.state is not CourseState.PUBLISHED and not paid:
            raise Precondition("COURSE_NOT_PUBLISHED", "the course is not open for enrolment")
        required = course.details.prerequisite_ids
        if required:
            done = await uow.enrollments.completed_course_ids(user_id, required)
            missing = [r for r in required if r not in done]
            if missing:
                raise PrerequisitesNotMet(missing)
        return course

    async def _enroll(
        self, uow: UnitOfWork, course: Course, user_id: str, source: EnrollmentSource, order_id: str
    ) -> Enrollment:
        now = self._clock()
        enrollment = Enrollment(course.id, user_id, EnrollmentState.ACTIVE, source, order_id, now)
        if await uow.enrollments.add_if_absent(enrollment):
            await uow.courses.count_enrollment(course.id)
        else:
            existing = await uow.enrollments.get(course.id, user_id, lock=True)
            if existing is None:  # the order id is taken by a concurrent call for someone else
                raise Precondition("ORDER_ID_REUSED", "this order id enrolled another learner or course")
            if existing.is_active:
                return await self._with_progress(uow, existing)
            existing.state, existing.source, existing.enrolled_at, existing.ended_at = (
                EnrollmentState.ACTIVE,
                source,
                now,
                None,
            )
            existing.order_id = order_id or existing.order_id
            await uow.enrollments.save(existing)
            enrollment = existing
        uow.emit(EnrollmentCreated(course.id, user_id, source, order_id, now))
        enrollment.course_title = course.details.title
        enrollment = await self._with_progress(uow, enrollment)
        await uow.commit()
        log.info("enrollment_created course_id=%s user_id=%s source=%s", course.id, user_id, source.value)
        return enrollment

    async def unenroll(self, actor: Actor, course_id: str) -> Enrollment:
        async with self._uow() as uow:
            enrollment = await uow.enrollments.get(course_id, actor.user_id, lock=True)
            if enrollment is None or not enrollment.is_active:
                raise NotFound("ENROLLMENT_NOT_FOUND", f"courses/{course_id}/enrollments/{actor.user_id}")
            return await self._end(uow, enrollment, EnrollmentState.CANCELLED)

    async def revoke(self, order_id: str) -> Enrollment:
        """End the enrolment an order made (refund); revoking twice changes nothing."""
        async with self._uow() as uow:
            enrollment = await uow.enrollments.get_by_order(order_id)
            if enrollment is None:
                raise NotFound("ENROLLMENT_NOT_FOUND", f"order {order_id}")
            locked = await uow.enrollments.get(enrollment.course_id, enrollment.user_id, lock=True)
            if (
                locked is None
                or not locked.is_active
                or locked.order_id != order_id
                # re-opened by a subscription since: that access is not the order's to end
                or locked.source is EnrollmentSource.SUBSCRIPTION
            ):
                return locked or enrollment
            return await self._end(uow, locked, EnrollmentState.REVOKED)

    async def _end(self, uow: UnitOfWork, enrollment: Enrollment, state: EnrollmentState) -> Enrollment:
        now = self._clock()
        enrollment.state, enrollment.ended_at = state, now
        await uow.enrollments.save(enrollment)
        uow.emit(EnrollmentEnded(enrollment.course_id, enrollment.user_id, state, enrollment.order_id, now))
        await uow.commit()
        return enrollment

    async def get_enrollment(self, actor: Actor, course_id: str, user_id: str) -> Enrollment:
        async with self._uow() as uow:
            if actor.user_id != user_id and not actor.is_admin:
                course = await uow.courses.get(course_id)
                if course is None or not course.can_edit(actor):
                    raise Denied(
                        "NOT_COURSE_INSTRUCTOR", "only the learner or the course's teachers may see this"
                    )
            enrollment = await uow.enrollments.get(course_id, user_id)
            if enrollment is None:
                raise NotFound("ENROLLMENT_NOT_FOUND", f"courses/{course_id}/enrollments/{user_id}")
            return await self._with_progress(uow, enrollment)

    async def list_user_enrollments(
        self, user_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[Enrollment]:
        async with self._uow() as uow:
            found = await uow.enrollments.list_for_user(user_id, after, limit)
            return await self._with_progress_many(uow, found)

    async def list_course_enrollments(
        self, actor: Actor, course_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[Enrollment]:
        async with self._uow() as uow:
            await self._editable(uow, course_id, actor)
            found = await uow.enrollments.list_for_course(course_id, after, limit)
            return await self._with_progress_many(uow, found)

    async def _with_progress(self, uow: UnitOfWork, enrollment: Enrollment) -> Enrollment:
        enrollment.completed_lectures = await uow.progress.completed_count(
            enrollment.user_id, enrollment.course_id
        )
        enrollment.lecture_count = await uow.structure.lecture_count(enrollment.course_id)
        return enrollment

    async def _with_progress_many(self, uow: UnitOfWork, found: list[Enrollment]) -> list[Enrollment]:
        done = await uow.progress.completed_counts([(e.user_id, e.course_id) for e in found])
        totals = await uow.progress.lecture_counts(e.course_id for e in found)
        for enrollment in found:
            enrollment.completed_lectures = done.get((enrollment.user_id, enrollment.course_id), 0)
            enrollment.lecture_count = totals.get(enrollment.course_id, 0)
        return found

    # -- progress ----------------------------------------------------------------

    async def complete_lecture(self, actor: Actor, ref: LectureRef) -> LectureProgress:
        """Complete a lecture for the enrolled caller. Idempotent. LectureCompleted is
        recorded once per learner and lecture, CourseCompleted once per learner and course."""
        now = self._clock()
        async with self._uow() as uow:
            lecture = await self._lecture(uow, ref)
            # The enrolment row lock serialises this learner's completions in this course,
            # so the count below sees every completion committed before it.
            enrollment = await uow.enrollments.get(ref.course_id, actor.user_id, lock=True)
            if enrollment is None or not enrollment.is_active:
                raise Denied("NOT_ENROLLED", "enrol in the course first")
            newly = await uow.progress.complete(actor.user_id, ref.course_id, lecture.id, now)
            completed = await uow.progress.completed_count(actor.user_id, ref.course_id)
            total = await uow.structure.lecture_count(ref.course_id)
            percent = completion_percent(completed, total)
            if newly:
                uow.emit(LectureCompleted(ref.course_id, lecture.id, actor.user_id, percent, now))
            course_done = is_complete(completed, total)
            if course_done and await uow.enrollments.mark_completed(ref.course_id, actor.user_id, now):
                uow.emit(CourseCompleted(ref.course_id, actor.user_id, now))
                log.info("course_completed course_id=%s user_id=%s", ref.course_id, actor.user_id)
            position, completed_at = await uow.progress.get(actor.user_id, lecture.id)
            await uow.commit()
        return LectureProgress(
            ref.course_id,
            lecture.id,
            lecture.chapter_id,
            actor.user_id,
            completed_at,
            position,
            percent,
            course_done,
        )

    async def record_position(self, actor: Actor, ref: LectureRef, position_s: int) -> LectureProgress:
        """A video heartbeat: the stored position only moves forward."""
        now = self._clock()
        async with self._uow() as uow:
            lecture = await self._lecture(uow, ref)
            if lecture.content.kind is not LectureKind.VIDEO:
                raise Precondition("LECTURE_NOT_VIDEO", "only video lectures have a position")
            enrollment = await uow.enrollments.get(ref.course_id, actor.user_id)
            if enrollment is None or not enrollment.is_active:
                raise Denied("NOT_ENROLLED", "enrol in the course first")
            if lecture.content.duration_s:
                position_s = min(position_s, lecture.content.duration_s)
            position, completed_at = await uow.progress.record_position(
                actor.user_id, ref.course_id, lecture.id, position_s, now
            )
            completed = await uow.progress.completed_count(actor.user_id, ref.course_id)
            total = await uow.structure.lecture_count(ref.course_id)
            await uow.commit()
        return LectureProgress(
            ref.course_id,
            lecture.id,
            lecture.chapter_id,
            actor.user_id,
            completed_at,
            position,
            completion_percent(completed, total),
            is_complete(completed, total),
        )

    # -- reviews -----------------------------------------------------------------

    async def create_review(self, actor: Actor, course_id: str, rating: int, text: str) -> Review:
        check_rating(rating)
        now = self._clock()
        async with self._uow() as uow:
            enrollment = await uow.enrollments.get(course_id, actor.user_id)
            if enrollment is None or not enrollment.is_active:
                raise Denied("NOT_ENROLLED", "only enrolled learners may review a course")
            review = Review(course_id, actor.user_id, rating, text, now, now)
            await uow.reviews.add(review)
            await uow.courses.apply_rating(course_id, old=None, new=rating)
            uow.emit(ReviewPosted(course_id, actor.user_id, rating, False, now))
            await uow.commit()
        await self._changed(course_id)
        return review

    async def update_review(
        self, actor: Actor, course_id: str, user_id: str, fields: set[str], *, rating: int, text: str
    ) -> Review:
        unknown = sorted(fields - {"rating", "text"})
        if unknown:
            raise UpdateMaskInvalid(unknown)
        if "rating" in fields:
            check_rating(rating)
        if actor.user_id != user_id:
            raise Denied("NOT_REVIEW_AUTHOR", "only the author may edit a review")
        now = self._clock()
        async with self._uow() as uow:
            review = await uow.reviews.get(course_id, user_id, lock=True)
            if review is None:
                raise NotFound("REVIEW_NOT_FOUND", f"courses/{course_id}/reviews/{user_id}")
            old = review.rating
            if "rating" in fields:
                review.rating = rating
            if "text" in fields:
                review.text = text
            review.updated_at = now
            await uow.reviews.save(review)
            await uow.courses.apply_rating(course_id, old=old, new=review.rating)
            uow.emit(ReviewPosted(course_id, user_id, review.rating, True, now))
            await uow.commit()
        await self._changed(course_id)
        return review

    async def reply_to_review(self, actor: Actor, course_id: str, user_id: str, reply: str) -> Review:
        now = self._clock()
        async with self._uow() as uow:
            await self._editable(uow, course_id, actor)
            review = await uow.reviews.get(course_id, user_id, lock=True)
            if review is None:
                raise NotFound("REVIEW_NOT_FOUND", f"courses/{course_id}/reviews/{user_id}")
            review.reply, review.replied_at = reply, now
            await uow.reviews.save(review)
            await uow.commit()
        return review

    async def list_reviews(
        self, actor: Actor, course_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[Review]:
        async with self._uow() as uow:
            course = await uow.courses.get(course_id)
            if course is None or not course.is_visible_to(actor):
                raise CourseNotFound(course_id)
            return await uow.reviews.list(course_id, after, limit)
