import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FileUploaded(_message.Message):
    __slots__ = ("file_id", "owner_id", "purpose", "content_type", "size_bytes", "confirm_time")
    FILE_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    CONFIRM_TIME_FIELD_NUMBER: _ClassVar[int]
    file_id: str
    owner_id: str
    purpose: str
    content_type: str
    size_bytes: int
    confirm_time: _timestamp_pb2.Timestamp
    def __init__(self, file_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., purpose: _Optional[str] = ..., content_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., confirm_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class FileReady(_message.Message):
    __slots__ = ("file_id", "owner_id", "purpose", "variants", "ready_time")
    FILE_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    VARIANTS_FIELD_NUMBER: _ClassVar[int]
    READY_TIME_FIELD_NUMBER: _ClassVar[int]
    file_id: str
    owner_id: str
    purpose: str
    variants: _containers.RepeatedScalarFieldContainer[str]
    ready_time: _timestamp_pb2.Timestamp
    def __init__(self, file_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., purpose: _Optional[str] = ..., variants: _Optional[_Iterable[str]] = ..., ready_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class FileFailed(_message.Message):
    __slots__ = ("file_id", "owner_id", "reason", "fail_time")
    FILE_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    FAIL_TIME_FIELD_NUMBER: _ClassVar[int]
    file_id: str
    owner_id: str
    reason: str
    fail_time: _timestamp_pb2.Timestamp
    def __init__(self, file_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., reason: _Optional[str] = ..., fail_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class VideoReady(_message.Message):
    __slots__ = ("file_id", "owner_id", "duration_seconds", "references", "ready_time")
    FILE_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    REFERENCES_FIELD_NUMBER: _ClassVar[int]
    READY_TIME_FIELD_NUMBER: _ClassVar[int]
    file_id: str
    owner_id: str
    duration_seconds: int
    references: _containers.RepeatedScalarFieldContainer[str]
    ready_time: _timestamp_pb2.Timestamp
    def __init__(self, file_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., duration_seconds: _Optional[int] = ..., references: _Optional[_Iterable[str]] = ..., ready_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
