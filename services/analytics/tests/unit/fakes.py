"""In-memory storage for handler tests, on the kit's fake unit of work (uncommitted work
is dropped; a block that changes state without committing fails the test)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lms_analytics.domain.model import Item
from lms_analytics.handlers.ports import After
from lms_kit.testing.fakes import FakeRepository, FakeUnitOfWork


@dataclass
class State:
    items: dict[str, Item] = field(default_factory=dict)
    request_ids: dict[tuple[str, str], str] = field(default_factory=dict)


class FakeItems(FakeRepository):
    def __init__(self, state: State, track: Callable[[object], None]) -> None:
        super().__init__(track)
        self._state = state

    async def add(self, item: Item, *, request_id: str | None) -> Item:
        if request_id is not None and (item.owner_id, request_id) in self._state.request_ids:
            return self._state.items[self._state.request_ids[item.owner_id, request_id]]
        self._state.items[item.id] = item
        if request_id is not None:
            self._state.request_ids[item.owner_id, request_id] = item.id
        return self.seen(item)

    async def get(self, item_id: str) -> Item | None:
        item = self._state.items.get(item_id)
        return self.seen(item) if item is not None else None

    async def list_for_owner(self, owner_id: str, after: After, limit: int) -> list[Item]:
        mine = sorted(
            (i for i in self._state.items.values() if i.owner_id == owner_id),
            key=lambda i: (i.created_at, i.id),
            reverse=True,
        )
        if after is not None:
            mine = [i for i in mine if (i.created_at, i.id) < after]
        return mine[:limit]


class FakeUnitOfWorkOfAnalytics(FakeUnitOfWork[State]):
    def bind(self, state: State) -> None:
        self.items = FakeItems(state, self.track)
