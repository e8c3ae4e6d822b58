from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class ErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_REASON_UNSPECIFIED: _ClassVar[ErrorReason]
    TOKEN_MISSING: _ClassVar[ErrorReason]
    TOKEN_EXPIRED: _ClassVar[ErrorReason]
    TOKEN_INVALID: _ClassVar[ErrorReason]
    TOKEN_WRONG_AUDIENCE: _ClassVar[ErrorReason]
    ACCESS_DENIED: _ClassVar[ErrorReason]
    INVALID_FIELDS: _ClassVar[ErrorReason]
    PAGE_TOKEN_INVALID: _ClassVar[ErrorReason]
    RATE_LIMITED: _ClassVar[ErrorReason]
    INTERNAL_ERROR: _ClassVar[ErrorReason]
    SERVICE_UNAVAILABLE: _ClassVar[ErrorReason]
    DATABASE_UNAVAILABLE: _ClassVar[ErrorReason]
    REQUEST_MALFORMED: _ClassVar[ErrorReason]
    ACCOUNT_INACTIVE: _ClassVar[ErrorReason]
    EMAIL_NOT_VERIFIED: _ClassVar[ErrorReason]
ERROR_REASON_UNSPECIFIED: ErrorReason
TOKEN_MISSING: ErrorReason
TOKEN_EXPIRED: ErrorReason
TOKEN_INVALID: ErrorReason
TOKEN_WRONG_AUDIENCE: ErrorReason
ACCESS_DENIED: ErrorReason
INVALID_FIELDS: ErrorReason
PAGE_TOKEN_INVALID: ErrorReason
RATE_LIMITED: ErrorReason
INTERNAL_ERROR: ErrorReason
SERVICE_UNAVAILABLE: ErrorReason
DATABASE_UNAVAILABLE: ErrorReason
REQUEST_MALFORMED: ErrorReason
ACCOUNT_INACTIVE: ErrorReason
EMAIL_NOT_VERIFIED: ErrorReason
