"""The item aggregate's rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lms_analytics.domain.errors import TitleBlank
from lms_analytics.domain.model import Item, ItemCreated

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_new_item_trims_its_title_and_raises_item_created():
    item = Item.create("i1", "u1", "  Notes  ", NOW)
    assert item.title == "Notes"
    assert item.pull_events() == [ItemCreated("i1", "u1", "Notes", NOW)]


def test_a_title_of_only_spaces_is_refused():
    with pytest.raises(TitleBlank) as refused:
        Item.create("i1", "u1", "   ", NOW)
    assert [v.field for v in refused.value.violations] == ["item.title"]


def test_only_the_owner_and_admins_see_an_item():
    item = Item.create("i1", "u1", "Notes", NOW)
    assert item.visible_to("u1", is_admin=False)
    assert item.visible_to("u2", is_admin=True)
    assert not item.visible_to("u2", is_admin=False)
