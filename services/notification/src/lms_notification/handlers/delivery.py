"""The delivery workers: lease due deliveries, hand each to its channel's provider, record the
outcome. Retries back off with jitter on transient errors; permanent errors dead-letter at once.

Guarantee: a delivery is never lost (it stays pending until an outcome is recorded, and a
lease that a killed worker held runs out), and a message the provider accepted is recorded
SENT in one short transaction right after the provider's acceptance, before the next send.
The one window for a duplicate is a crash between that acceptance and that commit; the
re-send then carries the same Message-ID, so receivers can tell it apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta

from lms_kit.domain import Clock, utc_now
from lms_notification.domain.catalog import Channel
from lms_notification.domain.errors import SendFailed
from lms_notification.domain.model import Delivery, RetryPolicy
from lms_notification.handlers.ports import ChannelSender, NotificationUnitOfWork
from lms_notification.handlers.sending import deliver_to_inbox

log = logging.getLogger(__name__)


class DeliveryWorker:
    """One worker per channel group; several processes may each run one (leases split the work)."""

    def __init__(
        self,
        uow: Callable[[], NotificationUnitOfWork],
        senders: Mapping[Channel, ChannelSender],
        *,
        retry: RetryPolicy | None = None,
        lease_s: float = 60.0,
        batch_size: int = 20,
        poll_interval_s: float = 1.0,
        priority_lane: bool = True,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._senders = dict(senders)
        self._retry = retry or RetryPolicy()
        self._lease = timedelta(seconds=lease_s)
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._clock = clock
        self._wakes: list[asyncio.Event] = []  # one per loop
        self._tasks: list[asyncio.Task[None]] = []
        # A second loop that takes only critical deliveries: a password reset never waits
        # behind a batch of announcements being sent.
        self._priority_lane = priority_lane
        self._stopping = False

    @property
    def channels(self) -> list[Channel]:
        return [*self._senders, Channel.IN_APP]

    def wake(self) -> None:
        for event in self._wakes:
            event.set()

    async def run_once(
        self, channels: Sequence[Channel] | None = None, *, critical_only: bool = False
    ) -> int:
        """Lease one batch and deliver it; how many deliveries it handled."""
        channels = list(channels or self.channels)
        lease = str(uuid.uuid4())
        now = self._clock()
        async with self._uow() as uow:
            batch = await uow.deliveries.claim(
                channels, now, now + self._lease, lease, self._batch_size, critical_only=critical_only
            )
            await uow.commit()
        for delivery in batch:
            if self._stopping:
                break  # the rest wait for their lease to run out, then go again
            await self._deliver(delivery, lease)
        return len(batch)

    async def _deliver(self, delivery: Delivery, lease: str) -> None:
        if delivery.channel is Channel.IN_APP:  # scheduled in-app items: no provider
            async with self._uow() as uow:
                delivery.attempts -= 1  # deliver_to_inbox counts it; the claim already did
                await deliver_to_inbox(uow, delivery, self._clock())
                if await uow.deliveries.finish(delivery, lease):
                    await uow.commit()
            return
        sender = self._senders.get(delivery.channel)
        try:
            if sender is None:
                raise SendFailed(f"no {delivery.channel.value} provider is configured", permanent=True)
            if not delivery.address:
                await self._resolve_address(delivery)
            gone = await sender.send(delivery)
        except SendFailed as failure:
            log.warning(
                "delivery_failed delivery_id=%s channel=%s attempt=%s permanent=%s error=%s",
                delivery.id,
                delivery.channel.value,
                delivery.attempts,
                failure.permanent,
                failure,
            )
            delivery.fail(str(failure), self._clock(), permanent=failure.permanent, retry=self._retry)
            async with self._uow() as uow:
                if failure.prune:
                    await self._prune(uow, delivery.user_id, failure.prune)
                if await uow.deliveries.finish(delivery, lease):
                    await uow.commit()
            return
        delivery.mark_sent(self._clock())
        async with self._uow() as uow:
            if gone:
                await self._prune(uow, delivery.user_id, gone)
            if await uow.deliveries.finish(delivery, lease):
                await uow.commit()
        log.info(
            "delivery_sent delivery_id=%s channel=%s type=%s",
            delivery.id,
            delivery.channel.value,
            delivery.type,
        )

    async def _resolve_address(self, delivery: Delivery) -> None:
        """The recipient's address as known now; retried later while there is none."""
        async with self._uow() as uow:
            recipient = await uow.recipients.get(delivery.user_id)
        address = recipient.address(delivery.channel) if recipient is not None else ""
        if not address:
            raise SendFailed(f"no {delivery.channel.value} address known for the user yet", permanent=False)
        delivery.address = address

    async def _prune(self, uow: NotificationUnitOfWork, user_id: str, gone: Sequence[str]) -> None:
        recipient = await uow.recipients.get(user_id)
        if recipient is None:
            return
        recipient.device_tokens = [t for t in recipient.device_tokens if t not in set(gone)]
        await uow.recipients.save(recipient)
        log.info("device_tokens_pruned user_id=%s count=%s", user_id, len(gone))

    # -- background loop

    async def start(self) -> None:
        self._stopping = False
        self._tasks = [
            asyncio.create_task(self._loop(critical_only=False), name="notification-delivery-worker")
        ]
        if self._priority_lane:
            self._tasks.append(
                asyncio.create_task(self._loop(critical_only=True), name="notification-delivery-priority")
            )

    async def stop(self) -> None:
        self._stopping = True
        self.wake()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _loop(self, *, critical_only: bool) -> None:
        wake = asyncio.Event()
        self._wakes.append(wake)
        while not self._stopping:
            try:
                handled = await self.run_once(critical_only=critical_only)
            except Exception:
                log.exception("delivery_worker_pass_failed")
                handled = 0
            if handled:
                continue  # maybe more is due
            wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), self._poll_interval_s)
