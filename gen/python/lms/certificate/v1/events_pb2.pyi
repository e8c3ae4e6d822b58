import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CertificateIssued(_message.Message):
    __slots__ = ("certificate_id", "user_id", "course_id", "learner_name", "course_title", "supersedes_id", "verification_url", "issue_time")
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    LEARNER_NAME_FIELD_NUMBER: _ClassVar[int]
    COURSE_TITLE_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDES_ID_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_URL_FIELD_NUMBER: _ClassVar[int]
    ISSUE_TIME_FIELD_NUMBER: _ClassVar[int]
    certificate_id: str
    user_id: str
    course_id: str
    learner_name: str
    course_title: str
    supersedes_id: str
    verification_url: str
    issue_time: _timestamp_pb2.Timestamp
    def __init__(self, certificate_id: _Optional[str] = ..., user_id: _Optional[str] = ..., course_id: _Optional[str] = ..., learner_name: _Optional[str] = ..., course_title: _Optional[str] = ..., supersedes_id: _Optional[str] = ..., verification_url: _Optional[str] = ..., issue_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CertificateRevoked(_message.Message):
    __slots__ = ("certificate_id", "user_id", "course_id", "reason", "revoke_time")
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REVOKE_TIME_FIELD_NUMBER: _ClassVar[int]
    certificate_id: str
    user_id: str
    course_id: str
    reason: str
    revoke_time: _timestamp_pb2.Timestamp
    def __init__(self, certificate_id: _Optional[str] = ..., user_id: _Optional[str] = ..., course_id: _Optional[str] = ..., reason: _Optional[str] = ..., revoke_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CertificateSuperseded(_message.Message):
    __slots__ = ("certificate_id", "user_id", "course_id", "superseded_by_id", "supersede_time")
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDED_BY_ID_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDE_TIME_FIELD_NUMBER: _ClassVar[int]
    certificate_id: str
    user_id: str
    course_id: str
    superseded_by_id: str
    supersede_time: _timestamp_pb2.Timestamp
    def __init__(self, certificate_id: _Optional[str] = ..., user_id: _Optional[str] = ..., course_id: _Optional[str] = ..., superseded_by_id: _Optional[str] = ..., supersede_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
