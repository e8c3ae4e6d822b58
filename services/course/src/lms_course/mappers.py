"""proto <-> domain: the only module where both worlds meet."""

from __future__ import annotations

from datetime import datetime

from google.protobuf import timestamp_pb2
from google.rpc import error_details_pb2

from lms.course.v1 import course_pb2, events_pb2
from lms.type.v1 import money_pb2
from lms_course.domain import errors as domain
from lms_course.domain.model import (
    FREE,
    Category,
    Chapter,
    Course,
    CourseChanged,
    CourseCompleted,
    CourseDetails,
    CourseOutline,
    CoursePublished,
    CourseState,
    DomainEvent,
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
    Level,
    Money,
    Review,
    ReviewPosted,
)
from lms_course.domain.progress import completion_percent
from lms_course.domain.search import SearchHit, SearchOrder
from lms_kit import errors as rpc

DOMAIN = "course.lms"

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


def timestamp(moment: datetime | None) -> timestamp_pb2.Timestamp | None:
    if moment is None:
        return None
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment)
    return stamp


# -- names ------------------------------------------------------------------------


def last_id(name: str) -> str:
    """`{id}` of `.../{collection}/{id}`; the contract's pattern already checked the shape."""
    return name.rsplit("/", 1)[-1] if name else ""


def optional_id(name: str) -> str | None:
    return last_id(name) or None


def course_name(course_id: str) -> str:
    return f"courses/{course_id}"


def chapter_name(course_id: str, chapter_id: str) -> str:
    return f"courses/{course_id}/chapters/{chapter_id}"


def lecture_name(lecture: Lecture) -> str:
    return f"{chapter_name(lecture.course_id, lecture.chapter_id)}/lectures/{lecture.id}"


def lecture_ref(name: str):
    from lms_course.handlers import LectureRef

    parts = name.split("/")  # courses/{c}/chapters/{ch}/lectures/{l}
    return LectureRef(parts[1], parts[3], parts[5])


def chapter_ref(name: str) -> tuple[str, str]:
    parts = name.split("/")
    return parts[1], parts[3]


def child_ref(name: str) -> tuple[str, str]:
    """(course id, last id) of `courses/{c}/<collection>/{id}`."""
    parts = name.split("/")
    return parts[1], parts[3]


# -- catalogue --------------------------------------------------------------------


def category_to_proto(category: Category) -> course_pb2.Category:
    return course_pb2.Category(
        name=f"categories/{category.id}",
        parent=f"categories/{category.parent_id}" if category.parent_id else "",
        slug=category.slug,
        display_name=category.display_name,
        position=category.position,
        depth=category.depth,
    )


def money_from_proto(money: money_pb2.Money) -> Money:
    return Money(money.amount_minor, money.currency_code) if money.amount_minor else FREE


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
        price=money_from_proto(course.price),
        instructor_ids=tuple(last_id(n) for n in course.instructors),
        prerequisite_ids=tuple(last_id(n) for n in course.prerequisites),
        refund_window_days=(course.refund_window_days if course.HasField("refund_window_days") else None),
    )


def course_to_proto(course: Course) -> course_pb2.Course:
    d = course.details
    rating = course.rating
    message = course_pb2.Course(
        name=course_name(course.id),
        title=d.title,
        subtitle=d.subtitle,
        description=d.description,
        category=f"categories/{d.category_id}" if d.category_id else "",
        level=LEVEL_TO_PROTO[d.level],
        language=d.language,
        tags=list(d.tags),
        thumbnail=d.thumbnail,
        price=money_pb2.Money(currency_code=d.price.currency, amount_minor=d.price.amount_minor),
        state=STATE_TO_PROTO[course.state],
        owner=f"users/{course.owner_id}",
        instructors=[f"users/{i}" for i in d.instructor_ids],
        prerequisites=[course_name(i) for i in d.prerequisite_ids],
        rating=course_pb2.RatingSummary(
            count=rating.count, average=round(rating.average, 3), histogram=list(rating.histogram)
        ),
        enrollment_count=course.enrollment_count,
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


def search_hit_to_proto(hit: SearchHit) -> course_pb2.SearchResult:
    return course_pb2.SearchResult(
        course=course_to_proto(hit.course), snippet=hit.snippet, relevance=hit.relevance
    )


# -- structure --------------------------------------------------------------------


def chapter_to_proto(chapter: Chapter, *, with_lectures: bool = False) -> course_pb2.Chapter:
    message = course_pb2.Chapter(
        name=chapter_name(chapter.course_id, chapter.id), title=chapter.title, position=chapter.position
    )
    if with_lectures:
        message.lectures.extend(lecture_to_proto(lecture, with_content=False) for lecture in chapter.lectures)
    return message


def lecture_to_proto(lecture: Lecture, *, with_content: bool = True) -> course_pb2.Lecture:
    content = lecture.content
    message = course_pb2.Lecture(
        name=lecture_name(lecture),
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
        name=f"courses/{enrollment.course_id}/enrollments/{enrollment.user_id}",
        course=course_name(enrollment.course_id),
        user=f"users/{enrollment.user_id}",
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
        lecture=f"{chapter_name(progress.course_id, progress.chapter_id)}/lectures/{progress.lecture_id}",
        completed=progress.completed_at is not None,
        position_seconds=progress.position_s,
        complete_time=timestamp(progress.completed_at),
        course_completion_percent=progress.course_completion_percent,
        course_completed=progress.course_completed,
    )


def review_to_proto(review: Review) -> course_pb2.Review:
    return course_pb2.Review(
        name=f"courses/{review.course_id}/reviews/{review.user_id}",
        author=f"users/{review.user_id}",
        rating=review.rating,
        text=review.text,
        reply=review.reply,
        create_time=timestamp(review.created_at),
        update_time=timestamp(review.updated_at),
        reply_time=timestamp(review.replied_at),
    )


# -- events -----------------------------------------------------------------------


def event_to_proto(event: DomainEvent):
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
        case ReviewPosted():
            return events_pb2.ReviewPosted(
                course_id=event.course_id,
                user_id=event.user_id,
                rating=event.rating,
                edited=event.edited,
                post_time=timestamp(event.occurred_at),
            )
    raise TypeError(f"no proto for {type(event).__name__}")


# -- errors -----------------------------------------------------------------------


class PreconditionFailed(rpc.FailedPrecondition):
    """FAILED_PRECONDITION with a google.rpc.PreconditionFailure beside ErrorInfo."""

    def __init__(self, reason: str, message: str, violations: list[tuple[str, str, str]], **kwargs) -> None:
        super().__init__(reason, message, **kwargs)
        self.violations = violations

    def details(self) -> list[object]:
        failure = error_details_pb2.PreconditionFailure(
            violations=[
                error_details_pb2.PreconditionFailure.Violation(type=t, subject=s, description=d)
                for t, s, d in self.violations
            ]
        )
        return [*super().details(), failure]


def map_error(error: Exception) -> rpc.DomainError | None:
    """App.map_error: the kit error for this service's domain errors, None for anything else."""
    return to_rpc_error(error) if isinstance(error, domain.CourseDomainError) else None


def to_rpc_error(error: domain.CourseDomainError) -> rpc.DomainError:
    """The kit error (and so the google.rpc.Status) for a domain error."""
    match error:
        case domain.PrerequisitesNotMet():
            names = [course_name(i) for i in error.missing]
            return PreconditionFailed(
                error.reason,
                f"{error.message}: {', '.join(names)}",
                [("PREREQUISITE", n, "this course must be completed first") for n in names],
                domain=DOMAIN,
                metadata={"missing": ",".join(names)},
            )
        case domain.NotFound():
            return rpc.NotFound(error.reason, error.message, domain=DOMAIN, metadata={"name": error.name})
        case domain.Denied():
            return rpc.PermissionDenied(error.reason, error.message, domain=DOMAIN)
        case domain.Precondition():
            return rpc.FailedPrecondition(error.reason, error.message, domain=DOMAIN)
        case domain.Conflict():
            return rpc.AlreadyExists(error.reason, error.message, domain=DOMAIN)
        case domain.Unavailable():
            return rpc.Unavailable(error.reason, error.message, domain=DOMAIN)
        case domain.InvalidField():
            return rpc.InvalidArgument([rpc.FieldViolation(error.field, error.message, error.code)])
        case domain.UpdateMaskInvalid():
            return rpc.InvalidArgument(
                [
                    rpc.FieldViolation("update_mask", f"cannot update {p!r}", "UNKNOWN_FIELD")
                    for p in error.paths
                ],
                error.message,
                reason=error.reason,
                domain=DOMAIN,
            )
    raise TypeError(f"unmapped domain error {type(error).__name__}")
