"""Notifications, their per-channel deliveries, inbox items and what is known of recipients."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from lms_kit.domain import Aggregate
from lms_notification.domain.catalog import Category, Channel


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    SCHEDULED = "scheduled"
    SENT = "sent"
    DEAD = "dead"
    SUPPRESSED = "suppressed"
    CANCELLED = "cancelled"
    DELIVERED = "delivered"


PENDING = (DeliveryStatus.QUEUED, DeliveryStatus.SCHEDULED)


@dataclass(frozen=True, slots=True)
class NotificationSent:
    delivery_id: str
    notification_id: str
    user_id: str
    type: str
    channel: Channel
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class NotificationFailed:
    delivery_id: str
    notification_id: str
    user_id: str
    type: str
    channel: Channel
    reason: str
    failed_at: datetime


@dataclass(frozen=True, slots=True)
class Content:
    """A delivery's rendered message, fixed when it is queued (retries send the same bytes)."""

    subject: str
    text_body: str
    html_body: str = ""
    unsubscribe_url: str = ""


@dataclass
class Delivery(Aggregate):
    id: str
    notification_id: str
    user_id: str
    type: str
    channel: Channel
    status: DeliveryStatus
    address: str
    content: Content
    due_at: datetime
    created_at: datetime
    critical: bool = False
    attempts: int = 0
    last_error: str = ""
    suppressed_by: str = ""
    message_id: str = ""
    sent_at: datetime | None = None

    def mark_sent(self, now: datetime) -> None:
        self.status, self.sent_at, self.last_error = DeliveryStatus.SENT, now, ""
        self.raise_event(
            NotificationSent(self.id, self.notification_id, self.user_id, self.type, self.channel, now)
        )

    def fail(self, error: str, now: datetime, *, permanent: bool, retry: RetryPolicy) -> None:
        """After attempt `attempts` failed: retry later, or dead-letter it."""
        self.last_error = error[:1000]
        if permanent or self.attempts >= retry.max_attempts:
            self.status = DeliveryStatus.DEAD
            self.raise_event(
                NotificationFailed(
                    self.id, self.notification_id, self.user_id, self.type, self.channel, self.last_error, now
                )
            )
            return
        self.status = DeliveryStatus.QUEUED
        self.due_at = now + retry.delay(self.attempts)

    def provider_reported(self, status: str, error_code: str, now: datetime) -> bool:
        """A provider's later word on a sent message (SMS status callbacks); whether it changed anything."""
        if status == "delivered" and self.status is DeliveryStatus.SENT:
            self.status = DeliveryStatus.DELIVERED
            return True
        if status in ("failed", "undelivered") and self.status in (
            DeliveryStatus.SENT,
            DeliveryStatus.DELIVERED,
        ):
            self.status = DeliveryStatus.DEAD
            self.last_error = f"provider reported {status} (error {error_code or 'none'})"
            self.raise_event(
                NotificationFailed(
                    self.id, self.notification_id, self.user_id, self.type, self.channel, self.last_error, now
                )
            )
            return True
        return False

    def redrive(self, now: datetime) -> None:
        self.status, self.attempts, self.due_at = DeliveryStatus.QUEUED, 0, now

    def cancel(self) -> bool:
        if self.status not in PENDING:
            return False
        self.status = DeliveryStatus.CANCELLED
        return True


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 6
    base_s: float = 2.0
    cap_s: float = 900.0

    def delay(self, attempt: int, rng: random.Random | None = None) -> timedelta:
        """Exponential back-off with jitter: half fixed, half random, so retries spread out."""
        ceiling = min(self.cap_s, self.base_s * 2 ** max(attempt - 1, 0))
        pick = (rng or random).uniform(0, ceiling / 2)
        return timedelta(seconds=ceiling / 2 + pick)


@dataclass
class Notification(Aggregate):
    id: str
    idempotency_key: str
    type: str
    category: Category
    user_id: str
    created_at: datetime
    deliveries: list[Delivery] = field(default_factory=list)


@dataclass
class InboxItem:
    id: str
    user_id: str
    notification_id: str
    type: str
    title: str
    body: str
    created_at: datetime
    read: bool = False
    archived: bool = False


@dataclass
class Recipient:
    """What the service knows of a user, learnt from the user service's events and Send."""

    user_id: str
    email: str = ""
    display_name: str = ""
    phone_number: str = ""
    device_tokens: list[str] = field(default_factory=list)

    def address(self, channel: Channel) -> str:
        match channel:
            case Channel.EMAIL:
                return self.email
            case Channel.SMS:
                return self.phone_number
            case Channel.PUSH:
                return ",".join(self.device_tokens)
        return self.user_id


@dataclass
class Announcement:
    """One message to many: the learners of a course, or every user. Fanned out in batches;
    `cursor` is the last recipient queued (recipients go in user id order)."""

    id: str
    author_id: str
    request_id: str
    title: str
    message: str
    course_id: str | None
    created_at: datetime
    cursor: str = ""
    queued_count: int = 0
    done: bool = False

    def advance(self, recipients: list[str], batch_size: int) -> None:
        if recipients:
            self.cursor = recipients[-1]
            self.queued_count += len(recipients)
        self.done = len(recipients) < batch_size
