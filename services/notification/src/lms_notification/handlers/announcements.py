"""Bulk announcements: a teacher to their course's learners, an administrator to a course or
everyone, fanned out in batches in the background. Each batch queues its recipients'
notifications and moves the cursor in one transaction, and each recipient's notification has
the key `announcement:{id}:{user}`, so a crash or a second fan-out process never doubles one."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable

from lms_kit.domain import Actor, Clock, utc_now
from lms_notification.domain.errors import AnnouncementAudienceDenied, AnnouncementNotFound
from lms_notification.domain.model import Announcement
from lms_notification.handlers.ports import NotificationUnitOfWork
from lms_notification.handlers.sending import SendCommand, Sending

log = logging.getLogger(__name__)


class AnnouncementHandlers:
    def __init__(
        self,
        uow: Callable[[], NotificationUnitOfWork],
        sending: Sending,
        *,
        batch_size: int = 200,
        poll_interval_s: float = 1.0,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._sending = sending
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._clock = clock
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def create(
        self, actor: Actor, title: str, message: str, course_id: str | None, request_id: str
    ) -> Announcement:
        async with self._uow() as uow:
            if not actor.is_admin:
                course = await uow.courses.get(course_id) if course_id else None
                if course is None or course.owner_id != actor.user_id:
                    raise AnnouncementAudienceDenied(f"courses/{course_id}" if course_id else "every user")
            announcement = await uow.announcements.add(
                Announcement(
                    str(uuid.uuid4()), actor.user_id, request_id, title, message, course_id, self._clock()
                )
            )
            await uow.commit()
        self._wake.set()
        return announcement

    async def get(self, actor: Actor, announcement_id: str) -> Announcement:
        async with self._uow() as uow:
            found = await uow.announcements.get(announcement_id)
        if found is None or not (actor.is_admin or found.author_id == actor.user_id):
            raise AnnouncementNotFound(f"announcements/{announcement_id}")
        return found

    async def fan_out_once(self) -> int:
        """Queue one batch of one pending announcement; how many recipients it queued."""
        async with self._uow() as uow:
            announcement = await uow.announcements.next_pending()
            if announcement is None:
                return 0
            members = await uow.audiences.members(
                announcement.course_id, announcement.cursor, self._batch_size
            )
            variables = {"title": announcement.title, "message": announcement.message}
            queued = await self._sending.enqueue_many(
                uow,
                [
                    SendCommand(
                        "announcement", user_id, f"announcement:{announcement.id}:{user_id}", variables
                    )
                    for user_id in members
                    if user_id != announcement.author_id
                ],
            )
            announcement.advance(members, self._batch_size)
            await uow.announcements.save(announcement)
            await uow.commit()
        for notification in queued:
            self._sending.after_commit(notification)
        return len(members)

    async def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._loop(), name="notification-announcement-fanout")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                if await self.fan_out_once():
                    await asyncio.sleep(0)  # let other work (RPCs, deliveries) in between batches
                    continue
            except Exception:
                log.exception("announcement_fanout_failed")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_interval_s)
