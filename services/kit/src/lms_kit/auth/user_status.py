"""Writes by accounts that no longer may act are refused, in every service.

An access token stays valid until it expires (minutes), so a deleted or suspended user,
or a token for a user id that never had an account, could otherwise keep writing. Before
a write RPC (one the contract does not mark NO_SIDE_EFFECTS) made by or for an end user,
the pipeline asks this guard; it answers from a small cache:

- the user service's UserDeleted / UserDisabled / UserEnabled events update the cache the
  moment they are published (a core NATS subscription on those subjects in every service),
  so a closed account's writes stop within the event's delivery time;
- a user not in the cache (or whose entry is older than LMS_USER_STATUS_TTL_S) is looked up
  once with the user service's GetUserStatus; concurrent lookups of one user share a call;
- when the user service cannot be reached, a known answer is kept past its age and an
  unknown user is let through (logged): the events and the next lookup close the gap, and
  a write path never depends on the user service being up.

Refusals are UNAUTHENTICATED with reason ACCOUNT_INACTIVE: the client's session is over.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from enum import Enum

from lms_kit.domain import AccountInactive

log = logging.getLogger(__name__)

DEFAULT_TTL_S = 60.0
MAX_ENTRIES = 100_000


class AccountState(Enum):
    UNKNOWN = "unknown"  # no such account
    ACTIVE = "active"
    DISABLED = "disabled"
    DELETED = "deleted"


# Where a status comes from (the user service's GetUserStatus); raises on an outage.
StatusSource = Callable[[str], Awaitable[AccountState]]


class UserStatusGuard:
    def __init__(
        self,
        source: StatusSource,
        *,
        ttl_s: float = DEFAULT_TTL_S,
        allow_unknown: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`allow_unknown`: let ids with no account write (development meshes whose tests
        sign their own tokens; never in a deployment)."""
        self._source = source
        self._ttl_s = ttl_s
        self._allow_unknown = allow_unknown
        self._clock = clock
        self._known: dict[str, tuple[AccountState, float]] = {}
        self._lookups: dict[str, asyncio.Future[AccountState]] = {}

    async def check(self, user_id: str) -> None:
        """Raise AccountInactive (UNAUTHENTICATED, ACCOUNT_INACTIVE) unless `user_id` may write."""
        state = await self.state_of(user_id)
        if state is AccountState.ACTIVE or (state is AccountState.UNKNOWN and self._allow_unknown):
            return
        reason = (
            "no account has this id" if state is AccountState.UNKNOWN else f"the account is {state.value}"
        )
        raise AccountInactive(reason)

    async def state_of(self, user_id: str) -> AccountState:
        entry = self._known.get(user_id)
        if entry is not None and entry[1] > self._clock():
            return entry[0]
        pending = self._lookups.get(user_id)
        if pending is None:
            pending = asyncio.ensure_future(self._look_up(user_id, entry))
            self._lookups[user_id] = pending
            pending.add_done_callback(lambda _done: self._lookups.pop(user_id, None))
        return await asyncio.shield(pending)

    async def _look_up(self, user_id: str, stale: tuple[AccountState, float] | None) -> AccountState:
        try:
            state = await self._source(user_id)
        except Exception as exc:  # an outage must not stop writes: keep what we knew
            log.warning("user_status_unavailable user_id=%s error=%s", user_id, type(exc).__name__)
            return stale[0] if stale is not None else AccountState.ACTIVE
        self.remember(user_id, state)
        return state

    def remember(self, user_id: str, state: AccountState) -> None:
        """Record a state (from a lookup or an event) for the next TTL."""
        if len(self._known) >= MAX_ENTRIES and user_id not in self._known:
            self._known.pop(next(iter(self._known)))  # the oldest entry
        self._known[user_id] = (state, self._clock() + self._ttl_s)

    def on_event(self, event_type: str, user_id: str) -> None:
        """A user-service event: lms.user.v1.UserDeleted / UserDisabled / UserEnabled."""
        state = {
            "lms.user.v1.UserDeleted": AccountState.DELETED,
            "lms.user.v1.UserDisabled": AccountState.DISABLED,
            "lms.user.v1.UserEnabled": AccountState.ACTIVE,
        }.get(event_type)
        if state is not None and user_id:
            self.remember(user_id, state)
