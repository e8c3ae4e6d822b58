"""proto <-> domain: the only module (with lms_kit.proto) where both worlds meet."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from urllib.parse import parse_qsl

from google.protobuf.message import Message

from lms.notification.v1 import events_pb2
from lms.notification.v1 import notification_pb2 as pb
from lms.type.v1 import money_pb2
from lms_kit.domain import utc_now
from lms_kit.proto import ResourceName, from_timestamp, timestamp
from lms_notification.domain.catalog import Category, Channel
from lms_notification.domain.model import (
    Announcement,
    Delivery,
    DeliveryStatus,
    InboxItem,
    Notification,
    NotificationFailed,
    NotificationSent,
)
from lms_notification.domain.preferences import Preferences
from lms_notification.domain.rendering import Rendered, Template
from lms_notification.handlers.sending import SendCommand

USER = ResourceName("users/{user}")
PREFERENCES = ResourceName("users/{user}/preferences")
INBOX_ITEM = ResourceName("users/{user}/inbox/{item}")
NOTIFICATION = ResourceName("notifications/{notification}")
DELIVERY = ResourceName("deliveries/{delivery}")
TEMPLATE = ResourceName("templates/{template}")
COURSE = ResourceName("courses/{course}")
ANNOUNCEMENT = ResourceName("announcements/{announcement}")

CHANNEL_TO_PROTO = {
    Channel.EMAIL: pb.CHANNEL_EMAIL,
    Channel.PUSH: pb.CHANNEL_PUSH,
    Channel.SMS: pb.CHANNEL_SMS,
    Channel.IN_APP: pb.CHANNEL_IN_APP,
}
CHANNEL_FROM_PROTO = {v: k for k, v in CHANNEL_TO_PROTO.items()}
CATEGORY_TO_PROTO = {
    Category.ACCOUNT: pb.CATEGORY_ACCOUNT,
    Category.LEARNING: pb.CATEGORY_LEARNING,
    Category.MARKETING: pb.CATEGORY_MARKETING,
    Category.SOCIAL: pb.CATEGORY_SOCIAL,
    Category.PAYMENTS: pb.CATEGORY_PAYMENTS,
}
CATEGORY_FROM_PROTO = {v: k for k, v in CATEGORY_TO_PROTO.items()}
STATUS_TO_PROTO = {
    DeliveryStatus.QUEUED: pb.DELIVERY_STATUS_QUEUED,
    DeliveryStatus.SCHEDULED: pb.DELIVERY_STATUS_SCHEDULED,
    DeliveryStatus.SENT: pb.DELIVERY_STATUS_SENT,
    DeliveryStatus.DEAD: pb.DELIVERY_STATUS_DEAD,
    DeliveryStatus.SUPPRESSED: pb.DELIVERY_STATUS_SUPPRESSED,
    DeliveryStatus.CANCELLED: pb.DELIVERY_STATUS_CANCELLED,
    DeliveryStatus.DELIVERED: pb.DELIVERY_STATUS_DELIVERED,
}
STATUS_FROM_PROTO = {v: k for k, v in STATUS_TO_PROTO.items()}


def send_command(request: pb.SendRequest) -> SendCommand:
    (user_id,) = USER.ids(request.recipient)
    return SendCommand(
        type=request.type,
        user_id=user_id,
        idempotency_key=request.idempotency_key,
        variables=dict(request.variables),
        channels=[CHANNEL_FROM_PROTO[c] for c in request.channels],
        send_at=_send_at(request),
        email=request.email,
        phone_number=request.phone_number,
        locale=request.locale,
    )


def _send_at(request: pb.SendRequest) -> datetime | None:
    if request.HasField("send_time"):
        return from_timestamp(request, "send_time")
    if request.delay_seconds:
        return utc_now() + timedelta(seconds=request.delay_seconds)
    return None


def delivery_to_proto(delivery: Delivery) -> pb.Delivery:
    message = pb.Delivery(
        name=DELIVERY.format(delivery=delivery.id),
        notification=NOTIFICATION.format(notification=delivery.notification_id),
        channel=CHANNEL_TO_PROTO[delivery.channel],
        status=STATUS_TO_PROTO[delivery.status],
        attempts=delivery.attempts,
        last_error=delivery.last_error,
        suppressed_by=delivery.suppressed_by,
        due_time=timestamp(delivery.due_at),
        message_id=delivery.message_id,
        recipient=USER.format(user=delivery.user_id),
        type=delivery.type,
    )
    if delivery.sent_at is not None:
        message.sent_time.CopyFrom(timestamp(delivery.sent_at))
    return message


def notification_to_proto(notification: Notification) -> pb.Notification:
    return pb.Notification(
        name=NOTIFICATION.format(notification=notification.id),
        type=notification.type,
        recipient=USER.format(user=notification.user_id),
        category=CATEGORY_TO_PROTO[notification.category],
        idempotency_key=notification.idempotency_key,
        deliveries=[delivery_to_proto(d) for d in notification.deliveries],
        create_time=timestamp(notification.created_at),
    )


def template_to_proto(template: Template, variables: frozenset[str]) -> pb.Template:
    message = pb.Template(
        name=TEMPLATE.format(template=template.key.id),
        subject=template.subject,
        text_body=template.text_body,
        html_body=template.html_body,
        variables=sorted(variables),
        bundled=template.bundled,
    )
    if template.updated_at is not None:
        message.update_time.CopyFrom(timestamp(template.updated_at))
    return message


def rendered_to_proto(rendered: Rendered) -> pb.RenderedMessage:
    return pb.RenderedMessage(
        subject=rendered.subject,
        text_body=rendered.text_body,
        html_body=rendered.html_body,
        locale=rendered.locale,
    )


def preferences_to_proto(preferences: Preferences) -> pb.Preferences:
    return pb.Preferences(
        name=PREFERENCES.format(user=preferences.user_id),
        opt_outs=[
            pb.ChannelOptOut(category=CATEGORY_TO_PROTO[c], channel=CHANNEL_TO_PROTO[ch])
            for c, ch in sorted(preferences.opt_outs)
        ],
        time_zone=preferences.time_zone,
        quiet_start_minute=preferences.quiet_start_minute,
        quiet_end_minute=preferences.quiet_end_minute,
        marketing_unsubscribed=preferences.marketing_unsubscribed,
        locale=preferences.locale,
        social_digest=preferences.social_digest,
    )


def preferences_from_proto(message: pb.Preferences) -> Preferences:
    (user_id,) = PREFERENCES.ids(message.name)
    return Preferences(
        user_id,
        {(CATEGORY_FROM_PROTO[o.category], CHANNEL_FROM_PROTO[o.channel]) for o in message.opt_outs},
        message.time_zone or "UTC",
        message.quiet_start_minute,
        message.quiet_end_minute,
        message.marketing_unsubscribed,
        message.locale,
        message.social_digest,
    )


def inbox_item_to_proto(item: InboxItem) -> pb.InboxItem:
    return pb.InboxItem(
        name=INBOX_ITEM.format(user=item.user_id, item=item.id),
        type=item.type,
        title=item.title,
        body=item.body,
        read=item.read,
        archived=item.archived,
        create_time=timestamp(item.created_at),
    )


def announcement_to_proto(announcement: Announcement) -> pb.Announcement:
    return pb.Announcement(
        name=ANNOUNCEMENT.format(announcement=announcement.id),
        title=announcement.title,
        message=announcement.message,
        course=COURSE.format(course=announcement.course_id) if announcement.course_id else "",
        author=USER.format(user=announcement.author_id),
        queued_count=announcement.queued_count,
        done=announcement.done,
        create_time=timestamp(announcement.created_at),
    )


def device_to_proto(user_id: str, token: str, count: int) -> pb.Device:
    device_id = hashlib.sha256(token.encode()).hexdigest()[:16]
    return pb.Device(name=f"users/{user_id}/devices/{device_id}", token=token, device_count=count)


def form_fields(body: bytes) -> dict[str, str]:
    """An application/x-www-form-urlencoded body as fields (the last value of a repeated one)."""
    return dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))


def money_text(money: money_pb2.Money) -> str:
    """`4900 EUR` (minor units) -> `49.00 EUR`; two decimals for every currency but the few without."""
    zero_decimal = {"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF"}
    if money.currency_code.upper() in zero_decimal:
        return f"{money.amount_minor} {money.currency_code}"
    sign = "-" if money.amount_minor < 0 else ""
    whole, cents = divmod(abs(money.amount_minor), 100)
    return f"{sign}{whole}.{cents:02d} {money.currency_code}"


def moment(message: Message, field_name: str) -> datetime | None:
    return from_timestamp(message, field_name)


def expire_text(message: Message, field_name: str = "expire_time") -> str:
    moment = from_timestamp(message, field_name)
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else ""


def event_to_proto(event: object) -> Message:
    match event:
        case NotificationSent():
            return events_pb2.NotificationSent(
                delivery_id=event.delivery_id,
                notification_id=event.notification_id,
                user_id=event.user_id,
                type=event.type,
                channel=event.channel.value,
                send_time=timestamp(event.sent_at),
            )
        case NotificationFailed():
            return events_pb2.NotificationFailed(
                delivery_id=event.delivery_id,
                notification_id=event.notification_id,
                user_id=event.user_id,
                type=event.type,
                channel=event.channel.value,
                reason=event.reason,
                fail_time=timestamp(event.failed_at),
            )
    raise TypeError(f"no proto for domain event {type(event).__name__}")
