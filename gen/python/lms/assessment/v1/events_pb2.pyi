import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class QuizPublished(_message.Message):
    __slots__ = ("quiz_id", "course_id", "lecture_id", "title", "publish_time")
    QUIZ_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    LECTURE_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    quiz_id: str
    course_id: str
    lecture_id: str
    title: str
    publish_time: _timestamp_pb2.Timestamp
    def __init__(self, quiz_id: _Optional[str] = ..., course_id: _Optional[str] = ..., lecture_id: _Optional[str] = ..., title: _Optional[str] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AttemptSubmitted(_message.Message):
    __slots__ = ("attempt_id", "quiz_id", "course_id", "user_id", "submit_time", "late")
    ATTEMPT_ID_FIELD_NUMBER: _ClassVar[int]
    QUIZ_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    LATE_FIELD_NUMBER: _ClassVar[int]
    attempt_id: str
    quiz_id: str
    course_id: str
    user_id: str
    submit_time: _timestamp_pb2.Timestamp
    late: bool
    def __init__(self, attempt_id: _Optional[str] = ..., quiz_id: _Optional[str] = ..., course_id: _Optional[str] = ..., user_id: _Optional[str] = ..., submit_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., late: _Optional[bool] = ...) -> None: ...

class AttemptGraded(_message.Message):
    __slots__ = ("attempt_id", "quiz_id", "course_id", "lecture_id", "user_id", "score", "max_score", "passed", "grade_time", "regraded")
    ATTEMPT_ID_FIELD_NUMBER: _ClassVar[int]
    QUIZ_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    LECTURE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    MAX_SCORE_FIELD_NUMBER: _ClassVar[int]
    PASSED_FIELD_NUMBER: _ClassVar[int]
    GRADE_TIME_FIELD_NUMBER: _ClassVar[int]
    REGRADED_FIELD_NUMBER: _ClassVar[int]
    attempt_id: str
    quiz_id: str
    course_id: str
    lecture_id: str
    user_id: str
    score: float
    max_score: float
    passed: bool
    grade_time: _timestamp_pb2.Timestamp
    regraded: bool
    def __init__(self, attempt_id: _Optional[str] = ..., quiz_id: _Optional[str] = ..., course_id: _Optional[str] = ..., lecture_id: _Optional[str] = ..., user_id: _Optional[str] = ..., score: _Optional[float] = ..., max_score: _Optional[float] = ..., passed: _Optional[bool] = ..., grade_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., regraded: _Optional[bool] = ...) -> None: ...

class AttemptFlagged(_message.Message):
    __slots__ = ("attempt_id", "quiz_id", "course_id", "user_id", "reasons", "flag_time")
    ATTEMPT_ID_FIELD_NUMBER: _ClassVar[int]
    QUIZ_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    FLAG_TIME_FIELD_NUMBER: _ClassVar[int]
    attempt_id: str
    quiz_id: str
    course_id: str
    user_id: str
    reasons: _containers.RepeatedScalarFieldContainer[str]
    flag_time: _timestamp_pb2.Timestamp
    def __init__(self, attempt_id: _Optional[str] = ..., quiz_id: _Optional[str] = ..., course_id: _Optional[str] = ..., user_id: _Optional[str] = ..., reasons: _Optional[_Iterable[str]] = ..., flag_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
