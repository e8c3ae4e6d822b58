import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
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

class ClientEventKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CLIENT_EVENT_KIND_UNSPECIFIED: _ClassVar[ClientEventKind]
    CLIENT_EVENT_KIND_PAGE_VIEWED: _ClassVar[ClientEventKind]
    CLIENT_EVENT_KIND_LECTURE_VIEWED: _ClassVar[ClientEventKind]
    CLIENT_EVENT_KIND_VIDEO_PLAYED: _ClassVar[ClientEventKind]
    CLIENT_EVENT_KIND_VIDEO_PAUSED: _ClassVar[ClientEventKind]
    CLIENT_EVENT_KIND_VIDEO_SEEKED: _ClassVar[ClientEventKind]
    CLIENT_EVENT_KIND_SEARCH_PERFORMED: _ClassVar[ClientEventKind]
CLIENT_EVENT_KIND_UNSPECIFIED: ClientEventKind
CLIENT_EVENT_KIND_PAGE_VIEWED: ClientEventKind
CLIENT_EVENT_KIND_LECTURE_VIEWED: ClientEventKind
CLIENT_EVENT_KIND_VIDEO_PLAYED: ClientEventKind
CLIENT_EVENT_KIND_VIDEO_PAUSED: ClientEventKind
CLIENT_EVENT_KIND_VIDEO_SEEKED: ClientEventKind
CLIENT_EVENT_KIND_SEARCH_PERFORMED: ClientEventKind

class ClientEvent(_message.Message):
    __slots__ = ("event_id", "kind", "object_id", "course_id", "occur_time", "position_s", "seek_from_s", "query")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    POSITION_S_FIELD_NUMBER: _ClassVar[int]
    SEEK_FROM_S_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    kind: ClientEventKind
    object_id: str
    course_id: str
    occur_time: _timestamp_pb2.Timestamp
    position_s: float
    seek_from_s: float
    query: str
    def __init__(self, event_id: _Optional[str] = ..., kind: _Optional[_Union[ClientEventKind, str]] = ..., object_id: _Optional[str] = ..., course_id: _Optional[str] = ..., occur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., position_s: _Optional[float] = ..., seek_from_s: _Optional[float] = ..., query: _Optional[str] = ...) -> None: ...

class TrackEventsRequest(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[ClientEvent]
    def __init__(self, events: _Optional[_Iterable[_Union[ClientEvent, _Mapping]]] = ...) -> None: ...

class TrackEventsResponse(_message.Message):
    __slots__ = ("accepted_count", "duplicate_count")
    ACCEPTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_COUNT_FIELD_NUMBER: _ClassVar[int]
    accepted_count: int
    duplicate_count: int
    def __init__(self, accepted_count: _Optional[int] = ..., duplicate_count: _Optional[int] = ...) -> None: ...

class GetCourseDashboardRequest(_message.Message):
    __slots__ = ("name", "days")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    name: str
    days: int
    def __init__(self, name: _Optional[str] = ..., days: _Optional[int] = ...) -> None: ...

class ExportCourseDashboardRequest(_message.Message):
    __slots__ = ("name", "days")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    name: str
    days: int
    def __init__(self, name: _Optional[str] = ..., days: _Optional[int] = ...) -> None: ...

class DailyCourseRow(_message.Message):
    __slots__ = ("day", "enrollment_count", "completion_count", "active_learner_count")
    DAY_FIELD_NUMBER: _ClassVar[int]
    ENROLLMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_COUNT_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_LEARNER_COUNT_FIELD_NUMBER: _ClassVar[int]
    day: str
    enrollment_count: int
    completion_count: int
    active_learner_count: int
    def __init__(self, day: _Optional[str] = ..., enrollment_count: _Optional[int] = ..., completion_count: _Optional[int] = ..., active_learner_count: _Optional[int] = ...) -> None: ...

class DailyRevenue(_message.Message):
    __slots__ = ("day", "gross", "refunded", "net", "order_count")
    DAY_FIELD_NUMBER: _ClassVar[int]
    GROSS_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_FIELD_NUMBER: _ClassVar[int]
    NET_FIELD_NUMBER: _ClassVar[int]
    ORDER_COUNT_FIELD_NUMBER: _ClassVar[int]
    day: str
    gross: _money_pb2.Money
    refunded: _money_pb2.Money
    net: _money_pb2.Money
    order_count: int
    def __init__(self, day: _Optional[str] = ..., gross: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., refunded: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., net: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., order_count: _Optional[int] = ...) -> None: ...

class QuizSummary(_message.Message):
    __slots__ = ("attempt_count", "passed_count", "mean_score_share")
    ATTEMPT_COUNT_FIELD_NUMBER: _ClassVar[int]
    PASSED_COUNT_FIELD_NUMBER: _ClassVar[int]
    MEAN_SCORE_SHARE_FIELD_NUMBER: _ClassVar[int]
    attempt_count: int
    passed_count: int
    mean_score_share: float
    def __init__(self, attempt_count: _Optional[int] = ..., passed_count: _Optional[int] = ..., mean_score_share: _Optional[float] = ...) -> None: ...

class CourseDashboard(_message.Message):
    __slots__ = ("name", "enrollment_count", "completion_count", "completion_rate", "days", "revenue", "quizzes")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ENROLLMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_COUNT_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_RATE_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    REVENUE_FIELD_NUMBER: _ClassVar[int]
    QUIZZES_FIELD_NUMBER: _ClassVar[int]
    name: str
    enrollment_count: int
    completion_count: int
    completion_rate: float
    days: _containers.RepeatedCompositeFieldContainer[DailyCourseRow]
    revenue: _containers.RepeatedCompositeFieldContainer[DailyRevenue]
    quizzes: QuizSummary
    def __init__(self, name: _Optional[str] = ..., enrollment_count: _Optional[int] = ..., completion_count: _Optional[int] = ..., completion_rate: _Optional[float] = ..., days: _Optional[_Iterable[_Union[DailyCourseRow, _Mapping]]] = ..., revenue: _Optional[_Iterable[_Union[DailyRevenue, _Mapping]]] = ..., quizzes: _Optional[_Union[QuizSummary, _Mapping]] = ...) -> None: ...

class GetPlatformOverviewRequest(_message.Message):
    __slots__ = ("days",)
    DAYS_FIELD_NUMBER: _ClassVar[int]
    days: int
    def __init__(self, days: _Optional[int] = ...) -> None: ...

class DailyActiveUsers(_message.Message):
    __slots__ = ("day", "active_user_count")
    DAY_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_USER_COUNT_FIELD_NUMBER: _ClassVar[int]
    day: str
    active_user_count: int
    def __init__(self, day: _Optional[str] = ..., active_user_count: _Optional[int] = ...) -> None: ...

class CourseRanking(_message.Message):
    __slots__ = ("course_id", "enrollment_count")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    ENROLLMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    course_id: str
    enrollment_count: int
    def __init__(self, course_id: _Optional[str] = ..., enrollment_count: _Optional[int] = ...) -> None: ...

class PlatformOverview(_message.Message):
    __slots__ = ("active_users", "revenue", "top_courses")
    ACTIVE_USERS_FIELD_NUMBER: _ClassVar[int]
    REVENUE_FIELD_NUMBER: _ClassVar[int]
    TOP_COURSES_FIELD_NUMBER: _ClassVar[int]
    active_users: _containers.RepeatedCompositeFieldContainer[DailyActiveUsers]
    revenue: _containers.RepeatedCompositeFieldContainer[DailyRevenue]
    top_courses: _containers.RepeatedCompositeFieldContainer[CourseRanking]
    def __init__(self, active_users: _Optional[_Iterable[_Union[DailyActiveUsers, _Mapping]]] = ..., revenue: _Optional[_Iterable[_Union[DailyRevenue, _Mapping]]] = ..., top_courses: _Optional[_Iterable[_Union[CourseRanking, _Mapping]]] = ...) -> None: ...

class GetLearnerActivityRequest(_message.Message):
    __slots__ = ("name", "page_size")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    name: str
    page_size: int
    def __init__(self, name: _Optional[str] = ..., page_size: _Optional[int] = ...) -> None: ...

class Statement(_message.Message):
    __slots__ = ("event_id", "verb", "object_type", "object_id", "course_id", "result_json", "occur_time")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    VERB_FIELD_NUMBER: _ClassVar[int]
    OBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_JSON_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    verb: str
    object_type: str
    object_id: str
    course_id: str
    result_json: str
    occur_time: _timestamp_pb2.Timestamp
    def __init__(self, event_id: _Optional[str] = ..., verb: _Optional[str] = ..., object_type: _Optional[str] = ..., object_id: _Optional[str] = ..., course_id: _Optional[str] = ..., result_json: _Optional[str] = ..., occur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class VerbCount(_message.Message):
    __slots__ = ("verb", "count")
    VERB_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    verb: str
    count: int
    def __init__(self, verb: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class LearnerActivity(_message.Message):
    __slots__ = ("name", "statements", "verb_counts")
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATEMENTS_FIELD_NUMBER: _ClassVar[int]
    VERB_COUNTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    statements: _containers.RepeatedCompositeFieldContainer[Statement]
    verb_counts: _containers.RepeatedCompositeFieldContainer[VerbCount]
    def __init__(self, name: _Optional[str] = ..., statements: _Optional[_Iterable[_Union[Statement, _Mapping]]] = ..., verb_counts: _Optional[_Iterable[_Union[VerbCount, _Mapping]]] = ...) -> None: ...
