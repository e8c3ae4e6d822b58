from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class PageCursor(_message.Message):
    __slots__ = ("last_key", "request_hash")
    LAST_KEY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_HASH_FIELD_NUMBER: _ClassVar[int]
    last_key: _containers.RepeatedScalarFieldContainer[str]
    request_hash: bytes
    def __init__(self, last_key: _Optional[_Iterable[str]] = ..., request_hash: _Optional[bytes] = ...) -> None: ...
