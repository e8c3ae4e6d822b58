"""The account-status guard: events block at once, lookups are cached and shared, an
outage keeps what was known and lets unknown users through."""

from __future__ import annotations

import asyncio

import pytest

from lms_kit.auth.user_status import AccountState, UserStatusGuard
from lms_kit.errors import Unauthenticated


class Source:
    def __init__(self, states: dict[str, AccountState]) -> None:
        self.states = states
        self.calls: list[str] = []
        self.down = False

    async def __call__(self, user_id: str) -> AccountState:
        self.calls.append(user_id)
        await asyncio.sleep(0)
        if self.down:
            raise ConnectionError("user service down")
        return self.states.get(user_id, AccountState.UNKNOWN)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def refused(guard: UserStatusGuard, user_id: str) -> str:
    with pytest.raises(Unauthenticated) as caught:
        await guard.check(user_id)
    return caught.value.reason


async def test_active_users_pass_and_unknown_deleted_and_disabled_ones_are_refused():
    source = Source({"a": AccountState.ACTIVE, "d": AccountState.DELETED, "s": AccountState.DISABLED})
    guard = UserStatusGuard(source)
    await guard.check("a")
    for user in ("d", "s", "never-existed"):
        assert await refused(guard, user) == "ACCOUNT_INACTIVE"


async def test_lookups_are_cached_for_the_ttl_and_shared_by_concurrent_calls():
    source, clock = Source({"a": AccountState.ACTIVE}), Clock()
    guard = UserStatusGuard(source, ttl_s=60, clock=clock)
    await asyncio.gather(*(guard.check("a") for _ in range(20)))
    await guard.check("a")
    assert source.calls == ["a"]
    clock.now += 61
    await guard.check("a")
    assert source.calls == ["a", "a"]


async def test_an_account_event_blocks_at_once_however_fresh_the_cached_answer():
    source = Source({"a": AccountState.ACTIVE})
    guard = UserStatusGuard(source, ttl_s=3600)
    await guard.check("a")
    guard.on_event("lms.user.v1.UserDisabled", "a")
    assert await refused(guard, "a") == "ACCOUNT_INACTIVE"
    guard.on_event("lms.user.v1.UserEnabled", "a")
    await guard.check("a")
    guard.on_event("lms.user.v1.UserDeleted", "a")
    assert await refused(guard, "a") == "ACCOUNT_INACTIVE"
    assert source.calls == ["a"]


async def test_an_outage_keeps_a_known_answer_and_lets_an_unknown_user_through():
    source, clock = Source({"a": AccountState.DELETED}), Clock()
    guard = UserStatusGuard(source, ttl_s=10, clock=clock)
    assert await refused(guard, "a") == "ACCOUNT_INACTIVE"
    source.down = True
    clock.now += 11
    assert await refused(guard, "a") == "ACCOUNT_INACTIVE"  # stale, but still the last word
    await guard.check("b")  # never seen: a write path does not depend on the user service


async def test_unknown_ids_write_only_where_the_mesh_trusts_made_up_users():
    source = Source({})
    strict = UserStatusGuard(source, ttl_s=60)
    assert await refused(strict, "ghost") == "ACCOUNT_INACTIVE"
    trusting = UserStatusGuard(source, ttl_s=60, allow_unknown=True)
    await trusting.check("ghost")
    trusting.on_event("lms.user.v1.UserDeleted", "ghost")  # known now: closed
    assert await refused(trusting, "ghost") == "ACCOUNT_INACTIVE"
