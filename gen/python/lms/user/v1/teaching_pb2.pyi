import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.options.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TeacherApplicationState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TEACHER_APPLICATION_STATE_UNSPECIFIED: _ClassVar[TeacherApplicationState]
    TEACHER_APPLICATION_STATE_PENDING: _ClassVar[TeacherApplicationState]
    TEACHER_APPLICATION_STATE_APPROVED: _ClassVar[TeacherApplicationState]
    TEACHER_APPLICATION_STATE_DECLINED: _ClassVar[TeacherApplicationState]

class TeacherApplicationDecision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TEACHER_APPLICATION_DECISION_UNSPECIFIED: _ClassVar[TeacherApplicationDecision]
    TEACHER_APPLICATION_DECISION_APPROVE: _ClassVar[TeacherApplicationDecision]
    TEACHER_APPLICATION_DECISION_DECLINE: _ClassVar[TeacherApplicationDecision]
TEACHER_APPLICATION_STATE_UNSPECIFIED: TeacherApplicationState
TEACHER_APPLICATION_STATE_PENDING: TeacherApplicationState
TEACHER_APPLICATION_STATE_APPROVED: TeacherApplicationState
TEACHER_APPLICATION_STATE_DECLINED: TeacherApplicationState
TEACHER_APPLICATION_DECISION_UNSPECIFIED: TeacherApplicationDecision
TEACHER_APPLICATION_DECISION_APPROVE: TeacherApplicationDecision
TEACHER_APPLICATION_DECISION_DECLINE: TeacherApplicationDecision

class TeacherApplication(_message.Message):
    __slots__ = ("name", "applicant_display_name", "headline", "bio", "topics", "sample_url", "state", "create_time", "decide_time", "decided_by", "decision_note")
    NAME_FIELD_NUMBER: _ClassVar[int]
    APPLICANT_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    HEADLINE_FIELD_NUMBER: _ClassVar[int]
    BIO_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_URL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DECIDE_TIME_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    DECISION_NOTE_FIELD_NUMBER: _ClassVar[int]
    name: str
    applicant_display_name: str
    headline: str
    bio: str
    topics: _containers.RepeatedScalarFieldContainer[str]
    sample_url: str
    state: TeacherApplicationState
    create_time: _timestamp_pb2.Timestamp
    decide_time: _timestamp_pb2.Timestamp
    decided_by: str
    decision_note: str
    def __init__(self, name: _Optional[str] = ..., applicant_display_name: _Optional[str] = ..., headline: _Optional[str] = ..., bio: _Optional[str] = ..., topics: _Optional[_Iterable[str]] = ..., sample_url: _Optional[str] = ..., state: _Optional[_Union[TeacherApplicationState, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decide_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decided_by: _Optional[str] = ..., decision_note: _Optional[str] = ...) -> None: ...

class SubmitTeacherApplicationRequest(_message.Message):
    __slots__ = ("parent", "headline", "bio", "topics", "sample_url")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    HEADLINE_FIELD_NUMBER: _ClassVar[int]
    BIO_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_URL_FIELD_NUMBER: _ClassVar[int]
    parent: str
    headline: str
    bio: str
    topics: _containers.RepeatedScalarFieldContainer[str]
    sample_url: str
    def __init__(self, parent: _Optional[str] = ..., headline: _Optional[str] = ..., bio: _Optional[str] = ..., topics: _Optional[_Iterable[str]] = ..., sample_url: _Optional[str] = ...) -> None: ...

class GetTeacherApplicationRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListTeacherApplicationsRequest(_message.Message):
    __slots__ = ("parent", "state", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    state: TeacherApplicationState
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., state: _Optional[_Union[TeacherApplicationState, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTeacherApplicationsResponse(_message.Message):
    __slots__ = ("teacher_applications", "next_page_token")
    TEACHER_APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    teacher_applications: _containers.RepeatedCompositeFieldContainer[TeacherApplication]
    next_page_token: str
    def __init__(self, teacher_applications: _Optional[_Iterable[_Union[TeacherApplication, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DecideTeacherApplicationRequest(_message.Message):
    __slots__ = ("name", "decision", "note")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    name: str
    decision: TeacherApplicationDecision
    note: str
    def __init__(self, name: _Optional[str] = ..., decision: _Optional[_Union[TeacherApplicationDecision, str]] = ..., note: _Optional[str] = ...) -> None: ...
