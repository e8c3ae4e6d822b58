"""Recurring study reminders: a learner idle in a course for `inactive_for` gets a
study_reminder, again every `inactive_for` while idle, at most `max_reminders` times; any
activity starts over. Each reminder's key names its number since the last activity, and the
sweep marks it in the same transaction, so a crash or a second process never doubles one."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta

from lms_kit.domain import Clock, utc_now
from lms_notification.handlers.ports import NotificationUnitOfWork
from lms_notification.handlers.sending import SendCommand, Sending

log = logging.getLogger(__name__)


class StudyReminders:
    def __init__(
        self,
        uow: Callable[[], NotificationUnitOfWork],
        sending: Sending,
        *,
        inactive_for: timedelta = timedelta(days=3),
        max_reminders: int = 3,
        batch_size: int = 200,
        interval_s: float = 300.0,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._sending = sending
        self._inactive_for = inactive_for
        self._max_reminders = max_reminders
        self._batch_size = batch_size
        self._interval_s = interval_s
        self._clock = clock
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def sweep_once(self) -> int:
        """Remind one batch of idle learners; how many."""
        now = self._clock()
        queued = []
        async with self._uow() as uow:
            idle = await uow.audiences.idle(
                inactive_before=now - self._inactive_for,
                reminded_before=now - self._inactive_for,
                max_reminders=self._max_reminders,
                limit=self._batch_size,
            )
            for learner in idle:
                course = await uow.courses.get(learner.course_id)
                key = f"study_reminder:{learner.course_id}:{learner.user_id}:{learner.reminders_since_active + 1}"
                # A reminder number repeats after new activity: the key also names the day.
                key += f":{now.date().isoformat()}"
                notification, created = await self._sending.enqueue(
                    uow,
                    SendCommand(
                        "study_reminder",
                        learner.user_id,
                        key,
                        {
                            "course_id": learner.course_id,
                            "course_title": course.title if course else "your course",
                        },
                    ),
                )
                await uow.audiences.reminded(learner.course_id, learner.user_id, now)
                if created:
                    queued.append(notification)
            await uow.commit()
        for notification in queued:
            self._sending.after_commit(notification)
        return len(idle)

    async def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(self._loop(), name="notification-study-reminders")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                while await self.sweep_once() and not self._stop.is_set():
                    pass
            except Exception:
                log.exception("study_reminder_sweep_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._interval_s)
