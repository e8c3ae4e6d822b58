"""lms.course.v1.CourseService: one short method per RPC (proto -> handler -> proto).

The kit's pipeline has already authenticated the caller, enforced the RPC's access
policy and checked the field rules of the contract before a method runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from google.protobuf.message import Message

from lms.course.v1 import course_pb2, course_pb2_grpc
from lms.options.v1 import options_pb2
from lms_course import mappers
from lms_course.domain.errors import InvalidField
from lms_course.domain.model import Actor, CourseState
from lms_course.domain.search import SearchCriteria
from lms_course.handlers import CourseHandlers
from lms_kit.auth import current_principal
from lms_kit.edge import allow_edge_cache
from lms_kit.paging import Pager

log = logging.getLogger("lms_course")


def actor() -> Actor:
    principal = current_principal()
    return Actor(principal.user_id, principal.has_role(options_pb2.ROLE_ADMIN))


def mask_fields(request: Message, resource: Message, allowed: Sequence[str]) -> set[str]:
    """The update mask's paths ("*" = all); without a mask, the set fields (AIP-134)."""
    if request.HasField("update_mask"):
        paths = set(request.update_mask.paths)
        return (paths - {"*"}) | set(allowed) if "*" in paths else paths
    return {f for f in allowed if _is_set(resource, f)}


def _is_set(message: Message, field: str) -> bool:
    if field == "content":
        return message.WhichOneof("content") is not None
    descriptor = message.DESCRIPTOR.fields_by_name[field]
    if descriptor.message_type is not None and descriptor.label != descriptor.LABEL_REPEATED:
        return message.HasField(field)
    return bool(getattr(message, field))


class CourseServicer(course_pb2_grpc.CourseServiceServicer):
    def __init__(
        self,
        handlers: CourseHandlers,
        cache: Any,
        search_cache: Any = None,
        *,
        edge_max_age_s: int = 0,
        search_edge_max_age_s: int = 0,
    ) -> None:
        self._handlers = handlers
        self._cache = cache
        self._search_cache = search_cache
        # How long the gateway may reuse an anonymous answer (Cache-Control max-age).
        self._edge_max_age_s = edge_max_age_s
        self._search_edge_max_age_s = search_edge_max_age_s
        self._searching: dict[bytes, asyncio.Future] = {}
        self._refreshing: set[asyncio.Task] = set()

    # -- categories --

    async def CreateCategory(self, request, context):
        c = request.category
        category = await self._handlers.create_category(
            parent_id=mappers.optional_id(c.parent), slug=c.slug, display_name=c.display_name
        )
        return mappers.category_to_proto(category)

    async def ListCategories(self, request, context):
        found = await self._handlers.list_categories()
        return course_pb2.ListCategoriesResponse(categories=[mappers.category_to_proto(c) for c in found])

    async def UpdateCategory(self, request, context):
        c = request.category
        fields = mask_fields(request, c, ("slug", "display_name"))
        category = await self._handlers.update_category(
            mappers.last_id(c.name), fields, slug=c.slug, display_name=c.display_name
        )
        return mappers.category_to_proto(category)

    async def MoveCategory(self, request, context):
        category = await self._handlers.move_category(
            mappers.last_id(request.name),
            parent_id=mappers.optional_id(request.parent),
            position=request.position,
        )
        return mappers.category_to_proto(category)

    # -- courses --

    async def CreateCourse(self, request, context):
        course = await self._handlers.create_course(
            actor(), mappers.details_from_proto(request.course), request_id=request.request_id
        )
        return mappers.course_to_proto(course)

    async def GetCourse(self, request, context):
        # Published and archived courses look the same to everyone: served from the cache.
        course_id = mappers.last_id(request.name)
        cached = await self._cache.get(course_id)
        if cached is not None:
            await allow_edge_cache(context, self._edge_max_age_s)
            return course_pb2.Course.FromString(cached)
        outline = await self._handlers.get_course(course_id, actor())
        message = mappers.outline_to_proto(outline)
        if outline.course.state is not CourseState.DRAFT:
            await self._cache.set(course_id, message.SerializeToString())
            await allow_edge_cache(context, self._edge_max_age_s)
        return message

    async def UpdateCourse(self, request, context):
        course = await self._handlers.update_course(
            mappers.last_id(request.course.name),
            actor(),
            set(request.update_mask.paths),
            mappers.details_from_proto(request.course),
        )
        return mappers.course_to_proto(course)

    async def PublishCourse(self, request, context):
        return mappers.course_to_proto(
            await self._handlers.publish_course(mappers.last_id(request.name), actor())
        )

    async def ArchiveCourse(self, request, context):
        return mappers.course_to_proto(
            await self._handlers.archive_course(mappers.last_id(request.name), actor())
        )

    async def SearchCourses(self, request, context):
        response = await self._search_through_cache(request)
        await allow_edge_cache(context, self._search_edge_max_age_s)
        return response

    async def _search_through_cache(self, request):
        # The same request gives everyone the same page: recent pages come from a short cache.
        cache = self._search_cache
        key = request.SerializeToString(deterministic=True) if cache is not None and cache.enabled else b""
        if not key:
            return await self._search(request)
        cached, fresh = cache.lookup(key)
        if cached is not None:
            if not fresh and key not in self._searching:
                # Answer with the stale page and refresh it in the background: under load an
                # expiring entry never makes callers wait for a query.
                self._searching[key] = asyncio.get_running_loop().create_future()
                task = asyncio.create_task(self._refresh(key, request))
                self._refreshing.add(task)
                task.add_done_callback(self._refreshing.discard)
            return cached
        # One search per page at a time: callers that miss together (an entry just
        # expired under load) wait for the first one's result instead of all querying.
        pending = self._searching.get(key)
        if pending is not None:
            shared = await asyncio.shield(pending)
            if shared is not None:
                return shared
            return await self._search(request)  # the first one failed: answer on our own
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._searching[key] = future
        response = None
        try:
            response = await self._search(request)
            cache.put(key, response)
            return response
        finally:
            del self._searching[key]
            future.set_result(response)

    async def _refresh(self, key: bytes, request) -> None:
        """Search again for a stale page (its future is in `_searching` already)."""
        future = self._searching[key]
        response = None
        try:
            response = await self._search(request)
            self._search_cache.put(key, response)
        except Exception:  # the stale page stays until it ages out; the next caller retries
            log.warning("search_refresh_failed", exc_info=True)
        finally:
            del self._searching[key]
            future.set_result(response)

    async def _search(self, request) -> course_pb2.SearchCoursesResponse:
        pager = Pager(request)
        criteria = SearchCriteria(
            query=request.query,
            category_id=mappers.optional_id(request.category),
            level=mappers.LEVEL_FROM_PROTO[request.level] if request.level else None,
            language=request.language,
            min_price=mappers.money_from_proto(request.min_price) if request.HasField("min_price") else None,
            max_price=mappers.money_from_proto(request.max_price) if request.HasField("max_price") else None,
            free_only=request.free_only,
            min_rating=request.min_rating,
            order=mappers.ORDER_FROM_PROTO[request.order_by],
        )
        after = (pager.after[0], pager.after[1]) if pager.after else None
        hits = await self._handlers.search(criteria, after, pager.size + 1)
        return course_pb2.SearchCoursesResponse(
            results=[mappers.search_hit_to_proto(h) for h in hits[: pager.size]],
            next_page_token=pager.next_token(hits, lambda h: h.key),
        )

    # -- structure --

    async def CreateChapter(self, request, context):
        chapter = await self._handlers.create_chapter(
            actor(),
            mappers.last_id(request.parent),
            request.chapter.title,
            request.position if request.HasField("position") else None,
        )
        return mappers.chapter_to_proto(chapter)

    async def UpdateChapter(self, request, context):
        course_id, chapter_id = mappers.chapter_ref(request.chapter.name)
        fields = mask_fields(request, request.chapter, ("title",))
        chapter = await self._handlers.update_chapter(
            actor(), course_id, chapter_id, fields, request.chapter.title
        )
        return mappers.chapter_to_proto(chapter)

    async def DeleteChapter(self, request, context):
        await self._handlers.delete_chapter(actor(), *mappers.chapter_ref(request.name))
        return course_pb2.DeleteChapterResponse()

    async def MoveChapter(self, request, context):
        course_id, chapter_id = mappers.chapter_ref(request.name)
        chapter = await self._handlers.move_chapter(actor(), course_id, chapter_id, request.position)
        return mappers.chapter_to_proto(chapter)

    async def CreateLecture(self, request, context):
        course_id, chapter_id = mappers.chapter_ref(request.parent)
        lecture = await self._handlers.create_lecture(
            actor(),
            course_id,
            chapter_id,
            title=request.lecture.title,
            free_preview=request.lecture.free_preview,
            content=mappers.content_from_proto(request.lecture),
            position=request.position if request.HasField("position") else None,
        )
        return mappers.lecture_to_proto(lecture)

    async def GetLecture(self, request, context):
        return mappers.lecture_to_proto(
            await self._handlers.get_lecture(actor(), mappers.lecture_ref(request.name))
        )

    async def UpdateLecture(self, request, context):
        lecture = request.lecture
        updated = await self._handlers.update_lecture(
            actor(),
            mappers.lecture_ref(lecture.name),
            mask_fields(request, lecture, ("title", "free_preview", "content")),
            title=lecture.title,
            free_preview=lecture.free_preview,
            content=mappers.content_from_proto(lecture),
        )
        return mappers.lecture_to_proto(updated)

    async def DeleteLecture(self, request, context):
        await self._handlers.delete_lecture(actor(), mappers.lecture_ref(request.name))
        return course_pb2.DeleteLectureResponse()

    async def MoveLecture(self, request, context):
        ref = mappers.lecture_ref(request.name)
        target = mappers.chapter_ref(request.chapter) if request.chapter else (ref.course_id, ref.chapter_id)
        if target[0] != ref.course_id:
            raise mappers.to_rpc_error(
                InvalidField("chapter", "OTHER_COURSE", "must be a chapter of the same course")
            )
        lecture = await self._handlers.move_lecture(
            actor(), ref, to_chapter_id=target[1], position=request.position
        )
        return mappers.lecture_to_proto(lecture)

    # -- enrolment --

    async def Enroll(self, request, context):
        enrollment = await self._handlers.enroll(actor(), mappers.last_id(request.course))
        return mappers.enrollment_to_proto(enrollment)

    async def EnrollPaid(self, request, context):
        enrollment = await self._handlers.enroll_paid(
            mappers.last_id(request.course), mappers.last_id(request.user), request.order_id
        )
        return mappers.enrollment_to_proto(enrollment)

    async def Unenroll(self, request, context):
        return mappers.enrollment_to_proto(
            await self._handlers.unenroll(actor(), mappers.last_id(request.course))
        )

    async def RevokeEnrollment(self, request, context):
        return mappers.enrollment_to_proto(await self._handlers.revoke(request.order_id))

    async def GetEnrollment(self, request, context):
        course_id, user_id = mappers.child_ref(request.name)
        return mappers.enrollment_to_proto(await self._handlers.get_enrollment(actor(), course_id, user_id))

    async def ListUserEnrollments(self, request, context):
        pager = Pager(request)
        found = await self._handlers.list_user_enrollments(
            mappers.last_id(request.parent), pager.after_time(), pager.size + 1
        )
        return course_pb2.ListUserEnrollmentsResponse(
            enrollments=[mappers.enrollment_to_proto(e) for e in found[: pager.size]],
            next_page_token=pager.next_token(found, lambda e: (e.enrolled_at.isoformat(), e.course_id)),
        )

    async def ListCourseEnrollments(self, request, context):
        pager = Pager(request)
        found = await self._handlers.list_course_enrollments(
            actor(), mappers.last_id(request.parent), pager.after_time(), pager.size + 1
        )
        return course_pb2.ListCourseEnrollmentsResponse(
            enrollments=[mappers.enrollment_to_proto(e) for e in found[: pager.size]],
            next_page_token=pager.next_token(found, lambda e: (e.enrolled_at.isoformat(), e.user_id)),
        )

    async def ListTeachingCourses(self, request, context):
        pager = Pager(request)
        found = await self._handlers.list_teaching_courses(
            actor(), mappers.last_id(request.parent), pager.after_time(), pager.size + 1
        )
        return course_pb2.ListTeachingCoursesResponse(
            courses=[mappers.course_to_proto(c) for c in found[: pager.size]],
            next_page_token=pager.next_token(found, lambda c: (c.created_at.isoformat(), c.id)),
        )

    # -- progress --

    async def CompleteLecture(self, request, context):
        progress = await self._handlers.complete_lecture(actor(), mappers.lecture_ref(request.name))
        return mappers.progress_to_proto(progress)

    async def RecordVideoPosition(self, request, context):
        progress = await self._handlers.record_position(
            actor(), mappers.lecture_ref(request.name), int(request.position_seconds)
        )
        return mappers.progress_to_proto(progress)

    # -- reviews --

    async def CreateReview(self, request, context):
        review = await self._handlers.create_review(
            actor(), mappers.last_id(request.parent), request.review.rating, request.review.text
        )
        return mappers.review_to_proto(review)

    async def UpdateReview(self, request, context):
        review = request.review
        course_id, user_id = mappers.child_ref(review.name)
        updated = await self._handlers.update_review(
            actor(),
            course_id,
            user_id,
            mask_fields(request, review, ("rating", "text")),
            rating=review.rating,
            text=review.text,
        )
        return mappers.review_to_proto(updated)

    async def ReplyToReview(self, request, context):
        course_id, user_id = mappers.child_ref(request.name)
        review = await self._handlers.reply_to_review(actor(), course_id, user_id, request.reply)
        return mappers.review_to_proto(review)

    async def ListReviews(self, request, context):
        pager = Pager(request)
        found = await self._handlers.list_reviews(
            actor(), mappers.last_id(request.parent), pager.after_time(), pager.size + 1
        )
        return course_pb2.ListReviewsResponse(
            reviews=[mappers.review_to_proto(r) for r in found[: pager.size]],
            next_page_token=pager.next_token(found, lambda r: (r.created_at.isoformat(), r.user_id)),
        )
