from google.api import annotations_pb2 as _annotations_pb2
from lms.options.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WidgetKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WIDGET_KIND_UNSPECIFIED: _ClassVar[WidgetKind]
    WIDGET_KIND_SMALL: _ClassVar[WidgetKind]
    WIDGET_KIND_LARGE: _ClassVar[WidgetKind]

class FailMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FAIL_MODE_UNSPECIFIED: _ClassVar[FailMode]
    FAIL_MODE_NOT_FOUND: _ClassVar[FailMode]
    FAIL_MODE_CRASH: _ClassVar[FailMode]
    FAIL_MODE_PRECONDITION: _ClassVar[FailMode]
WIDGET_KIND_UNSPECIFIED: WidgetKind
WIDGET_KIND_SMALL: WidgetKind
WIDGET_KIND_LARGE: WidgetKind
FAIL_MODE_UNSPECIFIED: FailMode
FAIL_MODE_NOT_FOUND: FailMode
FAIL_MODE_CRASH: FailMode
FAIL_MODE_PRECONDITION: FailMode

class EchoRequest(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class AdminEchoRequest(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class AdminEchoResponse(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class EchoResponse(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class WhoAmIRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class WhoAmIResponse(_message.Message):
    __slots__ = ("subject", "roles", "service", "on_behalf_of")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    ON_BEHALF_OF_FIELD_NUMBER: _ClassVar[int]
    subject: str
    roles: _containers.RepeatedScalarFieldContainer[_options_pb2.Role]
    service: str
    on_behalf_of: str
    def __init__(self, subject: _Optional[str] = ..., roles: _Optional[_Iterable[_Union[_options_pb2.Role, str]]] = ..., service: _Optional[str] = ..., on_behalf_of: _Optional[str] = ...) -> None: ...

class GetCallerOriginRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CallerOrigin(_message.Message):
    __slots__ = ("address", "user_agent")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    address: str
    user_agent: str
    def __init__(self, address: _Optional[str] = ..., user_agent: _Optional[str] = ...) -> None: ...

class GetNoteRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class Note(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class InternalPingRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class InternalPingResponse(_message.Message):
    __slots__ = ("caller",)
    CALLER_FIELD_NUMBER: _ClassVar[int]
    caller: str
    def __init__(self, caller: _Optional[str] = ...) -> None: ...

class CreateWidgetRequest(_message.Message):
    __slots__ = ("widget", "request_id")
    WIDGET_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    widget: Widget
    request_id: str
    def __init__(self, widget: _Optional[_Union[Widget, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class Widget(_message.Message):
    __slots__ = ("title", "contact_email", "quantity", "kind", "tags", "slug", "currency_code")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CONTACT_EMAIL_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    SLUG_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    title: str
    contact_email: str
    quantity: int
    kind: WidgetKind
    tags: _containers.RepeatedScalarFieldContainer[str]
    slug: str
    currency_code: str
    def __init__(self, title: _Optional[str] = ..., contact_email: _Optional[str] = ..., quantity: _Optional[int] = ..., kind: _Optional[_Union[WidgetKind, str]] = ..., tags: _Optional[_Iterable[str]] = ..., slug: _Optional[str] = ..., currency_code: _Optional[str] = ...) -> None: ...

class FailRequest(_message.Message):
    __slots__ = ("mode",)
    MODE_FIELD_NUMBER: _ClassVar[int]
    mode: FailMode
    def __init__(self, mode: _Optional[_Union[FailMode, str]] = ...) -> None: ...

class FailResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SleepRequest(_message.Message):
    __slots__ = ("millis",)
    MILLIS_FIELD_NUMBER: _ClassVar[int]
    millis: int
    def __init__(self, millis: _Optional[int] = ...) -> None: ...

class SleepResponse(_message.Message):
    __slots__ = ("slept_millis",)
    SLEPT_MILLIS_FIELD_NUMBER: _ClassVar[int]
    slept_millis: int
    def __init__(self, slept_millis: _Optional[int] = ...) -> None: ...

class TicksRequest(_message.Message):
    __slots__ = ("count",)
    COUNT_FIELD_NUMBER: _ClassVar[int]
    count: int
    def __init__(self, count: _Optional[int] = ...) -> None: ...

class Tick(_message.Message):
    __slots__ = ("seq",)
    SEQ_FIELD_NUMBER: _ClassVar[int]
    seq: int
    def __init__(self, seq: _Optional[int] = ...) -> None: ...

class SumRequest(_message.Message):
    __slots__ = ("value",)
    VALUE_FIELD_NUMBER: _ClassVar[int]
    value: int
    def __init__(self, value: _Optional[int] = ...) -> None: ...

class SumResponse(_message.Message):
    __slots__ = ("total", "count")
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    total: int
    count: int
    def __init__(self, total: _Optional[int] = ..., count: _Optional[int] = ...) -> None: ...

class ChatRequest(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class ChatResponse(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...
