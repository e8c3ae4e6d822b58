"""The account events reach the status guard over real NATS (core subscription)."""

from __future__ import annotations

import asyncio
import uuid

import nats

from lms.user.v1 import events_pb2
from lms_kit.auth.user_status import AccountState, UserStatusGuard
from lms_kit.auth.user_status_feed import AccountEventListener
from lms_kit.testing.databases import nats_url


async def test_a_published_suspension_and_closure_update_the_guard_without_a_lookup():
    lookups: list[str] = []

    async def source(user_id: str) -> AccountState:
        lookups.append(user_id)
        return AccountState.ACTIVE

    guard = UserStatusGuard(source, ttl_s=3600)
    user = str(uuid.uuid4())
    await guard.check(user)
    client = await nats.connect(nats_url())
    listener = AccountEventListener(client, guard)
    await listener.start()
    try:
        await client.publish(
            "lms.user.v1.UserDisabled", events_pb2.UserDisabled(user_id=user).SerializeToString()
        )
        await client.publish("lms.user.v1.UserDeleted", b"\xff not protobuf")  # ignored, logged
        await client.flush()
        for _ in range(100):
            if await guard.state_of(user) is AccountState.DISABLED:
                break
            await asyncio.sleep(0.02)
        assert await guard.state_of(user) is AccountState.DISABLED
        await client.publish(
            "lms.user.v1.UserEnabled", events_pb2.UserEnabled(user_id=user).SerializeToString()
        )
        await client.flush()
        for _ in range(100):
            if await guard.state_of(user) is AccountState.ACTIVE:
                break
            await asyncio.sleep(0.02)
        assert await guard.state_of(user) is AccountState.ACTIVE
        assert lookups == [user]  # the events, not lookups, moved the state
    finally:
        await listener.stop()
        await client.close()
