"""What feeds the account-status guard (lms_kit.auth.user_status) in a service other
than the user service: GetUserStatus over gRPC for users it has not heard of, and a core
NATS subscription on the user service's account events so that a suspension or a
closure stops writes as soon as it is published.

A core subscription (not a durable consumer) is right here: the guard is a cache, each
worker process needs every event, and an event missed while a process was down is made
up for by the lookup after the cache entry's TTL."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import grpc
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from lms_kit.auth.user_status import AccountState, StatusSource, UserStatusGuard

if TYPE_CHECKING:
    from google.protobuf.message import Message

log = logging.getLogger(__name__)

LOOKUP_TIMEOUT_S = 2.0
ACCOUNT_EVENTS = ("lms.user.v1.UserDeleted", "lms.user.v1.UserDisabled", "lms.user.v1.UserEnabled")


def remote_status_source(channel: grpc.aio.Channel) -> StatusSource:
    """Ask the user service (GetUserStatus); an id it does not know is UNKNOWN."""
    from lms.user.v1 import account_status_pb2, user_pb2_grpc  # the user contract, only when used

    stub = user_pb2_grpc.UserServiceStub(channel)
    states = {
        account_status_pb2.USER_STATE_ACTIVE: AccountState.ACTIVE,
        account_status_pb2.USER_STATE_DISABLED: AccountState.DISABLED,
        account_status_pb2.USER_STATE_DELETED: AccountState.DELETED,
    }

    async def look_up(user_id: str) -> AccountState:
        request = account_status_pb2.GetUserStatusRequest(name=f"users/{user_id}")
        try:
            reply = await stub.GetUserStatus(request, timeout=LOOKUP_TIMEOUT_S)
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                return AccountState.UNKNOWN
            raise
        return states.get(reply.state, AccountState.ACTIVE)

    return look_up


class AccountEventListener:
    """Feeds UserDeleted / UserDisabled / UserEnabled into the guard (an EventRuntime
    attachment: started once NATS is connected)."""

    def __init__(self, client: Client, guard: UserStatusGuard) -> None:
        self._client = client
        self._guard = guard
        self._subscriptions: list[Subscription] = []

    async def start(self) -> None:
        for subject in ACCOUNT_EVENTS:
            self._subscriptions.append(await self._client.subscribe(subject, cb=self._on_message))

    async def stop(self) -> None:
        for subscription in self._subscriptions:
            await subscription.unsubscribe()
        self._subscriptions.clear()

    async def _on_message(self, msg: Msg) -> None:
        try:
            user_id = _user_id_of(msg.subject, msg.data)
        except Exception as exc:  # a malformed event must not stop the subscription
            log.warning("account_event_unreadable subject=%s error=%s", msg.subject, type(exc).__name__)
            return
        self._guard.on_event(msg.subject, user_id)
        log.info("account_event subject=%s user_id=%s", msg.subject, user_id)


def _user_id_of(subject: str, payload: bytes) -> str:
    from lms.user.v1 import events_pb2

    message: Message = {
        "lms.user.v1.UserDeleted": events_pb2.UserDeleted,
        "lms.user.v1.UserDisabled": events_pb2.UserDisabled,
        "lms.user.v1.UserEnabled": events_pb2.UserEnabled,
    }[subject]()
    message.ParseFromString(payload)
    return str(message.user_id)
