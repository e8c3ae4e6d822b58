import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.options.v1 import options_pb2 as _options_pb2
from lms.type.v1 import money_pb2 as _money_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_REASON_UNSPECIFIED: _ClassVar[ErrorReason]
    COURSE_NOT_FOUND: _ClassVar[ErrorReason]
    CATEGORY_NOT_FOUND: _ClassVar[ErrorReason]
    CHAPTER_NOT_FOUND: _ClassVar[ErrorReason]
    LECTURE_NOT_FOUND: _ClassVar[ErrorReason]
    ENROLLMENT_NOT_FOUND: _ClassVar[ErrorReason]
    REVIEW_NOT_FOUND: _ClassVar[ErrorReason]
    NOT_COURSE_INSTRUCTOR: _ClassVar[ErrorReason]
    NOT_COURSE_OWNER: _ClassVar[ErrorReason]
    NOT_ENROLLED: _ClassVar[ErrorReason]
    NOT_REVIEW_AUTHOR: _ClassVar[ErrorReason]
    COURSE_HAS_NO_LECTURES: _ClassVar[ErrorReason]
    COURSE_ARCHIVED: _ClassVar[ErrorReason]
    COURSE_NOT_PUBLISHED: _ClassVar[ErrorReason]
    COURSE_NOT_FREE: _ClassVar[ErrorReason]
    PREREQUISITES_NOT_MET: _ClassVar[ErrorReason]
    PREREQUISITE_CYCLE: _ClassVar[ErrorReason]
    CATEGORY_CYCLE: _ClassVar[ErrorReason]
    CATEGORY_SLUG_TAKEN: _ClassVar[ErrorReason]
    REVIEW_ALREADY_EXISTS: _ClassVar[ErrorReason]
    UPDATE_MASK_INVALID: _ClassVar[ErrorReason]
    REQUEST_ID_REUSED: _ClassVar[ErrorReason]
    ORDER_ID_REUSED: _ClassVar[ErrorReason]
    LECTURE_NOT_VIDEO: _ClassVar[ErrorReason]
    PAYMENT_UNAVAILABLE: _ClassVar[ErrorReason]
    LECTURE_CONTENT_MISSING: _ClassVar[ErrorReason]

class CourseState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COURSE_STATE_UNSPECIFIED: _ClassVar[CourseState]
    COURSE_STATE_DRAFT: _ClassVar[CourseState]
    COURSE_STATE_PUBLISHED: _ClassVar[CourseState]
    COURSE_STATE_ARCHIVED: _ClassVar[CourseState]

class CourseLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COURSE_LEVEL_UNSPECIFIED: _ClassVar[CourseLevel]
    COURSE_LEVEL_BEGINNER: _ClassVar[CourseLevel]
    COURSE_LEVEL_INTERMEDIATE: _ClassVar[CourseLevel]
    COURSE_LEVEL_ADVANCED: _ClassVar[CourseLevel]
    COURSE_LEVEL_ALL_LEVELS: _ClassVar[CourseLevel]

class LectureKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LECTURE_KIND_UNSPECIFIED: _ClassVar[LectureKind]
    LECTURE_KIND_VIDEO: _ClassVar[LectureKind]
    LECTURE_KIND_ARTICLE: _ClassVar[LectureKind]
    LECTURE_KIND_ATTACHMENT: _ClassVar[LectureKind]
    LECTURE_KIND_QUIZ: _ClassVar[LectureKind]

class EnrollmentState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENROLLMENT_STATE_UNSPECIFIED: _ClassVar[EnrollmentState]
    ENROLLMENT_STATE_ACTIVE: _ClassVar[EnrollmentState]
    ENROLLMENT_STATE_CANCELLED: _ClassVar[EnrollmentState]
    ENROLLMENT_STATE_REVOKED: _ClassVar[EnrollmentState]

class EnrollmentSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENROLLMENT_SOURCE_UNSPECIFIED: _ClassVar[EnrollmentSource]
    ENROLLMENT_SOURCE_FREE: _ClassVar[EnrollmentSource]
    ENROLLMENT_SOURCE_PAID: _ClassVar[EnrollmentSource]
    ENROLLMENT_SOURCE_SUBSCRIPTION: _ClassVar[EnrollmentSource]

class SearchOrder(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEARCH_ORDER_UNSPECIFIED: _ClassVar[SearchOrder]
    SEARCH_ORDER_RELEVANCE: _ClassVar[SearchOrder]
    SEARCH_ORDER_NEWEST: _ClassVar[SearchOrder]
    SEARCH_ORDER_RATING: _ClassVar[SearchOrder]
    SEARCH_ORDER_POPULARITY: _ClassVar[SearchOrder]
ERROR_REASON_UNSPECIFIED: ErrorReason
COURSE_NOT_FOUND: ErrorReason
CATEGORY_NOT_FOUND: ErrorReason
CHAPTER_NOT_FOUND: ErrorReason
LECTURE_NOT_FOUND: ErrorReason
ENROLLMENT_NOT_FOUND: ErrorReason
REVIEW_NOT_FOUND: ErrorReason
NOT_COURSE_INSTRUCTOR: ErrorReason
NOT_COURSE_OWNER: ErrorReason
NOT_ENROLLED: ErrorReason
NOT_REVIEW_AUTHOR: ErrorReason
COURSE_HAS_NO_LECTURES: ErrorReason
COURSE_ARCHIVED: ErrorReason
COURSE_NOT_PUBLISHED: ErrorReason
COURSE_NOT_FREE: ErrorReason
PREREQUISITES_NOT_MET: ErrorReason
PREREQUISITE_CYCLE: ErrorReason
CATEGORY_CYCLE: ErrorReason
CATEGORY_SLUG_TAKEN: ErrorReason
REVIEW_ALREADY_EXISTS: ErrorReason
UPDATE_MASK_INVALID: ErrorReason
REQUEST_ID_REUSED: ErrorReason
ORDER_ID_REUSED: ErrorReason
LECTURE_NOT_VIDEO: ErrorReason
PAYMENT_UNAVAILABLE: ErrorReason
LECTURE_CONTENT_MISSING: ErrorReason
COURSE_STATE_UNSPECIFIED: CourseState
COURSE_STATE_DRAFT: CourseState
COURSE_STATE_PUBLISHED: CourseState
COURSE_STATE_ARCHIVED: CourseState
COURSE_LEVEL_UNSPECIFIED: CourseLevel
COURSE_LEVEL_BEGINNER: CourseLevel
COURSE_LEVEL_INTERMEDIATE: CourseLevel
COURSE_LEVEL_ADVANCED: CourseLevel
COURSE_LEVEL_ALL_LEVELS: CourseLevel
LECTURE_KIND_UNSPECIFIED: LectureKind
LECTURE_KIND_VIDEO: LectureKind
LECTURE_KIND_ARTICLE: LectureKind
LECTURE_KIND_ATTACHMENT: LectureKind
LECTURE_KIND_QUIZ: LectureKind
ENROLLMENT_STATE_UNSPECIFIED: EnrollmentState
ENROLLMENT_STATE_ACTIVE: EnrollmentState
ENROLLMENT_STATE_CANCELLED: EnrollmentState
ENROLLMENT_STATE_REVOKED: EnrollmentState
ENROLLMENT_SOURCE_UNSPECIFIED: EnrollmentSource
ENROLLMENT_SOURCE_FREE: EnrollmentSource
ENROLLMENT_SOURCE_PAID: EnrollmentSource
ENROLLMENT_SOURCE_SUBSCRIPTION: EnrollmentSource
SEARCH_ORDER_UNSPECIFIED: SearchOrder
SEARCH_ORDER_RELEVANCE: SearchOrder
SEARCH_ORDER_NEWEST: SearchOrder
SEARCH_ORDER_RATING: SearchOrder
SEARCH_ORDER_POPULARITY: SearchOrder

class Category(_message.Message):
    __slots__ = ("name", "parent", "slug", "display_name", "position", "depth")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    SLUG_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    name: str
    parent: str
    slug: str
    display_name: str
    position: int
    depth: int
    def __init__(self, name: _Optional[str] = ..., parent: _Optional[str] = ..., slug: _Optional[str] = ..., display_name: _Optional[str] = ..., position: _Optional[int] = ..., depth: _Optional[int] = ...) -> None: ...

class RatingSummary(_message.Message):
    __slots__ = ("count", "average", "histogram")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_FIELD_NUMBER: _ClassVar[int]
    HISTOGRAM_FIELD_NUMBER: _ClassVar[int]
    count: int
    average: float
    histogram: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, count: _Optional[int] = ..., average: _Optional[float] = ..., histogram: _Optional[_Iterable[int]] = ...) -> None: ...

class Course(_message.Message):
    __slots__ = ("name", "title", "subtitle", "description", "category", "level", "language", "tags", "thumbnail", "price", "state", "owner", "instructors", "prerequisites", "chapters", "lecture_count", "total_duration_seconds", "rating", "enrollment_count", "create_time", "update_time", "publish_time", "refund_window_days")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SUBTITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    THUMBNAIL_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTORS_FIELD_NUMBER: _ClassVar[int]
    PREREQUISITES_FIELD_NUMBER: _ClassVar[int]
    CHAPTERS_FIELD_NUMBER: _ClassVar[int]
    LECTURE_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    ENROLLMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    REFUND_WINDOW_DAYS_FIELD_NUMBER: _ClassVar[int]
    name: str
    title: str
    subtitle: str
    description: str
    category: str
    level: CourseLevel
    language: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    thumbnail: str
    price: _money_pb2.Money
    state: CourseState
    owner: str
    instructors: _containers.RepeatedScalarFieldContainer[str]
    prerequisites: _containers.RepeatedScalarFieldContainer[str]
    chapters: _containers.RepeatedCompositeFieldContainer[Chapter]
    lecture_count: int
    total_duration_seconds: int
    rating: RatingSummary
    enrollment_count: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    publish_time: _timestamp_pb2.Timestamp
    refund_window_days: int
    def __init__(self, name: _Optional[str] = ..., title: _Optional[str] = ..., subtitle: _Optional[str] = ..., description: _Optional[str] = ..., category: _Optional[str] = ..., level: _Optional[_Union[CourseLevel, str]] = ..., language: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., thumbnail: _Optional[str] = ..., price: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., state: _Optional[_Union[CourseState, str]] = ..., owner: _Optional[str] = ..., instructors: _Optional[_Iterable[str]] = ..., prerequisites: _Optional[_Iterable[str]] = ..., chapters: _Optional[_Iterable[_Union[Chapter, _Mapping]]] = ..., lecture_count: _Optional[int] = ..., total_duration_seconds: _Optional[int] = ..., rating: _Optional[_Union[RatingSummary, _Mapping]] = ..., enrollment_count: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., refund_window_days: _Optional[int] = ...) -> None: ...

class Chapter(_message.Message):
    __slots__ = ("name", "title", "position", "lectures")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    LECTURES_FIELD_NUMBER: _ClassVar[int]
    name: str
    title: str
    position: int
    lectures: _containers.RepeatedCompositeFieldContainer[Lecture]
    def __init__(self, name: _Optional[str] = ..., title: _Optional[str] = ..., position: _Optional[int] = ..., lectures: _Optional[_Iterable[_Union[Lecture, _Mapping]]] = ...) -> None: ...

class VideoContent(_message.Message):
    __slots__ = ("asset", "duration_seconds")
    ASSET_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    asset: str
    duration_seconds: int
    def __init__(self, asset: _Optional[str] = ..., duration_seconds: _Optional[int] = ...) -> None: ...

class ArticleContent(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: str
    def __init__(self, body: _Optional[str] = ...) -> None: ...

class AttachmentContent(_message.Message):
    __slots__ = ("file",)
    FILE_FIELD_NUMBER: _ClassVar[int]
    file: str
    def __init__(self, file: _Optional[str] = ...) -> None: ...

class QuizContent(_message.Message):
    __slots__ = ("quiz",)
    QUIZ_FIELD_NUMBER: _ClassVar[int]
    quiz: str
    def __init__(self, quiz: _Optional[str] = ...) -> None: ...

class Lecture(_message.Message):
    __slots__ = ("name", "title", "position", "kind", "free_preview", "duration_seconds", "video", "article", "attachment", "quiz")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FREE_PREVIEW_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    VIDEO_FIELD_NUMBER: _ClassVar[int]
    ARTICLE_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    QUIZ_FIELD_NUMBER: _ClassVar[int]
    name: str
    title: str
    position: int
    kind: LectureKind
    free_preview: bool
    duration_seconds: int
    video: VideoContent
    article: ArticleContent
    attachment: AttachmentContent
    quiz: QuizContent
    def __init__(self, name: _Optional[str] = ..., title: _Optional[str] = ..., position: _Optional[int] = ..., kind: _Optional[_Union[LectureKind, str]] = ..., free_preview: _Optional[bool] = ..., duration_seconds: _Optional[int] = ..., video: _Optional[_Union[VideoContent, _Mapping]] = ..., article: _Optional[_Union[ArticleContent, _Mapping]] = ..., attachment: _Optional[_Union[AttachmentContent, _Mapping]] = ..., quiz: _Optional[_Union[QuizContent, _Mapping]] = ...) -> None: ...

class LectureProgress(_message.Message):
    __slots__ = ("lecture", "completed", "position_seconds", "complete_time", "course_completion_percent", "course_completed")
    LECTURE_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_FIELD_NUMBER: _ClassVar[int]
    POSITION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    COURSE_COMPLETION_PERCENT_FIELD_NUMBER: _ClassVar[int]
    COURSE_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    lecture: str
    completed: bool
    position_seconds: int
    complete_time: _timestamp_pb2.Timestamp
    course_completion_percent: int
    course_completed: bool
    def __init__(self, lecture: _Optional[str] = ..., completed: _Optional[bool] = ..., position_seconds: _Optional[int] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., course_completion_percent: _Optional[int] = ..., course_completed: _Optional[bool] = ...) -> None: ...

class Enrollment(_message.Message):
    __slots__ = ("name", "course", "user", "state", "source", "order_id", "completed_lecture_count", "lecture_count", "completion_percent", "enroll_time", "complete_time", "course_title")
    NAME_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_LECTURE_COUNT_FIELD_NUMBER: _ClassVar[int]
    LECTURE_COUNT_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_PERCENT_FIELD_NUMBER: _ClassVar[int]
    ENROLL_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    COURSE_TITLE_FIELD_NUMBER: _ClassVar[int]
    name: str
    course: str
    user: str
    state: EnrollmentState
    source: EnrollmentSource
    order_id: str
    completed_lecture_count: int
    lecture_count: int
    completion_percent: int
    enroll_time: _timestamp_pb2.Timestamp
    complete_time: _timestamp_pb2.Timestamp
    course_title: str
    def __init__(self, name: _Optional[str] = ..., course: _Optional[str] = ..., user: _Optional[str] = ..., state: _Optional[_Union[EnrollmentState, str]] = ..., source: _Optional[_Union[EnrollmentSource, str]] = ..., order_id: _Optional[str] = ..., completed_lecture_count: _Optional[int] = ..., lecture_count: _Optional[int] = ..., completion_percent: _Optional[int] = ..., enroll_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., course_title: _Optional[str] = ...) -> None: ...

class Review(_message.Message):
    __slots__ = ("name", "author", "rating", "text", "reply", "create_time", "update_time", "reply_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    REPLY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    REPLY_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    author: str
    rating: int
    text: str
    reply: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    reply_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., author: _Optional[str] = ..., rating: _Optional[int] = ..., text: _Optional[str] = ..., reply: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reply_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SearchResult(_message.Message):
    __slots__ = ("course", "snippet", "relevance")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    SNIPPET_FIELD_NUMBER: _ClassVar[int]
    RELEVANCE_FIELD_NUMBER: _ClassVar[int]
    course: Course
    snippet: str
    relevance: float
    def __init__(self, course: _Optional[_Union[Course, _Mapping]] = ..., snippet: _Optional[str] = ..., relevance: _Optional[float] = ...) -> None: ...

class CreateCategoryRequest(_message.Message):
    __slots__ = ("category",)
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    category: Category
    def __init__(self, category: _Optional[_Union[Category, _Mapping]] = ...) -> None: ...

class ListCategoriesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListCategoriesResponse(_message.Message):
    __slots__ = ("categories",)
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    categories: _containers.RepeatedCompositeFieldContainer[Category]
    def __init__(self, categories: _Optional[_Iterable[_Union[Category, _Mapping]]] = ...) -> None: ...

class UpdateCategoryRequest(_message.Message):
    __slots__ = ("category", "update_mask")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    category: Category
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, category: _Optional[_Union[Category, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class MoveCategoryRequest(_message.Message):
    __slots__ = ("name", "parent", "position")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    name: str
    parent: str
    position: int
    def __init__(self, name: _Optional[str] = ..., parent: _Optional[str] = ..., position: _Optional[int] = ...) -> None: ...

class CreateCourseRequest(_message.Message):
    __slots__ = ("course", "request_id")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    course: Course
    request_id: str
    def __init__(self, course: _Optional[_Union[Course, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetCourseRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class UpdateCourseRequest(_message.Message):
    __slots__ = ("course", "update_mask")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    course: Course
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, course: _Optional[_Union[Course, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class PublishCourseRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ArchiveCourseRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class SuggestSearchRequest(_message.Message):
    __slots__ = ("query",)
    QUERY_FIELD_NUMBER: _ClassVar[int]
    query: str
    def __init__(self, query: _Optional[str] = ...) -> None: ...

class SuggestSearchResponse(_message.Message):
    __slots__ = ("corrected_query", "completions")
    CORRECTED_QUERY_FIELD_NUMBER: _ClassVar[int]
    COMPLETIONS_FIELD_NUMBER: _ClassVar[int]
    corrected_query: str
    completions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, corrected_query: _Optional[str] = ..., completions: _Optional[_Iterable[str]] = ...) -> None: ...

class SearchCoursesRequest(_message.Message):
    __slots__ = ("query", "category", "level", "language", "min_price", "max_price", "free_only", "min_rating", "order_by", "page_size", "page_token")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    MIN_PRICE_FIELD_NUMBER: _ClassVar[int]
    MAX_PRICE_FIELD_NUMBER: _ClassVar[int]
    FREE_ONLY_FIELD_NUMBER: _ClassVar[int]
    MIN_RATING_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    query: str
    category: str
    level: CourseLevel
    language: str
    min_price: _money_pb2.Money
    max_price: _money_pb2.Money
    free_only: bool
    min_rating: float
    order_by: SearchOrder
    page_size: int
    page_token: str
    def __init__(self, query: _Optional[str] = ..., category: _Optional[str] = ..., level: _Optional[_Union[CourseLevel, str]] = ..., language: _Optional[str] = ..., min_price: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., max_price: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., free_only: _Optional[bool] = ..., min_rating: _Optional[float] = ..., order_by: _Optional[_Union[SearchOrder, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class SearchCoursesResponse(_message.Message):
    __slots__ = ("results", "next_page_token")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[SearchResult]
    next_page_token: str
    def __init__(self, results: _Optional[_Iterable[_Union[SearchResult, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateChapterRequest(_message.Message):
    __slots__ = ("parent", "chapter", "position")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    CHAPTER_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    parent: str
    chapter: Chapter
    position: int
    def __init__(self, parent: _Optional[str] = ..., chapter: _Optional[_Union[Chapter, _Mapping]] = ..., position: _Optional[int] = ...) -> None: ...

class UpdateChapterRequest(_message.Message):
    __slots__ = ("chapter", "update_mask")
    CHAPTER_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    chapter: Chapter
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, chapter: _Optional[_Union[Chapter, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteChapterRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteChapterResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class MoveChapterRequest(_message.Message):
    __slots__ = ("name", "position")
    NAME_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    name: str
    position: int
    def __init__(self, name: _Optional[str] = ..., position: _Optional[int] = ...) -> None: ...

class CreateLectureRequest(_message.Message):
    __slots__ = ("parent", "lecture", "position")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    LECTURE_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    parent: str
    lecture: Lecture
    position: int
    def __init__(self, parent: _Optional[str] = ..., lecture: _Optional[_Union[Lecture, _Mapping]] = ..., position: _Optional[int] = ...) -> None: ...

class GetLectureRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class UpdateLectureRequest(_message.Message):
    __slots__ = ("lecture", "update_mask")
    LECTURE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    lecture: Lecture
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, lecture: _Optional[_Union[Lecture, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteLectureRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteLectureResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class MoveLectureRequest(_message.Message):
    __slots__ = ("name", "chapter", "position")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CHAPTER_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    name: str
    chapter: str
    position: int
    def __init__(self, name: _Optional[str] = ..., chapter: _Optional[str] = ..., position: _Optional[int] = ...) -> None: ...

class EnrollRequest(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: str
    def __init__(self, course: _Optional[str] = ...) -> None: ...

class EnrollPaidRequest(_message.Message):
    __slots__ = ("course", "user", "order_id")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    course: str
    user: str
    order_id: str
    def __init__(self, course: _Optional[str] = ..., user: _Optional[str] = ..., order_id: _Optional[str] = ...) -> None: ...

class UnenrollRequest(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: str
    def __init__(self, course: _Optional[str] = ...) -> None: ...

class RevokeEnrollmentRequest(_message.Message):
    __slots__ = ("order_id", "reason")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    reason: str
    def __init__(self, order_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class GetEnrollmentRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListUserEnrollmentsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListUserEnrollmentsResponse(_message.Message):
    __slots__ = ("enrollments", "next_page_token")
    ENROLLMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    enrollments: _containers.RepeatedCompositeFieldContainer[Enrollment]
    next_page_token: str
    def __init__(self, enrollments: _Optional[_Iterable[_Union[Enrollment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListCourseEnrollmentsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCourseEnrollmentsResponse(_message.Message):
    __slots__ = ("enrollments", "next_page_token")
    ENROLLMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    enrollments: _containers.RepeatedCompositeFieldContainer[Enrollment]
    next_page_token: str
    def __init__(self, enrollments: _Optional[_Iterable[_Union[Enrollment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListTeachingCoursesRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTeachingCoursesResponse(_message.Message):
    __slots__ = ("courses", "next_page_token")
    COURSES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    courses: _containers.RepeatedCompositeFieldContainer[Course]
    next_page_token: str
    def __init__(self, courses: _Optional[_Iterable[_Union[Course, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CompleteLectureRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListLectureProgressRequest(_message.Message):
    __slots__ = ("parent",)
    PARENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    def __init__(self, parent: _Optional[str] = ...) -> None: ...

class ListLectureProgressResponse(_message.Message):
    __slots__ = ("lecture_progress",)
    LECTURE_PROGRESS_FIELD_NUMBER: _ClassVar[int]
    lecture_progress: _containers.RepeatedCompositeFieldContainer[LectureProgress]
    def __init__(self, lecture_progress: _Optional[_Iterable[_Union[LectureProgress, _Mapping]]] = ...) -> None: ...

class RecordVideoPositionRequest(_message.Message):
    __slots__ = ("name", "position_seconds")
    NAME_FIELD_NUMBER: _ClassVar[int]
    POSITION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    position_seconds: int
    def __init__(self, name: _Optional[str] = ..., position_seconds: _Optional[int] = ...) -> None: ...

class CreateReviewRequest(_message.Message):
    __slots__ = ("parent", "review")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REVIEW_FIELD_NUMBER: _ClassVar[int]
    parent: str
    review: Review
    def __init__(self, parent: _Optional[str] = ..., review: _Optional[_Union[Review, _Mapping]] = ...) -> None: ...

class UpdateReviewRequest(_message.Message):
    __slots__ = ("review", "update_mask")
    REVIEW_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    review: Review
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, review: _Optional[_Union[Review, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class ReplyToReviewRequest(_message.Message):
    __slots__ = ("name", "reply")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REPLY_FIELD_NUMBER: _ClassVar[int]
    name: str
    reply: str
    def __init__(self, name: _Optional[str] = ..., reply: _Optional[str] = ...) -> None: ...

class ListReviewsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListReviewsResponse(_message.Message):
    __slots__ = ("reviews", "next_page_token")
    REVIEWS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    reviews: _containers.RepeatedCompositeFieldContainer[Review]
    next_page_token: str
    def __init__(self, reviews: _Optional[_Iterable[_Union[Review, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
