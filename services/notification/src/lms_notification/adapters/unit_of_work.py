"""The notification service's unit of work: its repositories on one transaction; the events of
the aggregates they saw go to the outbox with the rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncSession

from lms_kit.uow import SqlUnitOfWork
from lms_notification import mappers
from lms_notification.adapters.announcements import SqlAnnouncements, SqlAudiences
from lms_notification.adapters.deliveries import SqlDeliveries, SqlNotifications
from lms_notification.adapters.stores import (
    SqlCourses,
    SqlDigests,
    SqlInbox,
    SqlPreferences,
    SqlRecipients,
    SqlTemplates,
)


class SqlNotificationUnitOfWork(SqlUnitOfWork):
    notifications: SqlNotifications
    deliveries: SqlDeliveries
    templates: SqlTemplates
    preferences: SqlPreferences
    recipients: SqlRecipients
    inbox: SqlInbox
    courses: SqlCourses
    announcements: SqlAnnouncements
    audiences: SqlAudiences
    digests: SqlDigests

    def bind(self, session: AsyncSession) -> None:
        self._after_commit: list[Callable[[], None]] = []
        self.notifications = SqlNotifications(session, self.track)
        self.deliveries = SqlDeliveries(session, self.track)
        self.templates = SqlTemplates(session, self.track)
        self.preferences = SqlPreferences(session, self.track)
        self.recipients = SqlRecipients(session, self.track)
        self.inbox = SqlInbox(session, self.track)
        self.courses = SqlCourses(session, self.track)
        self.announcements = SqlAnnouncements(session, self.track)
        self.audiences = SqlAudiences(session, self.track)
        self.digests = SqlDigests(session, self.track)

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)

    async def commit(self) -> None:
        await super().commit()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def event_message(self, event: object) -> Message:
        return mappers.event_to_proto(event)

    async def __aexit__(self, *exc_info: Any) -> None:
        self._after_commit = []
        await super().__aexit__(*exc_info)
