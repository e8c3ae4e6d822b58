import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.options.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Purpose(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PURPOSE_UNSPECIFIED: _ClassVar[Purpose]
    PURPOSE_AVATAR: _ClassVar[Purpose]
    PURPOSE_COURSE_THUMBNAIL: _ClassVar[Purpose]
    PURPOSE_LECTURE_VIDEO: _ClassVar[Purpose]
    PURPOSE_ATTACHMENT: _ClassVar[Purpose]
    PURPOSE_CERTIFICATE: _ClassVar[Purpose]
    PURPOSE_PROCTORING_SNAPSHOT: _ClassVar[Purpose]

class FileState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FILE_STATE_UNSPECIFIED: _ClassVar[FileState]
    FILE_STATE_PENDING_UPLOAD: _ClassVar[FileState]
    FILE_STATE_PROCESSING: _ClassVar[FileState]
    FILE_STATE_READY: _ClassVar[FileState]
    FILE_STATE_FAILED: _ClassVar[FileState]
    FILE_STATE_EXPIRED: _ClassVar[FileState]
    FILE_STATE_DELETED: _ClassVar[FileState]

class UploadMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    UPLOAD_METHOD_UNSPECIFIED: _ClassVar[UploadMethod]
    UPLOAD_METHOD_PUT: _ClassVar[UploadMethod]
    UPLOAD_METHOD_MULTIPART: _ClassVar[UploadMethod]

class ErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_REASON_UNSPECIFIED: _ClassVar[ErrorReason]
    FILE_NOT_FOUND: _ClassVar[ErrorReason]
    CONTENT_TYPE_NOT_ALLOWED: _ClassVar[ErrorReason]
    FILE_TOO_LARGE: _ClassVar[ErrorReason]
    QUOTA_EXCEEDED: _ClassVar[ErrorReason]
    CONTENT_TYPE_MISMATCH: _ClassVar[ErrorReason]
    SIZE_MISMATCH: _ClassVar[ErrorReason]
    CHECKSUM_MISMATCH: _ClassVar[ErrorReason]
    IMAGE_REFUSED: _ClassVar[ErrorReason]
    UPLOAD_MISSING: _ClassVar[ErrorReason]
    FILE_STATE_INVALID: _ClassVar[ErrorReason]
    FILE_REFERENCED: _ClassVar[ErrorReason]
    FILE_ACCESS_DENIED: _ClassVar[ErrorReason]
    VARIANT_NOT_FOUND: _ClassVar[ErrorReason]
    STORAGE_UNAVAILABLE: _ClassVar[ErrorReason]
    VIDEO_PROCESSING_FAILED: _ClassVar[ErrorReason]
    WEBHOOK_SIGNATURE_INVALID: _ClassVar[ErrorReason]
    WEBHOOK_PAYLOAD_INVALID: _ClassVar[ErrorReason]
PURPOSE_UNSPECIFIED: Purpose
PURPOSE_AVATAR: Purpose
PURPOSE_COURSE_THUMBNAIL: Purpose
PURPOSE_LECTURE_VIDEO: Purpose
PURPOSE_ATTACHMENT: Purpose
PURPOSE_CERTIFICATE: Purpose
PURPOSE_PROCTORING_SNAPSHOT: Purpose
FILE_STATE_UNSPECIFIED: FileState
FILE_STATE_PENDING_UPLOAD: FileState
FILE_STATE_PROCESSING: FileState
FILE_STATE_READY: FileState
FILE_STATE_FAILED: FileState
FILE_STATE_EXPIRED: FileState
FILE_STATE_DELETED: FileState
UPLOAD_METHOD_UNSPECIFIED: UploadMethod
UPLOAD_METHOD_PUT: UploadMethod
UPLOAD_METHOD_MULTIPART: UploadMethod
ERROR_REASON_UNSPECIFIED: ErrorReason
FILE_NOT_FOUND: ErrorReason
CONTENT_TYPE_NOT_ALLOWED: ErrorReason
FILE_TOO_LARGE: ErrorReason
QUOTA_EXCEEDED: ErrorReason
CONTENT_TYPE_MISMATCH: ErrorReason
SIZE_MISMATCH: ErrorReason
CHECKSUM_MISMATCH: ErrorReason
IMAGE_REFUSED: ErrorReason
UPLOAD_MISSING: ErrorReason
FILE_STATE_INVALID: ErrorReason
FILE_REFERENCED: ErrorReason
FILE_ACCESS_DENIED: ErrorReason
VARIANT_NOT_FOUND: ErrorReason
STORAGE_UNAVAILABLE: ErrorReason
VIDEO_PROCESSING_FAILED: ErrorReason
WEBHOOK_SIGNATURE_INVALID: ErrorReason
WEBHOOK_PAYLOAD_INVALID: ErrorReason

class File(_message.Message):
    __slots__ = ("name", "owner", "purpose", "state", "content_type", "size_bytes", "sha256", "original_name", "public", "variants", "references", "failure_reason", "create_time", "confirm_time", "expire_time", "delete_time", "duration_seconds", "mux_playback_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_NAME_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_FIELD_NUMBER: _ClassVar[int]
    VARIANTS_FIELD_NUMBER: _ClassVar[int]
    REFERENCES_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CONFIRM_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    DELETE_TIME_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MUX_PLAYBACK_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    owner: str
    purpose: Purpose
    state: FileState
    content_type: str
    size_bytes: int
    sha256: str
    original_name: str
    public: bool
    variants: _containers.RepeatedCompositeFieldContainer[Variant]
    references: _containers.RepeatedScalarFieldContainer[str]
    failure_reason: str
    create_time: _timestamp_pb2.Timestamp
    confirm_time: _timestamp_pb2.Timestamp
    expire_time: _timestamp_pb2.Timestamp
    delete_time: _timestamp_pb2.Timestamp
    duration_seconds: int
    mux_playback_id: str
    def __init__(self, name: _Optional[str] = ..., owner: _Optional[str] = ..., purpose: _Optional[_Union[Purpose, str]] = ..., state: _Optional[_Union[FileState, str]] = ..., content_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., original_name: _Optional[str] = ..., public: _Optional[bool] = ..., variants: _Optional[_Iterable[_Union[Variant, _Mapping]]] = ..., references: _Optional[_Iterable[str]] = ..., failure_reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., confirm_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., delete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., duration_seconds: _Optional[int] = ..., mux_playback_id: _Optional[str] = ...) -> None: ...

class Variant(_message.Message):
    __slots__ = ("name", "content_type", "width", "height", "size_bytes")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    name: str
    content_type: str
    width: int
    height: int
    size_bytes: int
    def __init__(self, name: _Optional[str] = ..., content_type: _Optional[str] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., size_bytes: _Optional[int] = ...) -> None: ...

class Upload(_message.Message):
    __slots__ = ("file", "method", "url", "headers", "parts", "part_size_bytes", "uploaded_parts", "url_expire_time")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    FILE_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    PART_SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    UPLOADED_PARTS_FIELD_NUMBER: _ClassVar[int]
    URL_EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    file: File
    method: UploadMethod
    url: str
    headers: _containers.ScalarMap[str, str]
    parts: _containers.RepeatedCompositeFieldContainer[UploadPart]
    part_size_bytes: int
    uploaded_parts: _containers.RepeatedScalarFieldContainer[int]
    url_expire_time: _timestamp_pb2.Timestamp
    def __init__(self, file: _Optional[_Union[File, _Mapping]] = ..., method: _Optional[_Union[UploadMethod, str]] = ..., url: _Optional[str] = ..., headers: _Optional[_Mapping[str, str]] = ..., parts: _Optional[_Iterable[_Union[UploadPart, _Mapping]]] = ..., part_size_bytes: _Optional[int] = ..., uploaded_parts: _Optional[_Iterable[int]] = ..., url_expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UploadPart(_message.Message):
    __slots__ = ("part_number", "url", "size_bytes")
    PART_NUMBER_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    part_number: int
    url: str
    size_bytes: int
    def __init__(self, part_number: _Optional[int] = ..., url: _Optional[str] = ..., size_bytes: _Optional[int] = ...) -> None: ...

class CreateUploadRequest(_message.Message):
    __slots__ = ("purpose", "content_type", "size_bytes", "sha256", "original_name", "request_id", "owner")
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    purpose: Purpose
    content_type: str
    size_bytes: int
    sha256: str
    original_name: str
    request_id: str
    owner: str
    def __init__(self, purpose: _Optional[_Union[Purpose, str]] = ..., content_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., original_name: _Optional[str] = ..., request_id: _Optional[str] = ..., owner: _Optional[str] = ...) -> None: ...

class ResumeUploadRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class AbortUploadRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ConfirmUploadRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetFileRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListFilesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "purpose")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    purpose: Purpose
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., purpose: _Optional[_Union[Purpose, str]] = ...) -> None: ...

class ListFilesResponse(_message.Message):
    __slots__ = ("files", "next_page_token")
    FILES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    files: _containers.RepeatedCompositeFieldContainer[File]
    next_page_token: str
    def __init__(self, files: _Optional[_Iterable[_Union[File, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetDownloadUrlRequest(_message.Message):
    __slots__ = ("name", "variant")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VARIANT_FIELD_NUMBER: _ClassVar[int]
    name: str
    variant: str
    def __init__(self, name: _Optional[str] = ..., variant: _Optional[str] = ...) -> None: ...

class DownloadUrl(_message.Message):
    __slots__ = ("url", "expire_time", "content_type", "size_bytes", "playback_url")
    URL_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    PLAYBACK_URL_FIELD_NUMBER: _ClassVar[int]
    url: str
    expire_time: _timestamp_pb2.Timestamp
    content_type: str
    size_bytes: int
    playback_url: str
    def __init__(self, url: _Optional[str] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., content_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., playback_url: _Optional[str] = ...) -> None: ...

class GetVideoPlaylistRequest(_message.Message):
    __slots__ = ("name", "rendition")
    NAME_FIELD_NUMBER: _ClassVar[int]
    RENDITION_FIELD_NUMBER: _ClassVar[int]
    name: str
    rendition: str
    def __init__(self, name: _Optional[str] = ..., rendition: _Optional[str] = ...) -> None: ...

class HandleMuxWebhookRequest(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class HandleMuxWebhookResponse(_message.Message):
    __slots__ = ("handled",)
    HANDLED_FIELD_NUMBER: _ClassVar[int]
    handled: bool
    def __init__(self, handled: _Optional[bool] = ...) -> None: ...

class DeleteFileRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class AddReferenceRequest(_message.Message):
    __slots__ = ("name", "referrer")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REFERRER_FIELD_NUMBER: _ClassVar[int]
    name: str
    referrer: str
    def __init__(self, name: _Optional[str] = ..., referrer: _Optional[str] = ...) -> None: ...

class RemoveReferenceRequest(_message.Message):
    __slots__ = ("name", "referrer")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REFERRER_FIELD_NUMBER: _ClassVar[int]
    name: str
    referrer: str
    def __init__(self, name: _Optional[str] = ..., referrer: _Optional[str] = ...) -> None: ...
