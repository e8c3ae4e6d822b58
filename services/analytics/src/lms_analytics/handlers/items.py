"""Items: create, read, list."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from lms_analytics.domain.errors import ItemNotFound
from lms_analytics.domain.model import Item
from lms_analytics.handlers.ports import After, AnalyticsUnitOfWork
from lms_kit.domain import Actor, Clock, utc_now


class ItemHandlers:
    def __init__(self, uow: Callable[[], AnalyticsUnitOfWork], *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._clock = clock

    async def create(self, actor: Actor, title: str, *, request_id: str | None = None) -> Item:
        item = Item.create(str(uuid.uuid4()), actor.user_id, title, self._clock())
        async with self._uow() as uow:
            stored = await uow.items.add(item, request_id=request_id)
            await uow.commit()
        return stored

    async def get(self, actor: Actor, item_id: str) -> Item:
        async with self._uow() as uow:
            item = await uow.items.get(item_id)
        if item is None or not item.visible_to(actor.user_id, is_admin=actor.is_admin):
            raise ItemNotFound(item_id)
        return item

    async def list_mine(self, actor: Actor, after: After, limit: int) -> list[Item]:
        """Up to `limit` of the caller's items after `after`, newest first."""
        async with self._uow() as uow:
            return await uow.items.list_for_owner(actor.user_id, after, limit)
