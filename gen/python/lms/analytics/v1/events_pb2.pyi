from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class ClientEventsTracked(_message.Message):
    __slots__ = ("user_id", "accepted_count")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    accepted_count: int
    def __init__(self, user_id: _Optional[str] = ..., accepted_count: _Optional[int] = ...) -> None: ...
