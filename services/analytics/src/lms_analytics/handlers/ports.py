"""What the use cases need from storage, as Protocols (adapters/ implements them with SQL,
tests/unit/fakes.py in memory)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from lms_analytics.domain.model import Item
from lms_kit.domain import UnitOfWork

# Keyset paging: the (created_at, id) of the last item of the previous page.
After = tuple[datetime, str] | None


class Items(Protocol):
    async def add(self, item: Item, *, request_id: str | None) -> Item:
        """Insert; with a request id already used by the owner, the item made then."""
        ...

    async def get(self, item_id: str) -> Item | None: ...

    async def list_for_owner(self, owner_id: str, after: After, limit: int) -> list[Item]:
        """The owner's items, newest first."""
        ...


class AnalyticsUnitOfWork(UnitOfWork, Protocol):
    @property
    def items(self) -> Items: ...
