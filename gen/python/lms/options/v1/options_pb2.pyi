from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Role(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROLE_UNSPECIFIED: _ClassVar[Role]
    ROLE_STUDENT: _ClassVar[Role]
    ROLE_TEACHER: _ClassVar[Role]
    ROLE_ADMIN: _ClassVar[Role]
ROLE_UNSPECIFIED: Role
ROLE_STUDENT: Role
ROLE_TEACHER: Role
ROLE_ADMIN: Role
ACCESS_FIELD_NUMBER: _ClassVar[int]
access: _descriptor.FieldDescriptor
RATE_LIMIT_FIELD_NUMBER: _ClassVar[int]
rate_limit: _descriptor.FieldDescriptor
FIELD_FIELD_NUMBER: _ClassVar[int]
field: _descriptor.FieldDescriptor
EDGE_CACHE_FIELD_NUMBER: _ClassVar[int]
edge_cache: _descriptor.FieldDescriptor

class AccessPolicy(_message.Message):
    __slots__ = ("anonymous", "authenticated", "roles", "owner_field", "services")
    ANONYMOUS_FIELD_NUMBER: _ClassVar[int]
    AUTHENTICATED_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_FIELD_NUMBER: _ClassVar[int]
    SERVICES_FIELD_NUMBER: _ClassVar[int]
    anonymous: bool
    authenticated: bool
    roles: _containers.RepeatedScalarFieldContainer[Role]
    owner_field: str
    services: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, anonymous: _Optional[bool] = ..., authenticated: _Optional[bool] = ..., roles: _Optional[_Iterable[_Union[Role, str]]] = ..., owner_field: _Optional[str] = ..., services: _Optional[_Iterable[str]] = ...) -> None: ...

class FieldRules(_message.Message):
    __slots__ = ("required", "min_len", "max_len", "pattern", "email", "uuid", "min", "max", "has_min", "has_max", "defined_only", "min_items", "max_items", "currency_code", "ignore_empty")
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    MIN_LEN_FIELD_NUMBER: _ClassVar[int]
    MAX_LEN_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    UUID_FIELD_NUMBER: _ClassVar[int]
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    HAS_MIN_FIELD_NUMBER: _ClassVar[int]
    HAS_MAX_FIELD_NUMBER: _ClassVar[int]
    DEFINED_ONLY_FIELD_NUMBER: _ClassVar[int]
    MIN_ITEMS_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    IGNORE_EMPTY_FIELD_NUMBER: _ClassVar[int]
    required: bool
    min_len: int
    max_len: int
    pattern: str
    email: bool
    uuid: bool
    min: int
    max: int
    has_min: bool
    has_max: bool
    defined_only: bool
    min_items: int
    max_items: int
    currency_code: bool
    ignore_empty: bool
    def __init__(self, required: _Optional[bool] = ..., min_len: _Optional[int] = ..., max_len: _Optional[int] = ..., pattern: _Optional[str] = ..., email: _Optional[bool] = ..., uuid: _Optional[bool] = ..., min: _Optional[int] = ..., max: _Optional[int] = ..., has_min: _Optional[bool] = ..., has_max: _Optional[bool] = ..., defined_only: _Optional[bool] = ..., min_items: _Optional[int] = ..., max_items: _Optional[int] = ..., currency_code: _Optional[bool] = ..., ignore_empty: _Optional[bool] = ...) -> None: ...

class RateLimit(_message.Message):
    __slots__ = ("per_user_per_minute",)
    PER_USER_PER_MINUTE_FIELD_NUMBER: _ClassVar[int]
    per_user_per_minute: int
    def __init__(self, per_user_per_minute: _Optional[int] = ...) -> None: ...
