"""proto <-> domain: the only module (with lms_kit.proto) where both worlds meet."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from google.protobuf.message import Message

from lms.course.v1 import course_pb2, events_pb2
from lms.type.v1 import money_pb2
from lms_course.domain.enums import CourseState, EnrollmentSource, EnrollmentState, LectureKind, Level
from lms_course.domain.events import (
    CourseChanged,
    CourseCompleted,
    CoursePublished,
    EnrollmentCreated,
    EnrollmentEnded,
    LectureAssetChanged,
    LectureCompleted,
    ReviewPosted,
)
from lms_course.domain.model import (
    Category,
    Chapter,
    Course,
    CourseDetails,
    Enrollment,
    Lecture,
    LectureContent,
    Review,
)
from lms_course.domain.progress import completion_percent
from lms_course.domain.search import SearchCriteria, SearchHit, SearchOrder, SearchQuery
from lms_course.handlers.results import (
    ChapterRef,
    CourseOutline,
    CoursePage,
    LectureProgress,
    LectureRef,
    SearchPage,
)
from lms_kit.domain import Invalid
from lms_kit.domain.money import Money
from lms_kit.paging import Pager
from lms_kit.proto import ResourceName, last_id, money, money_from_proto, optional_id, timestamp

CATEGORY = ResourceName("categories/{category}")
COURSE = ResourceName("courses/{course}")
CHAPTER = ResourceName("courses/{course}/chapters/{chapter}")
LECTURE = ResourceName("courses/{course}/chapters/{chapter}/lectures/{lecture}")
ENROLLMENT = ResourceName("courses/{course}/enrollments/{user}")
REVIEW = ResourceName("courses/{course}/reviews/{user}")
USER = ResourceName("users/{user}")

STATE_TO_PROTO = {
    CourseState.DRAFT: course_pb2.COURSE_STATE_DRAFT,
    CourseState.PUBLISHED: course_pb2.COURSE_STATE_PUBLISHED,
    CourseState.ARCHIVED: course_pb2.COURSE_STATE_ARCHIVED,
}
LEVEL_TO_PROTO = {
    Level.UNSPECIFIED: course_pb2.COURSE_LEVEL_UNSPECIFIED,
    Level.BEGINNER: course_pb2.COURSE_LEVEL_BEGINNER,
    Level.INTERMEDIATE: course_pb2.COURSE_LEVEL_INTERMEDIATE,
    Level.ADVANCED: course_pb2.COURSE_LEVEL_ADVANCED,
    Level.ALL_LEVELS: course_pb2.COURSE_LEVEL_ALL_LEVELS,
}
LEVEL_FROM_PROTO = {v: k for k, v in LEVEL_TO_PROTO.items()}
KIND_TO_PROTO = {
    LectureKind.NONE: course_pb2.LECTURE_KIND_UNSPECIFIED,
    LectureKind.VIDEO: course_pb2.LECTURE_KIND_VIDEO,
    LectureKind.ARTICLE: course_pb2.LECTURE_KIND_ARTICLE,
    LectureKind.ATTACHMENT: course_pb2.LECTURE_KIND_ATTACHMENT,
    LectureKind.QUIZ: course_pb2.LECTURE_KIND_QUIZ,
}
ENROLLMENT_STATE_TO_PROTO = {
    EnrollmentState.ACTIVE: course_pb2.ENROLLMENT_STATE_ACTIVE,
    EnrollmentState.CANCELLED: course_pb2.ENROLLMENT_STATE_CANCELLED,
    EnrollmentState.REVOKED: course_pb2.ENROLLMENT_STATE_REVOKED,
}
SOURCE_TO_PROTO = {
    EnrollmentSource.FREE: course_pb2.ENROLLMENT_SOURCE_FREE,
    EnrollmentSource.PAID: course_pb2.ENROLLMENT_SOURCE_PAID,
    EnrollmentSource.SUBSCRIPTION: course_pb2.ENROLLMENT_SOURCE_SUBSCRIPTION,
}
ORDER_FROM_PROTO = {
    course_pb2.SEARCH_ORDER_UNSPECIFIED: SearchOrder.RELEVANCE,
    course_pb2.SEARCH_ORDER_RELEVANCE: SearchOrder.RELEVANCE,
    course_pb2.SEARCH_ORDER_NEWEST: SearchOrder.NEWEST,
    course_pb2.SEARCH_ORDER_RATING: SearchOrder.RATING,
    course_pb2.SEARCH_ORDER_POPULARITY: SearchOrder.POPULARITY,
}


# -- names ------------------------------------------------------------------------


def chapter_ref(name: str, field: str = "name") -> ChapterRef:
    return ChapterRef(*CHAPTER.ids(name, field))


def lecture_ref(name: str, field: str = "name") -> LectureRef:
    return LectureRef(*LECTURE.ids(name, field))


def referencing_lectures(references: Sequence[str]) -> list[LectureRef]:
    """The lectures among the resources that reference a file (courses, users, ... skipped)."""
    refs: list[LectureRef] = []
    for name in references:
        with contextlib.suppress(Invalid):
            refs.append(lecture_ref(name))
    return refs


def lecture_name(course_id: str, chapter_id: str, lecture_id: str) -> str:
    return LECTURE.format(course=course_id, chapter=chapter_id, lecture=lecture_id)


# -- catalogue --------------------------------------------------------------------


def category_to_proto(category: Category) -> course_pb2.Category:
    return course_pb2.Category(
        name=CATEGORY.format(category=category.id),
        parent=CATEGORY.format(category=category.parent_id) if category.parent_id else "",
        slug=category.slug,
        display_name=category.display_name,
        position=category.position,
        depth=category.depth,
    )


def price_from_proto(price: money_pb2.Money) -> Money:
    """The price as sent; the domain decides what is free (model.checked_price)."""
    return money_from_proto(price)


def details_from_proto(course: course_pb2.Course) -> CourseDetails:
    return CourseDetails(
        title=course.title,
        subtitle=course.subtitle,
        description=course.description,
        category_id=optional_id(course.category),
        level=LEVEL_FROM_PROTO.get(course.level, Level.UNSPECIFIED),
        language=course.language,
        tags=tuple(course.tags),
        thumbnail=course.thumbnail,
        price=price_from_proto(course.price),
        instructor_ids=tuple(last_id(n) for n in course.instructors),
        prerequisite_ids=tuple(last_id(n) for n in course.prerequisites),
        refund_window_days=(course.refund_window_days if course.HasField("refund_window_days") else None),
    )


def course_to_proto(course: Course) -> course_pb2.Course:
    d = course.details
    rating = course.rating
    message = course_pb2.Course(
        name=COURSE.format(course=course.id),
        title=d.title,
        subtitle=d.subtitle,
        description=d.description,
        category=CATEGORY.format(category=d.category_id) if d.category_id else "",
        level=LEVEL_TO_PROTO[d.level],
        language=d.language,
        tags=list(d.tags),
        thumbnail=d.thumbnail,
        price=money(d.price),
        state=STATE_TO_PROTO[course.state],
        owner=USER.format(user=course.owner_id),
        instructors=[USER.format(user=i) for i in d.instructor_ids],
        prerequisites=[COURSE.format(course=i) for i in d.prerequisite_ids],
        rating=course_pb2.RatingSummary(
            count=rating.count, average=round(rating.average, 3), histogram=list(rating.histogram)
        ),
        enrollment_count=course.enrollment_count,
        lecture_count=course.lecture_count,
        total_duration_seconds=course.total_duration_s,
        create_time=timestamp(course.created_at),
        update_time=timestamp(course.updated_at),
        publish_time=timestamp(course.published_at),
    )
    if d.refund_window_days is not None:  # unset: the payment service's default
        message.refund_window_days = d.refund_window_days
    return message


def outline_to_proto(outline: CourseOutline) -> course_pb2.Course:
    message = course_to_proto(outline.course)
    message.chapters.extend(chapter_to_proto(c, with_lectures=True) for c in outline.chapters)
    message.lecture_count = outline.lecture_count
    message.total_duration_seconds = outline.total_duration_s
    return message


def outline_bytes(outline: CourseOutline) -> bytes:
    """GetCourse's answer, serialized (what the course page cache keeps)."""
    return outline_to_proto(outline).SerializeToString()


def course_page_to_proto(page: CoursePage) -> course_pb2.Course:
    if page.rendered is not None:
        return course_pb2.Course.FromString(page.rendered)
    if page.outline is None:
        raise ValueError("a course page has an outline or its rendering")
    return outline_to_proto(page.outline)


# -- search -----------------------------------------------------------------------


def search_query(request: course_pb2.SearchCoursesRequest, pager: Pager) -> SearchQuery:
    criteria = SearchCriteria(
        query=request.query,
        category_id=optional_id(request.category),
        level=LEVEL_FROM_PROTO[request.level] if request.level else None,
        language=request.language,
        min_price=price_from_proto(request.min_price) if request.HasField("min_price") else None,
        max_price=price_from_proto(request.max_price) if request.HasField("max_price") else None,
        free_only=request.free_only,
        min_rating=request.min_rating,
        order=ORDER_FROM_PROTO[request.order_by],
    )
    after = (pager.after[0], pager.after[1]) if pager.after else None
    return SearchQuery(criteria, after, pager.size)


def search_hit_to_proto(hit: SearchHit) -> course_pb2.SearchResult:
    return course_pb2.SearchResult(
        course=course_to_proto(hit.course), snippet=hit.snippet, relevance=hit.relevance
    )


def search_results_bytes(hits: Sequence[SearchHit]) -> bytes:
    """A page's results, serialized (what the search page cache keeps)."""
    return course_pb2.SearchCoursesResponse(
        results=[search_hit_to_proto(h) for h in hits]
    ).SerializeToString()


def search_page_to_proto(page: SearchPage) -> course_pb2.SearchCoursesResponse:
    """The page's results (a fresh message: the caller sets its next page token)."""
    if page.rendered is not None:
        return course_pb2.SearchCoursesResponse.FromString(page.rendered)
    return course_pb2.SearchCoursesResponse(results=[search_hit_to_proto(h) for h in page.shown])


# -- structure --------------------------------------------------------------------


def chapter_to_proto(chapter: Chapter, *, with_lectures: bool = False) -> course_pb2.Chapter:
    message = course_pb2.Chapter(
        name=CHAPTER.format(course=chapter.course_id, chapter=chapter.id),
        title=chapter.title,
        position=chapter.position,
    )
    if with_lectures:
        message.lectures.extend(lecture_to_proto(lecture, with_content=False) for lecture in chapter.lectures)
    return message


def lecture_to_proto(lecture: Lecture, *, with_content: bool = True) -> course_pb2.Lecture:
    content = lecture.content
    message = course_pb2.Lecture(
        name=lecture_name(lecture.course_id, lecture.chapter_id, lecture.id),
        title=lecture.title,
        position=lecture.position,
        kind=KIND_TO_PROTO[content.kind],
        free_preview=lecture.free_preview,
        duration_seconds=content.duration_s,
    )
    if with_content:
        match content.kind:
            case LectureKind.VIDEO:
                message.video.asset, message.video.duration_seconds = content.asset, content.duration_s
            case LectureKind.ARTICLE:
                message.article.body = content.body
            case LectureKind.ATTACHMENT:
                message.attachment.file = content.asset
            case LectureKind.QUIZ:
                message.quiz.quiz = content.asset
    return message


def content_from_proto(lecture: course_pb2.Lecture) -> LectureContent:
    match lecture.WhichOneof("content"):
        case "video":
            return LectureContent(LectureKind.VIDEO, lecture.video.asset, int(lecture.video.duration_seconds))
        case "article":
            return LectureContent(LectureKind.ARTICLE, body=lecture.article.body)
        case "attachment":
            return LectureContent(LectureKind.ATTACHMENT, lecture.attachment.file)
        case "quiz":
            return LectureContent(LectureKind.QUIZ, lecture.quiz.quiz)
    return LectureContent()


# -- learners ---------------------------------------------------------------------


def enrollment_to_proto(enrollment: Enrollment) -> course_pb2.Enrollment:
    return course_pb2.Enrollment(
        name=ENROLLMENT.format(course=enrollment.course_id, user=enrollment.user_id),
        course=COURSE.format(course=enrollment.course_id),
        user=USER.format(user=enrollment.user_id),
        state=ENROLLMENT_STATE_TO_PROTO[enrollment.state],
        source=SOURCE_TO_PROTO[enrollment.source],
        order_id=enrollment.order_id,
        completed_lecture_count=enrollment.completed_lectures,
        lecture_count=enrollment.lecture_count,
        completion_percent=completion_percent(enrollment.completed_lectures, enrollment.lecture_count),
        enroll_time=timestamp(enrollment.enrolled_at),
        complete_time=timestamp(enrollment.completed_at),
        course_title=enrollment.course_title,
    )


def progress_to_proto(progress: LectureProgress) -> course_pb2.LectureProgress:
    return course_pb2.LectureProgress(
        lecture=lecture_name(progress.course_id, progress.chapter_id, progress.lecture_id),
        completed=progress.completed_at is not None,
        position_seconds=progress.position_s,
        complete_time=timestamp(progress.completed_at),
        course_completion_percent=progress.course_completion_percent,
        course_completed=progress.course_completed,
    )


def review_to_proto(review: Review) -> course_pb2.Review:
    return course_pb2.Review(
        name=REVIEW.format(course=review.course_id, user=review.user_id),
        author=USER.format(user=review.user_id),
        rating=review.rating,
        text=review.text,
        reply=review.reply,
        create_time=timestamp(review.created_at),
        update_time=timestamp(review.updated_at),
        reply_time=timestamp(review.replied_at),
    )


# -- events -----------------------------------------------------------------------


def event_to_proto(event: object) -> Message:
    match event:
        case CoursePublished():
            return events_pb2.CoursePublished(
                course_id=event.course_id,
                owner_id=event.owner_id,
                title=event.title,
                publish_time=timestamp(event.occurred_at),
            )
        case CourseChanged():
            return events_pb2.CourseChanged(
                course_id=event.course_id, change_time=timestamp(event.occurred_at)
            )
        case EnrollmentCreated():
            return events_pb2.EnrollmentCreated(
                course_id=event.course_id,
                user_id=event.user_id,
                source=event.source.value,
                order_id=event.order_id,
                enroll_time=timestamp(event.occurred_at),
            )
        case EnrollmentEnded():
            return events_pb2.EnrollmentEnded(
                course_id=event.course_id,
                user_id=event.user_id,
                state=event.state.value,
                order_id=event.order_id,
                end_time=timestamp(event.occurred_at),
            )
        case LectureCompleted():
            return events_pb2.LectureCompleted(
                course_id=event.course_id,
                lecture_id=event.lecture_id,
                user_id=event.user_id,
                course_completion_percent=event.course_completion_percent,
                complete_time=timestamp(event.occurred_at),
            )
        case CourseCompleted():
            return events_pb2.CourseCompleted(
                course_id=event.course_id, user_id=event.user_id, complete_time=timestamp(event.occurred_at)
            )
        case LectureAssetChanged():
            return events_pb2.LectureAssetChanged(
                course_id=event.course_id,
                lecture_id=event.lecture_id,
                lecture=event.lecture_name,
                old_asset=event.old_asset,
                new_asset=event.new_asset,
                change_time=timestamp(event.occurred_at),
            )
        case ReviewPosted():
            return events_pb2.ReviewPosted(
                course_id=event.course_id,
                user_id=event.user_id,
                rating=event.rating,
                edited=event.edited,
                post_time=timestamp(event.occurred_at),
            )
    raise TypeError(f"no proto for domain event {type(event).__name__}")
