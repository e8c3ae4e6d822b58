"""The in-app inbox: list, unread count, mark read, archive, and the live stream."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence

from lms_notification.domain.errors import InboxItemNotFound
from lms_notification.domain.model import InboxItem
from lms_notification.handlers.ports import After, NotificationUnitOfWork


class InboxSignal:
    """Wakes the live streams of a user when this process adds to their inbox; other
    processes' items are found by polling."""

    def __init__(self) -> None:
        self._waiters: dict[str, set[asyncio.Event]] = defaultdict(set)

    def notify(self, user_id: str) -> None:
        for event in self._waiters.get(user_id, ()):
            event.set()

    async def wait(self, user_id: str, timeout_s: float) -> None:
        event = asyncio.Event()
        self._waiters[user_id].add(event)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout_s)
        finally:
            self._waiters[user_id].discard(event)
            if not self._waiters[user_id]:
                del self._waiters[user_id]


class InboxHandlers:
    def __init__(
        self, uow: Callable[[], NotificationUnitOfWork], signal: InboxSignal, *, poll_interval_s: float = 1.0
    ) -> None:
        self._uow = uow
        self._signal = signal
        self._poll_interval_s = poll_interval_s

    async def page(self, user_id: str, *, show_archived: bool, after: After, limit: int) -> list[InboxItem]:
        async with self._uow() as uow:
            return await uow.inbox.page(user_id, show_archived=show_archived, after=after, limit=limit)

    async def unread(self, user_id: str) -> int:
        async with self._uow() as uow:
            return await uow.inbox.unread(user_id)

    async def mark_read(self, user_id: str, item_ids: Sequence[str] | None) -> int:
        async with self._uow() as uow:
            await uow.inbox.mark_read(user_id, item_ids)
            await uow.commit()
            return await uow.inbox.unread(user_id)

    async def archive(self, user_id: str, item_id: str) -> InboxItem:
        async with self._uow() as uow:
            item = await uow.inbox.get(user_id, item_id)
            if item is None:
                raise InboxItemNotFound(f"users/{user_id}/inbox/{item_id}")
            item.archived = item.read = True
            await uow.inbox.save(item)
            await uow.commit()
        return item

    async def stream_start(self, user_id: str) -> After:
        """Where a live stream opened now starts: after the user's newest item."""
        async with self._uow() as uow:
            return await uow.inbox.latest(user_id)

    async def stream(self, user_id: str, after: After) -> AsyncIterator[InboxItem]:
        """Every item after `after` (see stream_start), as it arrives, until the caller stops."""
        while True:
            async with self._uow() as uow:
                items = await uow.inbox.newer(user_id, after, 50)
            for item in items:
                yield item
                after = (item.created_at, item.id)
            if not items:
                await self._signal.wait(user_id, self._poll_interval_s)
