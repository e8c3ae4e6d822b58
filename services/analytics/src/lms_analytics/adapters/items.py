"""Items in PostgreSQL."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_analytics.adapters.tables import items
from lms_analytics.domain.model import Item
from lms_analytics.handlers.ports import After
from lms_kit.uow import SqlRepository


def _item(row: Any) -> Item:
    return Item(row.id, row.owner_id, row.title, row.created_at)


class SqlItems(SqlRepository):
    async def add(self, item: Item, *, request_id: str | None) -> Item:
        inserted = await self.session.execute(
            insert(items)
            .values(
                id=item.id,
                owner_id=item.owner_id,
                title=item.title,
                request_id=request_id,
                created_at=item.created_at,
            )
            .on_conflict_do_nothing(constraint="items_owner_request_key")
            .returning(items.c.id)
        )
        if inserted.first() is not None:
            return self.seen(item)
        # The request id was used before: that item (and no new event) is the answer.
        row = (
            await self.session.execute(
                sa.select(items).where(items.c.owner_id == item.owner_id, items.c.request_id == request_id)
            )
        ).one()
        return _item(row)

    async def get(self, item_id: str) -> Item | None:
        row = (await self.session.execute(sa.select(items).where(items.c.id == item_id))).first()
        return self.seen(_item(row)) if row is not None else None

    async def list_for_owner(self, owner_id: str, after: After, limit: int) -> list[Item]:
        query = sa.select(items).where(items.c.owner_id == owner_id)
        if after is not None:
            query = query.where(sa.tuple_(items.c.created_at, items.c.id) < sa.tuple_(*after))
        query = query.order_by(items.c.created_at.desc(), items.c.id.desc()).limit(limit)
        return [_item(row) for row in await self.session.execute(query)]
