import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class NotificationSent(_message.Message):
    __slots__ = ("delivery_id", "notification_id", "user_id", "type", "channel", "send_time")
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    delivery_id: str
    notification_id: str
    user_id: str
    type: str
    channel: str
    send_time: _timestamp_pb2.Timestamp
    def __init__(self, delivery_id: _Optional[str] = ..., notification_id: _Optional[str] = ..., user_id: _Optional[str] = ..., type: _Optional[str] = ..., channel: _Optional[str] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class NotificationFailed(_message.Message):
    __slots__ = ("delivery_id", "notification_id", "user_id", "type", "channel", "reason", "fail_time")
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    FAIL_TIME_FIELD_NUMBER: _ClassVar[int]
    delivery_id: str
    notification_id: str
    user_id: str
    type: str
    channel: str
    reason: str
    fail_time: _timestamp_pb2.Timestamp
    def __init__(self, delivery_id: _Optional[str] = ..., notification_id: _Optional[str] = ..., user_id: _Optional[str] = ..., type: _Optional[str] = ..., channel: _Optional[str] = ..., reason: _Optional[str] = ..., fail_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
