"""Item use cases against in-memory storage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms_analytics.domain.errors import ItemNotFound
from lms_analytics.domain.model import ItemCreated
from lms_analytics.handlers import ItemHandlers
from lms_kit.domain import Actor
from lms_kit.testing.fakes import FakeStore, UncommittedWork

from .fakes import FakeUnitOfWorkOfAnalytics, State

OWNER = Actor.user("u1", "student")
STRANGER = Actor.user("u2", "student")
ADMIN = Actor.user("a1", "admin")


class Ticking:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def store() -> FakeStore[State]:
    return FakeStore(State())


@pytest.fixture
def items(store) -> ItemHandlers:
    return ItemHandlers(lambda: FakeUnitOfWorkOfAnalytics(store), clock=Ticking())


async def test_creating_an_item_stores_it_and_publishes_item_created(items, store):
    item = await items.create(OWNER, "Notes")
    assert store.state.items[item.id].title == "Notes"
    assert store.events_of(ItemCreated) == [ItemCreated(item.id, "u1", "Notes", item.created_at)]


async def test_a_retried_create_with_the_same_request_id_makes_one_item_and_one_event(items, store):
    first = await items.create(OWNER, "Notes", request_id="r1")
    again = await items.create(OWNER, "Notes", request_id="r1")
    assert again.id == first.id
    assert len(store.state.items) == 1 and len(store.events) == 1


async def test_an_item_is_hidden_from_everyone_but_its_owner_and_admins(items):
    item = await items.create(OWNER, "Notes")
    assert (await items.get(OWNER, item.id)).id == item.id
    assert (await items.get(ADMIN, item.id)).id == item.id
    with pytest.raises(ItemNotFound):
        await items.get(STRANGER, item.id)


async def test_listing_pages_newest_first(items):
    made = [await items.create(OWNER, f"n{n}") for n in range(3)]
    await items.create(STRANGER, "not mine")
    first = await items.list_mine(OWNER, None, 2)
    assert [i.id for i in first] == [made[2].id, made[1].id]
    rest = await items.list_mine(OWNER, (first[-1].created_at, first[-1].id), 2)
    assert [i.id for i in rest] == [made[0].id]


async def test_a_use_case_that_forgets_to_commit_fails(store):
    class Forgetful(ItemHandlers):
        async def create(self, actor, title, *, request_id=None):
            from lms_analytics.domain.model import Item

            async with self._uow() as uow:
                await uow.items.add(Item.create("i1", actor.user_id, title, self._clock()), request_id=None)
            raise AssertionError("unreachable: leaving without commit must fail")

    with pytest.raises(UncommittedWork):
        await Forgetful(lambda: FakeUnitOfWorkOfAnalytics(store)).create(OWNER, "Notes")
    assert store.state.items == {} and store.events == []
