import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.options.v1 import options_pb2 as _options_pb2
from lms.type.v1 import money_pb2 as _money_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OrderState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_STATE_UNSPECIFIED: _ClassVar[OrderState]
    ORDER_STATE_PENDING: _ClassVar[OrderState]
    ORDER_STATE_PAID: _ClassVar[OrderState]
    ORDER_STATE_FULFILLED: _ClassVar[OrderState]
    ORDER_STATE_FAILED: _ClassVar[OrderState]
    ORDER_STATE_EXPIRED: _ClassVar[OrderState]
    ORDER_STATE_REFUNDED: _ClassVar[OrderState]

class PaymentProvider(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYMENT_PROVIDER_UNSPECIFIED: _ClassVar[PaymentProvider]
    PAYMENT_PROVIDER_STRIPE: _ClassVar[PaymentProvider]

class ErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_REASON_UNSPECIFIED: _ClassVar[ErrorReason]
    ORDER_NOT_FOUND: _ClassVar[ErrorReason]
    COURSE_NOT_FOUND: _ClassVar[ErrorReason]
    COURSE_NOT_PURCHASABLE: _ClassVar[ErrorReason]
    WEBHOOK_SIGNATURE_INVALID: _ClassVar[ErrorReason]
    UPSTREAM_UNAVAILABLE: _ClassVar[ErrorReason]
    REQUEST_ID_REUSED: _ClassVar[ErrorReason]
    PROVIDER_NOT_CONFIGURED: _ClassVar[ErrorReason]
ORDER_STATE_UNSPECIFIED: OrderState
ORDER_STATE_PENDING: OrderState
ORDER_STATE_PAID: OrderState
ORDER_STATE_FULFILLED: OrderState
ORDER_STATE_FAILED: OrderState
ORDER_STATE_EXPIRED: OrderState
ORDER_STATE_REFUNDED: OrderState
PAYMENT_PROVIDER_UNSPECIFIED: PaymentProvider
PAYMENT_PROVIDER_STRIPE: PaymentProvider
ERROR_REASON_UNSPECIFIED: ErrorReason
ORDER_NOT_FOUND: ErrorReason
COURSE_NOT_FOUND: ErrorReason
COURSE_NOT_PURCHASABLE: ErrorReason
WEBHOOK_SIGNATURE_INVALID: ErrorReason
UPSTREAM_UNAVAILABLE: ErrorReason
REQUEST_ID_REUSED: ErrorReason
PROVIDER_NOT_CONFIGURED: ErrorReason

class Order(_message.Message):
    __slots__ = ("name", "course", "user", "amount", "state", "provider", "provider_payment_id", "client_secret", "failure_reason", "create_time", "pay_time", "fulfill_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_SECRET_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    PAY_TIME_FIELD_NUMBER: _ClassVar[int]
    FULFILL_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    course: str
    user: str
    amount: _money_pb2.Money
    state: OrderState
    provider: PaymentProvider
    provider_payment_id: str
    client_secret: str
    failure_reason: str
    create_time: _timestamp_pb2.Timestamp
    pay_time: _timestamp_pb2.Timestamp
    fulfill_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., course: _Optional[str] = ..., user: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., state: _Optional[_Union[OrderState, str]] = ..., provider: _Optional[_Union[PaymentProvider, str]] = ..., provider_payment_id: _Optional[str] = ..., client_secret: _Optional[str] = ..., failure_reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., pay_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., fulfill_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateOrderRequest(_message.Message):
    __slots__ = ("course", "provider", "request_id")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    course: str
    provider: PaymentProvider
    request_id: str
    def __init__(self, course: _Optional[str] = ..., provider: _Optional[_Union[PaymentProvider, str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetOrderRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class HandleStripeWebhookRequest(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class HandleStripeWebhookResponse(_message.Message):
    __slots__ = ("handled",)
    HANDLED_FIELD_NUMBER: _ClassVar[int]
    handled: bool
    def __init__(self, handled: _Optional[bool] = ...) -> None: ...
