"""lms.course.v1.CourseService: one short method per RPC (proto -> handler -> proto).

The kit's pipeline has already authenticated the caller, enforced the RPC's access
policy and checked the field rules of the contract before a method runs.
"""

from __future__ import annotations

from lms.course.v1 import course_pb2, course_pb2_grpc
from lms_course import mappers
from lms_course.domain.model import COURSE_FIELDS
from lms_course.handlers import CourseUseCases
from lms_course.handlers.categories import CATEGORY_FIELDS
from lms_course.handlers.reviews import REVIEW_FIELDS
from lms_course.handlers.structure import LECTURE_FIELDS
from lms_kit.caller import actor
from lms_kit.edge import allow_edge_cache
from lms_kit.paging import Pager
from lms_kit.proto import last_id, optional_id, update_mask


class CourseServicer(course_pb2_grpc.CourseServiceServicer):
    def __init__(
        self, use_cases: CourseUseCases, *, edge_max_age_s: int = 0, search_edge_max_age_s: int = 0
    ) -> None:
        self._categories = use_cases.categories
        self._courses = use_cases.courses
        self._structure = use_cases.structure
        self._enrolment = use_cases.enrolment
        self._progress = use_cases.progress
        self._reviews = use_cases.reviews
        self._search = use_cases.search
        # How long the gateway may reuse an answer that is the same for every anonymous caller.
        self._edge_max_age_s = edge_max_age_s
        self._search_edge_max_age_s = search_edge_max_age_s

    # -- categories --

    async def CreateCategory(self, request, context):
        c = request.category
        category = await self._categories.create(
            parent_id=optional_id(c.parent), slug=c.slug, display_name=c.display_name
        )
        return mappers.category_to_proto(category)

    async def ListCategories(self, request, context):
        found = await self._categories.tree()
        return course_pb2.ListCategoriesResponse(categories=[mappers.category_to_proto(c) for c in found])

    async def UpdateCategory(self, request, context):
        c = request.category
        category = await self._categories.update(
            last_id(c.name),
            update_mask(request, c, CATEGORY_FIELDS),
            slug=c.slug,
            display_name=c.display_name,
        )
        return mappers.category_to_proto(category)

    async def MoveCategory(self, request, context):
        category = await self._categories.move(
            last_id(request.name), parent_id=optional_id(request.parent), position=request.position
        )
        return mappers.category_to_proto(category)

    # -- courses --

    async def CreateCourse(self, request, context):
        course = await self._courses.create(
            actor(), mappers.details_from_proto(request.course), request_id=request.request_id
        )
        return mappers.course_to_proto(course)

    async def GetCourse(self, request, context):
        page = await self._courses.get(actor(), last_id(request.name))
        if page.cacheable_for_everyone:
            await allow_edge_cache(context, self._edge_max_age_s)
        return mappers.course_page_to_proto(page)

    async def UpdateCourse(self, request, context):
        course = await self._courses.update(
            actor(),
            last_id(request.course.name),
            update_mask(request, request.course, COURSE_FIELDS),
            mappers.details_from_proto(request.course),
        )
        return mappers.course_to_proto(course)

    async def PublishCourse(self, request, context):
        return mappers.course_to_proto(await self._courses.publish(actor(), last_id(request.name)))

    async def ArchiveCourse(self, request, context):
        return mappers.course_to_proto(await self._courses.archive(actor(), last_id(request.name)))

    async def ListTeachingCourses(self, request, context):
        pager = Pager(request)
        found = await self._courses.list_teaching(
            actor(), last_id(request.parent), pager.after_time(), pager.size + 1
        )
        return course_pb2.ListTeachingCoursesResponse(
            courses=[mappers.course_to_proto(c) for c in found[: pager.size]],
            next_page_token=pager.next_token(found, lambda c: (c.created_at.isoformat(), c.id)),
        )

    async def SuggestSearch(self, request, context):
        found = await self._search.suggest(request.query)
        return course_pb2.SuggestSearchResponse(
            corrected_query=found.corrected, completions=list(found.completions)
        )

    async def SearchCourses(self, request, context):
        pager = Pager(request)
        page = await self._search.search(mappers.search_query(request, pager))
        if page.cacheable_for_everyone:
            await allow_edge_cache(context, self._search_edge_max_age_s)
        response = mappers.search_page_to_proto(page)
        response.next_page_token = pager.next_token(page.hits, lambda h: h.key)
        return response

    # -- structure --

    async def CreateChapter(self, request, context):
        chapter = await self._structure.create_chapter(
            actor(),
            last_id(request.parent),
            request.chapter.title,
            request.position if request.HasField("position") else None,
        )
        return mappers.chapter_to_proto(chapter)

    async def UpdateChapter(self, request, context):
        chapter = request.chapter
        updated = await self._structure.update_chapter(
            actor(),
            mappers.chapter_ref(chapter.name, "chapter.name"),
            update_mask(request, chapter, ("title",)),
            chapter.title,
        )
        return mappers.chapter_to_proto(updated)

    async def DeleteChapter(self, request, context):
        await self._structure.delete_chapter(actor(), mappers.chapter_ref(request.name))
        return course_pb2.DeleteChapterResponse()

    async def MoveChapter(self, request, context):
        chapter = await self._structure.move_chapter(
            actor(), mappers.chapter_ref(request.name), request.position
        )
        return mappers.chapter_to_proto(chapter)

    async def CreateLecture(self, request, context):
        lecture = await self._structure.create_lecture(
            actor(),
            mappers.chapter_ref(request.parent, "parent"),
            title=request.lecture.title,
            free_preview=request.lecture.free_preview,
            content=mappers.content_from_proto(request.lecture),
            position=request.position if request.HasField("position") else None,
        )
        return mappers.lecture_to_proto(lecture)

    async def GetLecture(self, request, context):
        lecture = await self._structure.get_lecture(actor(), mappers.lecture_ref(request.name))
        return mappers.lecture_to_proto(lecture)

    async def UpdateLecture(self, request, context):
        lecture = request.lecture
        updated = await self._structure.update_lecture(
            actor(),
            mappers.lecture_ref(lecture.name, "lecture.name"),
            update_mask(request, lecture, LECTURE_FIELDS, oneofs={"content": "content"}),
            title=lecture.title,
            free_preview=lecture.free_preview,
            content=mappers.content_from_proto(lecture),
        )
        return mappers.lecture_to_proto(updated)

    async def DeleteLecture(self, request, context):
        await self._structure.delete_lecture(actor(), mappers.lecture_ref(request.name))
        return course_pb2.DeleteLectureResponse()

    async def MoveLecture(self, request, context):
        lecture = await self._structure.move_lecture(
            actor(),
            mappers.lecture_ref(request.name),
            to_chapter=mappers.chapter_ref(request.chapter, "chapter") if request.chapter else None,
            position=request.position,
        )
        return mappers.lecture_to_proto(lecture)

    # -- enrolment --

    async def Enroll(self, request, context):
        enrollment = await self._enrolment.enroll(actor(), last_id(request.course))
        return mappers.enrollment_to_proto(enrollment)

    async def EnrollPaid(self, request, context):
        enrollment = await self._enrolment.enroll_paid(
            last_id(request.course), last_id(request.user), request.order_id
        )
        return mappers.enrollment_to_proto(enrollment)

    async def Unenroll(self, request, context):
        return mappers.enrollment_to_proto(await self._enrolment.unenroll(actor(), last_id(request.course)))

    async def RevokeEnrollment(self, request, context):
        return mappers.enrollment_to_proto(await self._enrolment.revoke(request.order_id))

    async def GetEnrollment(self, request, context):
        course_id, user_id = mappers.ENROLLMENT.ids(request.name)
        return mappers.enrollment_to_proto(await self._enrolment.get(actor(), course_id, user_id))

    async def ListUserEnrollments(self, request, context):
        pager = Pager(request)
        found = await self._enrolment.list_for_user(
            last_id(request.parent), pager.after_time(), pager.size + 1
        )
        return course_pb2.ListUserEnrollmentsResponse(
            enrollments=[mappers.enrollment_to_proto(e) for e in found[: pager.size]],
            next_page_token=pager.next_token(found, lambda e: (e.enrolled_at.isoformat(), e.course_id)),
        )

    async def ListCourseEnrollments(self, request, context):
        pager = Pager(request)
        found = await self._enrolment.list_for_course(
            actor(), last_id(request.parent), pager.after_time(), pager.size + 1
        )
        return course_pb2.ListCourseEnrollmentsResponse(
            enrollments=[mappers.enrollment_to_proto(e) for e in found[: pager.size]],
            next_page_token=pager.next_token(found, lambda e: (e.enrolled_at.isoformat(), e.user_id)),
        )

    # -- progress --

    async def CompleteLecture(self, request, context):
        progress = await self._progress.complete_lecture(actor(), mappers.lecture_ref(request.name))
        return mappers.progress_to_proto(progress)

    async def RecordVideoPosition(self, request, context):
        progress = await self._progress.record_position(
            actor(), mappers.lecture_ref(request.name), int(request.position_seconds)
        )
        return mappers.progress_to_proto(progress)

    async def ListLectureProgress(self, request, context):
        course_id, user_id = mappers.ENROLLMENT.ids(request.parent, "parent")
        rows = await self._progress.of_course(actor(), course_id, user_id)
        return course_pb2.ListLectureProgressResponse(
            lecture_progress=[mappers.progress_to_proto(p) for p in rows]
        )

    # -- reviews --

    async def CreateReview(self, request, context):
        review = await self._reviews.create(
            actor(), last_id(request.parent), request.review.rating, request.review.text
        )
        return mappers.review_to_proto(review)

    async def UpdateReview(self, request, context):
        review = request.review
        course_id, user_id = mappers.REVIEW.ids(review.name, "review.name")
        updated = await self._reviews.update(
            actor(),
            course_id,
            user_id,
            update_mask(request, review, REVIEW_FIELDS),
            rating=review.rating,
            text=review.text,
        )
        return mappers.review_to_proto(updated)

    async def ReplyToReview(self, request, context):
        course_id, user_id = mappers.REVIEW.ids(request.name)
        review = await self._reviews.reply(actor(), course_id, user_id, request.reply)
        return mappers.review_to_proto(review)

    async def ListReviews(self, request, context):
        pager = Pager(request)
        found = await self._reviews.list_for_course(
            actor(), last_id(request.parent), pager.after_time(), pager.size + 1
        )
        return course_pb2.ListReviewsResponse(
            reviews=[mappers.review_to_proto(r) for r in found[: pager.size]],
            next_page_token=pager.next_token(found, lambda r: (r.created_at.isoformat(), r.user_id)),
        )
