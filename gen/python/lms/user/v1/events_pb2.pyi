import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.options.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UserRegistered(_message.Message):
    __slots__ = ("user_id", "email", "display_name", "roles", "register_time")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    REGISTER_TIME_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    email: str
    display_name: str
    roles: _containers.RepeatedScalarFieldContainer[_options_pb2.Role]
    register_time: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., email: _Optional[str] = ..., display_name: _Optional[str] = ..., roles: _Optional[_Iterable[_Union[_options_pb2.Role, str]]] = ..., register_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UserRolesChanged(_message.Message):
    __slots__ = ("user_id", "previous_roles", "roles", "changed_by_user_id", "reason", "change_time")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_ROLES_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    previous_roles: _containers.RepeatedScalarFieldContainer[_options_pb2.Role]
    roles: _containers.RepeatedScalarFieldContainer[_options_pb2.Role]
    changed_by_user_id: str
    reason: str
    change_time: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., previous_roles: _Optional[_Iterable[_Union[_options_pb2.Role, str]]] = ..., roles: _Optional[_Iterable[_Union[_options_pb2.Role, str]]] = ..., changed_by_user_id: _Optional[str] = ..., reason: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EmailVerificationRequested(_message.Message):
    __slots__ = ("user_id", "email", "display_name", "verification_url", "token", "expire_time")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_URL_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    email: str
    display_name: str
    verification_url: str
    token: str
    expire_time: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., email: _Optional[str] = ..., display_name: _Optional[str] = ..., verification_url: _Optional[str] = ..., token: _Optional[str] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EmailVerified(_message.Message):
    __slots__ = ("user_id", "email", "verify_time")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    VERIFY_TIME_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    email: str
    verify_time: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., email: _Optional[str] = ..., verify_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PasswordResetRequested(_message.Message):
    __slots__ = ("user_id", "email", "display_name", "reset_url", "token", "expire_time")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    RESET_URL_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    email: str
    display_name: str
    reset_url: str
    token: str
    expire_time: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., email: _Optional[str] = ..., display_name: _Optional[str] = ..., reset_url: _Optional[str] = ..., token: _Optional[str] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RegistrationAttemptedForExistingAccount(_message.Message):
    __slots__ = ("user_id", "email", "display_name", "reset_url", "token", "expire_time", "attempt_time")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    RESET_URL_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_TIME_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    email: str
    display_name: str
    reset_url: str
    token: str
    expire_time: _timestamp_pb2.Timestamp
    attempt_time: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., email: _Optional[str] = ..., display_name: _Optional[str] = ..., reset_url: _Optional[str] = ..., token: _Optional[str] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., attempt_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PasswordChanged(_message.Message):
    __slots__ = ("user_id", "method", "change_time")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    method: str
    change_time: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., method: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UserFollowed(_message.Message):
    __slots__ = ("follower_user_id", "followee_user_id", "follow_time")
    FOLLOWER_USER_ID_FIELD_NUMBER: _ClassVar[int]
    FOLLOWEE_USER_ID_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_TIME_FIELD_NUMBER: _ClassVar[int]
    follower_user_id: str
    followee_user_id: str
    follow_time: _timestamp_pb2.Timestamp
    def __init__(self, follower_user_id: _Optional[str] = ..., followee_user_id: _Optional[str] = ..., follow_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TwoFactorChanged(_message.Message):
    __slots__ = ("user_id", "enabled", "method", "change_time")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    enabled: bool
    method: str
    change_time: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., enabled: _Optional[bool] = ..., method: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TeacherApplicationSubmitted(_message.Message):
    __slots__ = ("application", "user_id", "headline", "submit_time")
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    HEADLINE_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    application: str
    user_id: str
    headline: str
    submit_time: _timestamp_pb2.Timestamp
    def __init__(self, application: _Optional[str] = ..., user_id: _Optional[str] = ..., headline: _Optional[str] = ..., submit_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TeacherApplicationDecided(_message.Message):
    __slots__ = ("application", "user_id", "approved", "note", "decided_by", "decide_time")
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    APPROVED_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    DECIDE_TIME_FIELD_NUMBER: _ClassVar[int]
    application: str
    user_id: str
    approved: bool
    note: str
    decided_by: str
    decide_time: _timestamp_pb2.Timestamp
    def __init__(self, application: _Optional[str] = ..., user_id: _Optional[str] = ..., approved: _Optional[bool] = ..., note: _Optional[str] = ..., decided_by: _Optional[str] = ..., decide_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UserDisabled(_message.Message):
    __slots__ = ("user_id", "disabled_by_user_id", "reason", "disable_time")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    DISABLED_BY_USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DISABLE_TIME_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    disabled_by_user_id: str
    reason: str
    disable_time: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., disabled_by_user_id: _Optional[str] = ..., reason: _Optional[str] = ..., disable_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UserEnabled(_message.Message):
    __slots__ = ("user_id", "enabled_by_user_id", "enable_time")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ENABLED_BY_USER_ID_FIELD_NUMBER: _ClassVar[int]
    ENABLE_TIME_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    enabled_by_user_id: str
    enable_time: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., enabled_by_user_id: _Optional[str] = ..., enable_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UserDeleted(_message.Message):
    __slots__ = ("user_id", "deleted_by_user_id", "delete_time")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    DELETED_BY_USER_ID_FIELD_NUMBER: _ClassVar[int]
    DELETE_TIME_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    deleted_by_user_id: str
    delete_time: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., deleted_by_user_id: _Optional[str] = ..., delete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
