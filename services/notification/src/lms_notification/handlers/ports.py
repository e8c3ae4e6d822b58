"""What the use cases need from storage and providers, as Protocols (adapters/ implements them,
tests/unit/fakes.py in memory)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from lms_kit.domain import UnitOfWork
from lms_notification.domain.catalog import Channel
from lms_notification.domain.model import (
    Announcement,
    Delivery,
    DeliveryStatus,
    InboxItem,
    Notification,
    Recipient,
)
from lms_notification.domain.preferences import Preferences
from lms_notification.domain.rendering import Template, TemplateKey

# Keyset paging: the (created_at, id) of the last row of the previous page.
After = tuple[datetime, str] | None


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    user_id: str | None  # None: every user (administrators)
    type: str = ""
    status: DeliveryStatus | None = None
    start: datetime | None = None
    end: datetime | None = None


class Notifications(Protocol):
    async def add(self, notification: Notification) -> bool:
        """Insert the notification row; False (nothing written) when its key was used before."""
        ...

    async def add_many(self, notifications: Sequence[Notification]) -> set[str]:
        """One multi-row insert; the ids of those inserted (a key used before writes nothing)."""
        ...

    async def by_key(self, idempotency_key: str) -> Notification | None: ...

    async def history(self, where: HistoryFilter, after: After, limit: int) -> list[Notification]:
        """Newest first, each with its deliveries."""
        ...


class Deliveries(Protocol):
    async def add_all(self, deliveries: Sequence[Delivery]) -> None: ...

    async def get(self, delivery_id: str) -> Delivery | None: ...

    async def save(self, delivery: Delivery) -> None: ...

    async def claim(
        self,
        channels: Sequence[Channel],
        now: datetime,
        lease_until: datetime,
        lease: str,
        limit: int,
        *,
        critical_only: bool = False,
    ) -> list[Delivery]:
        """Lease up to `limit` due deliveries no live lease holds (critical ones first, or only
        those), counting an attempt on each."""
        ...

    async def finish(self, delivery: Delivery, lease: str) -> bool:
        """Write the outcome and drop the lease; False when the lease was lost (another worker has it)."""
        ...

    async def cancel(self, delivery_id: str, now: datetime) -> bool:
        """Cancel a pending delivery no worker holds right now; False if too late."""
        ...

    async def dead(self, after: After, limit: int) -> list[Delivery]: ...

    async def next_due(self, channels: Sequence[Channel]) -> datetime | None:
        """The earliest due time of pending deliveries on `channels`."""
        ...


class Templates(Protocol):
    async def get(self, key: TemplateKey) -> Template | None: ...

    async def save(self, template: Template) -> Template: ...

    async def of_type(self, type_name: str) -> list[Template]: ...


class PreferencesStore(Protocol):
    async def get(self, user_id: str) -> Preferences | None: ...

    async def get_many(self, user_ids: Sequence[str]) -> dict[str, Preferences]:
        """The saved preferences of these users (one query); users without any are left out."""
        ...

    async def save(self, preferences: Preferences) -> None: ...


class Recipients(Protocol):
    async def get(self, user_id: str) -> Recipient | None: ...

    async def get_many(self, user_ids: Sequence[str]) -> dict[str, Recipient]:
        """What is known of these users (one query); unknown users are left out."""
        ...

    async def save(self, recipient: Recipient) -> None: ...


class Inbox(Protocol):
    async def add(self, item: InboxItem) -> None: ...

    async def add_many(self, items: Sequence[InboxItem]) -> None:
        """One multi-row insert; an item of a notification that has one already is skipped."""
        ...

    async def get(self, user_id: str, item_id: str) -> InboxItem | None: ...

    async def save(self, item: InboxItem) -> None: ...

    async def page(
        self, user_id: str, *, show_archived: bool, after: After, limit: int
    ) -> list[InboxItem]: ...

    async def newer(self, user_id: str, after: After, limit: int) -> list[InboxItem]:
        """Items after `after`, oldest first (the live stream)."""
        ...

    async def latest(self, user_id: str) -> After: ...

    async def unread(self, user_id: str) -> int: ...

    async def mark_read(self, user_id: str, item_ids: Sequence[str] | None) -> None:
        """Mark these (None: all) read."""
        ...


@dataclass(frozen=True, slots=True)
class CourseInfo:
    course_id: str
    owner_id: str
    title: str


class Courses(Protocol):
    """Course titles and owners, learnt from the course service's events."""

    async def get(self, course_id: str) -> CourseInfo | None: ...

    async def save(self, course: CourseInfo) -> None: ...


class NotificationUnitOfWork(UnitOfWork, Protocol):
    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once this unit of work has committed (never if it rolls back)."""
        ...

    @property
    def notifications(self) -> Notifications: ...

    @property
    def deliveries(self) -> Deliveries: ...

    @property
    def templates(self) -> Templates: ...

    @property
    def preferences(self) -> PreferencesStore: ...

    @property
    def recipients(self) -> Recipients: ...

    @property
    def inbox(self) -> Inbox: ...

    @property
    def courses(self) -> Courses: ...

    @property
    def announcements(self) -> Announcements: ...

    @property
    def audiences(self) -> Audiences: ...

    @property
    def digests(self) -> Digests: ...


class ChannelSender(Protocol):
    """A provider of one channel. `send` returns when the provider accepted the message, with
    the addresses (device tokens) it said are gone, or raises SendFailed (permanent or not)."""

    async def send(self, delivery: Delivery) -> Sequence[str]: ...


class Announcements(Protocol):
    async def add(self, announcement: Announcement) -> Announcement:
        """Insert; with the author's request id used before, the announcement made then."""
        ...

    async def get(self, announcement_id: str) -> Announcement | None: ...

    async def next_pending(self) -> Announcement | None:
        """The oldest unfinished announcement no other fan-out holds (locked until commit)."""
        ...

    async def save(self, announcement: Announcement) -> None: ...


@dataclass(frozen=True, slots=True)
class IdleLearner:
    course_id: str
    user_id: str
    reminders_since_active: int


class Audiences(Protocol):
    async def add_learner(self, course_id: str, user_id: str) -> None: ...

    async def active(self, course_id: str, user_id: str, at: datetime) -> None:
        """The learner did something in the course at `at` (reminders start over)."""
        ...

    async def idle(
        self, *, inactive_before: datetime, reminded_before: datetime, max_reminders: int, limit: int
    ) -> list[IdleLearner]:
        """Learners idle since before `inactive_before`, not reminded since `reminded_before`,
        with fewer than `max_reminders` reminders since their last activity (locked until commit)."""
        ...

    async def reminded(self, course_id: str, user_id: str, at: datetime) -> None: ...

    async def remove_learner(self, course_id: str, user_id: str) -> None: ...

    async def members(self, course_id: str | None, after: str, limit: int) -> list[str]:
        """User ids after `after`, in order: the course's learners, or (None) every known user."""
        ...


class Digests(Protocol):
    async def hold(self, user_id: str, notification_id: str, line: str, at: datetime) -> None:
        """Keep one line for the user's next digest (once per notification)."""
        ...

    async def due(self, held_before: datetime, limit: int) -> list[str]:
        """Users whose oldest held line is older than `held_before`."""
        ...

    async def take(self, user_id: str) -> list[tuple[str, str, datetime]]:
        """Every held line of the user, oldest first, marked digested: (notification id, line, time)."""
        ...
