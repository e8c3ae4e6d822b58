"""The starter aggregate: an item its owner creates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lms_analytics.domain.errors import TitleBlank
from lms_kit.domain import Aggregate


@dataclass(frozen=True, slots=True)
class ItemCreated:
    item_id: str
    owner_id: str
    title: str
    created_at: datetime


@dataclass(eq=True)
class Item(Aggregate):
    id: str
    owner_id: str
    title: str
    created_at: datetime

    @classmethod
    def create(cls, item_id: str, owner_id: str, title: str, now: datetime) -> Item:
        """A new item; a title of only white space is refused (TITLE_BLANK)."""
        if not title.strip():
            raise TitleBlank()
        item = cls(item_id, owner_id, title.strip(), now)
        item.raise_event(ItemCreated(item_id, owner_id, item.title, now))
        return item

    def visible_to(self, user_id: str, *, is_admin: bool) -> bool:
        return is_admin or self.owner_id == user_id
