import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CoursePublished(_message.Message):
    __slots__ = ("course_id", "owner_id", "title", "publish_time")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    course_id: str
    owner_id: str
    title: str
    publish_time: _timestamp_pb2.Timestamp
    def __init__(self, course_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., title: _Optional[str] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CourseChanged(_message.Message):
    __slots__ = ("course_id", "change_time")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    course_id: str
    change_time: _timestamp_pb2.Timestamp
    def __init__(self, course_id: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EnrollmentCreated(_message.Message):
    __slots__ = ("course_id", "user_id", "source", "order_id", "enroll_time")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    ENROLL_TIME_FIELD_NUMBER: _ClassVar[int]
    course_id: str
    user_id: str
    source: str
    order_id: str
    enroll_time: _timestamp_pb2.Timestamp
    def __init__(self, course_id: _Optional[str] = ..., user_id: _Optional[str] = ..., source: _Optional[str] = ..., order_id: _Optional[str] = ..., enroll_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EnrollmentEnded(_message.Message):
    __slots__ = ("course_id", "user_id", "state", "order_id", "end_time")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    course_id: str
    user_id: str
    state: str
    order_id: str
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, course_id: _Optional[str] = ..., user_id: _Optional[str] = ..., state: _Optional[str] = ..., order_id: _Optional[str] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LectureCompleted(_message.Message):
    __slots__ = ("course_id", "lecture_id", "user_id", "course_completion_percent", "complete_time")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    LECTURE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_COMPLETION_PERCENT_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    course_id: str
    lecture_id: str
    user_id: str
    course_completion_percent: int
    complete_time: _timestamp_pb2.Timestamp
    def __init__(self, course_id: _Optional[str] = ..., lecture_id: _Optional[str] = ..., user_id: _Optional[str] = ..., course_completion_percent: _Optional[int] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CourseCompleted(_message.Message):
    __slots__ = ("course_id", "user_id", "complete_time")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    course_id: str
    user_id: str
    complete_time: _timestamp_pb2.Timestamp
    def __init__(self, course_id: _Optional[str] = ..., user_id: _Optional[str] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ReviewPosted(_message.Message):
    __slots__ = ("course_id", "user_id", "rating", "edited", "post_time")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    EDITED_FIELD_NUMBER: _ClassVar[int]
    POST_TIME_FIELD_NUMBER: _ClassVar[int]
    course_id: str
    user_id: str
    rating: int
    edited: bool
    post_time: _timestamp_pb2.Timestamp
    def __init__(self, course_id: _Optional[str] = ..., user_id: _Optional[str] = ..., rating: _Optional[int] = ..., edited: _Optional[bool] = ..., post_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LectureAssetChanged(_message.Message):
    __slots__ = ("course_id", "lecture_id", "lecture", "old_asset", "new_asset", "change_time")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    LECTURE_ID_FIELD_NUMBER: _ClassVar[int]
    LECTURE_FIELD_NUMBER: _ClassVar[int]
    OLD_ASSET_FIELD_NUMBER: _ClassVar[int]
    NEW_ASSET_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    course_id: str
    lecture_id: str
    lecture: str
    old_asset: str
    new_asset: str
    change_time: _timestamp_pb2.Timestamp
    def __init__(self, course_id: _Optional[str] = ..., lecture_id: _Optional[str] = ..., lecture: _Optional[str] = ..., old_asset: _Optional[str] = ..., new_asset: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
