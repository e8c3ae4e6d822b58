import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.options.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Channel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_UNSPECIFIED: _ClassVar[Channel]
    CHANNEL_EMAIL: _ClassVar[Channel]
    CHANNEL_PUSH: _ClassVar[Channel]
    CHANNEL_SMS: _ClassVar[Channel]
    CHANNEL_IN_APP: _ClassVar[Channel]

class Category(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CATEGORY_UNSPECIFIED: _ClassVar[Category]
    CATEGORY_ACCOUNT: _ClassVar[Category]
    CATEGORY_LEARNING: _ClassVar[Category]
    CATEGORY_MARKETING: _ClassVar[Category]
    CATEGORY_SOCIAL: _ClassVar[Category]
    CATEGORY_PAYMENTS: _ClassVar[Category]

class DeliveryStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DELIVERY_STATUS_UNSPECIFIED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_QUEUED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_SCHEDULED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_SENT: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_DEAD: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_SUPPRESSED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_CANCELLED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_DELIVERED: _ClassVar[DeliveryStatus]

class ErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_REASON_UNSPECIFIED: _ClassVar[ErrorReason]
    UNKNOWN_NOTIFICATION_TYPE: _ClassVar[ErrorReason]
    UNKNOWN_VARIABLE: _ClassVar[ErrorReason]
    TEMPLATE_SYNTAX: _ClassVar[ErrorReason]
    UNKNOWN_LOCALE: _ClassVar[ErrorReason]
    PAYLOAD_TOO_LARGE: _ClassVar[ErrorReason]
    PHONE_NUMBER_INVALID: _ClassVar[ErrorReason]
    TIME_ZONE_INVALID: _ClassVar[ErrorReason]
    TEMPLATE_NOT_FOUND: _ClassVar[ErrorReason]
    NOTIFICATION_NOT_FOUND: _ClassVar[ErrorReason]
    DELIVERY_NOT_FOUND: _ClassVar[ErrorReason]
    DELIVERY_NOT_DEAD: _ClassVar[ErrorReason]
    UNSUBSCRIBE_TOKEN_INVALID: _ClassVar[ErrorReason]
    INBOX_ITEM_NOT_FOUND: _ClassVar[ErrorReason]
    TWILIO_SIGNATURE_INVALID: _ClassVar[ErrorReason]
    ANNOUNCEMENT_AUDIENCE_DENIED: _ClassVar[ErrorReason]
    ANNOUNCEMENT_NOT_FOUND: _ClassVar[ErrorReason]
CHANNEL_UNSPECIFIED: Channel
CHANNEL_EMAIL: Channel
CHANNEL_PUSH: Channel
CHANNEL_SMS: Channel
CHANNEL_IN_APP: Channel
CATEGORY_UNSPECIFIED: Category
CATEGORY_ACCOUNT: Category
CATEGORY_LEARNING: Category
CATEGORY_MARKETING: Category
CATEGORY_SOCIAL: Category
CATEGORY_PAYMENTS: Category
DELIVERY_STATUS_UNSPECIFIED: DeliveryStatus
DELIVERY_STATUS_QUEUED: DeliveryStatus
DELIVERY_STATUS_SCHEDULED: DeliveryStatus
DELIVERY_STATUS_SENT: DeliveryStatus
DELIVERY_STATUS_DEAD: DeliveryStatus
DELIVERY_STATUS_SUPPRESSED: DeliveryStatus
DELIVERY_STATUS_CANCELLED: DeliveryStatus
DELIVERY_STATUS_DELIVERED: DeliveryStatus
ERROR_REASON_UNSPECIFIED: ErrorReason
UNKNOWN_NOTIFICATION_TYPE: ErrorReason
UNKNOWN_VARIABLE: ErrorReason
TEMPLATE_SYNTAX: ErrorReason
UNKNOWN_LOCALE: ErrorReason
PAYLOAD_TOO_LARGE: ErrorReason
PHONE_NUMBER_INVALID: ErrorReason
TIME_ZONE_INVALID: ErrorReason
TEMPLATE_NOT_FOUND: ErrorReason
NOTIFICATION_NOT_FOUND: ErrorReason
DELIVERY_NOT_FOUND: ErrorReason
DELIVERY_NOT_DEAD: ErrorReason
UNSUBSCRIBE_TOKEN_INVALID: ErrorReason
INBOX_ITEM_NOT_FOUND: ErrorReason
TWILIO_SIGNATURE_INVALID: ErrorReason
ANNOUNCEMENT_AUDIENCE_DENIED: ErrorReason
ANNOUNCEMENT_NOT_FOUND: ErrorReason

class Notification(_message.Message):
    __slots__ = ("name", "type", "recipient", "category", "idempotency_key", "deliveries", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: str
    recipient: str
    category: Category
    idempotency_key: str
    deliveries: _containers.RepeatedCompositeFieldContainer[Delivery]
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., type: _Optional[str] = ..., recipient: _Optional[str] = ..., category: _Optional[_Union[Category, str]] = ..., idempotency_key: _Optional[str] = ..., deliveries: _Optional[_Iterable[_Union[Delivery, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Delivery(_message.Message):
    __slots__ = ("name", "notification", "channel", "status", "attempts", "last_error", "suppressed_by", "due_time", "sent_time", "message_id", "recipient", "type")
    NAME_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    SUPPRESSED_BY_FIELD_NUMBER: _ClassVar[int]
    DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    SENT_TIME_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    name: str
    notification: str
    channel: Channel
    status: DeliveryStatus
    attempts: int
    last_error: str
    suppressed_by: str
    due_time: _timestamp_pb2.Timestamp
    sent_time: _timestamp_pb2.Timestamp
    message_id: str
    recipient: str
    type: str
    def __init__(self, name: _Optional[str] = ..., notification: _Optional[str] = ..., channel: _Optional[_Union[Channel, str]] = ..., status: _Optional[_Union[DeliveryStatus, str]] = ..., attempts: _Optional[int] = ..., last_error: _Optional[str] = ..., suppressed_by: _Optional[str] = ..., due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., sent_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., message_id: _Optional[str] = ..., recipient: _Optional[str] = ..., type: _Optional[str] = ...) -> None: ...

class SendRequest(_message.Message):
    __slots__ = ("type", "recipient", "variables", "idempotency_key", "channels", "send_time", "delay_seconds", "email", "phone_number", "locale")
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TYPE_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    DELAY_SECONDS_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PHONE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    type: str
    recipient: str
    variables: _containers.ScalarMap[str, str]
    idempotency_key: str
    channels: _containers.RepeatedScalarFieldContainer[Channel]
    send_time: _timestamp_pb2.Timestamp
    delay_seconds: int
    email: str
    phone_number: str
    locale: str
    def __init__(self, type: _Optional[str] = ..., recipient: _Optional[str] = ..., variables: _Optional[_Mapping[str, str]] = ..., idempotency_key: _Optional[str] = ..., channels: _Optional[_Iterable[_Union[Channel, str]]] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., delay_seconds: _Optional[int] = ..., email: _Optional[str] = ..., phone_number: _Optional[str] = ..., locale: _Optional[str] = ...) -> None: ...

class CancelScheduledNotificationRequest(_message.Message):
    __slots__ = ("idempotency_key",)
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    idempotency_key: str
    def __init__(self, idempotency_key: _Optional[str] = ...) -> None: ...

class Template(_message.Message):
    __slots__ = ("name", "subject", "text_body", "html_body", "variables", "bundled", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    TEXT_BODY_FIELD_NUMBER: _ClassVar[int]
    HTML_BODY_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    BUNDLED_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    subject: str
    text_body: str
    html_body: str
    variables: _containers.RepeatedScalarFieldContainer[str]
    bundled: bool
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., subject: _Optional[str] = ..., text_body: _Optional[str] = ..., html_body: _Optional[str] = ..., variables: _Optional[_Iterable[str]] = ..., bundled: _Optional[bool] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetTemplateRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListTemplatesRequest(_message.Message):
    __slots__ = ("type",)
    TYPE_FIELD_NUMBER: _ClassVar[int]
    type: str
    def __init__(self, type: _Optional[str] = ...) -> None: ...

class ListTemplatesResponse(_message.Message):
    __slots__ = ("templates",)
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    templates: _containers.RepeatedCompositeFieldContainer[Template]
    def __init__(self, templates: _Optional[_Iterable[_Union[Template, _Mapping]]] = ...) -> None: ...

class UpdateTemplateRequest(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: Template
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class PreviewTemplateRequest(_message.Message):
    __slots__ = ("name", "variables")
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    name: str
    variables: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., variables: _Optional[_Mapping[str, str]] = ...) -> None: ...

class RenderedMessage(_message.Message):
    __slots__ = ("subject", "text_body", "html_body", "locale")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    TEXT_BODY_FIELD_NUMBER: _ClassVar[int]
    HTML_BODY_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    subject: str
    text_body: str
    html_body: str
    locale: str
    def __init__(self, subject: _Optional[str] = ..., text_body: _Optional[str] = ..., html_body: _Optional[str] = ..., locale: _Optional[str] = ...) -> None: ...

class Preferences(_message.Message):
    __slots__ = ("name", "opt_outs", "time_zone", "quiet_start_minute", "quiet_end_minute", "marketing_unsubscribed", "locale", "social_digest")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OPT_OUTS_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    QUIET_START_MINUTE_FIELD_NUMBER: _ClassVar[int]
    QUIET_END_MINUTE_FIELD_NUMBER: _ClassVar[int]
    MARKETING_UNSUBSCRIBED_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    SOCIAL_DIGEST_FIELD_NUMBER: _ClassVar[int]
    name: str
    opt_outs: _containers.RepeatedCompositeFieldContainer[ChannelOptOut]
    time_zone: str
    quiet_start_minute: int
    quiet_end_minute: int
    marketing_unsubscribed: bool
    locale: str
    social_digest: bool
    def __init__(self, name: _Optional[str] = ..., opt_outs: _Optional[_Iterable[_Union[ChannelOptOut, _Mapping]]] = ..., time_zone: _Optional[str] = ..., quiet_start_minute: _Optional[int] = ..., quiet_end_minute: _Optional[int] = ..., marketing_unsubscribed: _Optional[bool] = ..., locale: _Optional[str] = ..., social_digest: _Optional[bool] = ...) -> None: ...

class ChannelOptOut(_message.Message):
    __slots__ = ("category", "channel")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    category: Category
    channel: Channel
    def __init__(self, category: _Optional[_Union[Category, str]] = ..., channel: _Optional[_Union[Channel, str]] = ...) -> None: ...

class GetPreferencesRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class UpdatePreferencesRequest(_message.Message):
    __slots__ = ("preferences", "update_mask")
    PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    preferences: Preferences
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, preferences: _Optional[_Union[Preferences, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class ListNotificationsRequest(_message.Message):
    __slots__ = ("parent", "type", "status", "start_time", "end_time", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    type: str
    status: DeliveryStatus
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., type: _Optional[str] = ..., status: _Optional[_Union[DeliveryStatus, str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListNotificationsResponse(_message.Message):
    __slots__ = ("notifications", "next_page_token")
    NOTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    notifications: _containers.RepeatedCompositeFieldContainer[Notification]
    next_page_token: str
    def __init__(self, notifications: _Optional[_Iterable[_Union[Notification, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class InboxItem(_message.Message):
    __slots__ = ("name", "type", "title", "body", "read", "archived", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    READ_FIELD_NUMBER: _ClassVar[int]
    ARCHIVED_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: str
    title: str
    body: str
    read: bool
    archived: bool
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., type: _Optional[str] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., read: _Optional[bool] = ..., archived: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListInboxItemsRequest(_message.Message):
    __slots__ = ("parent", "show_archived", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    SHOW_ARCHIVED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    show_archived: bool
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., show_archived: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListInboxItemsResponse(_message.Message):
    __slots__ = ("items", "next_page_token")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[InboxItem]
    next_page_token: str
    def __init__(self, items: _Optional[_Iterable[_Union[InboxItem, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetUnreadCountRequest(_message.Message):
    __slots__ = ("parent",)
    PARENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    def __init__(self, parent: _Optional[str] = ...) -> None: ...

class UnreadCount(_message.Message):
    __slots__ = ("unread",)
    UNREAD_FIELD_NUMBER: _ClassVar[int]
    unread: int
    def __init__(self, unread: _Optional[int] = ...) -> None: ...

class MarkInboxItemsReadRequest(_message.Message):
    __slots__ = ("parent", "names", "all")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    NAMES_FIELD_NUMBER: _ClassVar[int]
    ALL_FIELD_NUMBER: _ClassVar[int]
    parent: str
    names: _containers.RepeatedScalarFieldContainer[str]
    all: bool
    def __init__(self, parent: _Optional[str] = ..., names: _Optional[_Iterable[str]] = ..., all: _Optional[bool] = ...) -> None: ...

class ArchiveInboxItemRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class StreamInboxRequest(_message.Message):
    __slots__ = ("parent",)
    PARENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    def __init__(self, parent: _Optional[str] = ...) -> None: ...

class Announcement(_message.Message):
    __slots__ = ("name", "title", "message", "course", "author", "queued_count", "done", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    QUEUED_COUNT_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    title: str
    message: str
    course: str
    author: str
    queued_count: int
    done: bool
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., title: _Optional[str] = ..., message: _Optional[str] = ..., course: _Optional[str] = ..., author: _Optional[str] = ..., queued_count: _Optional[int] = ..., done: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateAnnouncementRequest(_message.Message):
    __slots__ = ("title", "message", "course", "request_id")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    title: str
    message: str
    course: str
    request_id: str
    def __init__(self, title: _Optional[str] = ..., message: _Optional[str] = ..., course: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetAnnouncementRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class RegisterDeviceRequest(_message.Message):
    __slots__ = ("parent", "token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    token: str
    def __init__(self, parent: _Optional[str] = ..., token: _Optional[str] = ...) -> None: ...

class Device(_message.Message):
    __slots__ = ("name", "token", "device_count")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    DEVICE_COUNT_FIELD_NUMBER: _ClassVar[int]
    name: str
    token: str
    device_count: int
    def __init__(self, name: _Optional[str] = ..., token: _Optional[str] = ..., device_count: _Optional[int] = ...) -> None: ...

class ListDeadLettersRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDeadLettersResponse(_message.Message):
    __slots__ = ("deliveries", "next_page_token")
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    deliveries: _containers.RepeatedCompositeFieldContainer[Delivery]
    next_page_token: str
    def __init__(self, deliveries: _Optional[_Iterable[_Union[Delivery, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RedriveDeliveryRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class HandleTwilioStatusRequest(_message.Message):
    __slots__ = ("delivery", "body")
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    delivery: str
    body: _httpbody_pb2.HttpBody
    def __init__(self, delivery: _Optional[str] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class HandleTwilioStatusResponse(_message.Message):
    __slots__ = ("handled",)
    HANDLED_FIELD_NUMBER: _ClassVar[int]
    handled: bool
    def __init__(self, handled: _Optional[bool] = ...) -> None: ...

class CheckUnsubscribeRequest(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class UnsubscribeRequest(_message.Message):
    __slots__ = ("token", "form")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    FORM_FIELD_NUMBER: _ClassVar[int]
    token: str
    form: _httpbody_pb2.HttpBody
    def __init__(self, token: _Optional[str] = ..., form: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class UnsubscribeResult(_message.Message):
    __slots__ = ("user", "category", "unsubscribed")
    USER_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    UNSUBSCRIBED_FIELD_NUMBER: _ClassVar[int]
    user: str
    category: Category
    unsubscribed: bool
    def __init__(self, user: _Optional[str] = ..., category: _Optional[_Union[Category, str]] = ..., unsubscribed: _Optional[bool] = ...) -> None: ...
