"""Social digests: for users who chose one, new-follower and new-review email waits (held
lines) and goes out as one `social_digest` mail once the oldest line is a window old. The
lines are taken and the digest queued in one transaction, keyed by its first line's
notification, so a crash or a second process never sends a line twice or drops one."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta

from lms_kit.domain import Clock, utc_now
from lms_notification.domain.catalog import Channel
from lms_notification.handlers.ports import NotificationUnitOfWork
from lms_notification.handlers.sending import SendCommand, Sending

log = logging.getLogger(__name__)


class SocialDigests:
    def __init__(
        self,
        uow: Callable[[], NotificationUnitOfWork],
        sending: Sending,
        *,
        window: timedelta = timedelta(days=1),
        batch_size: int = 100,
        interval_s: float = 300.0,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._sending = sending
        self._window = window
        self._batch_size = batch_size
        self._interval_s = interval_s
        self._clock = clock
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def sweep_once(self) -> int:
        """Send the digests that are due (one batch of users); how many."""
        queued = []
        async with self._uow() as uow:
            users = await uow.digests.due(self._clock() - self._window, self._batch_size)
            for user_id in users:
                lines = await uow.digests.take(user_id)
                if not lines:
                    continue
                notification, created = await self._sending.enqueue(
                    uow,
                    SendCommand(
                        "social_digest",
                        user_id,
                        f"social_digest:{user_id}:{lines[0][0]}",
                        {"count": str(len(lines)), "items": "\n".join(f"- {line}" for _, line, _ in lines)},
                        channels=[Channel.EMAIL],
                    ),
                )
                if created:
                    queued.append(notification)
            await uow.commit()
        for notification in queued:
            self._sending.after_commit(notification)
        return len(users)

    async def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(self._loop(), name="notification-social-digests")

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
                log.exception("social_digest_sweep_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._interval_s)
