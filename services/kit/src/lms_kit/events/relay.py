"""The outbox relay: publishes committed events from the outbox table to JetStream.

Each pass claims a batch of unpublished rows in outbox order, publishes each with
`Nats-Msg-Id` = event id, waits for JetStream's PubAck, and marks the acknowledged rows
published in the same transaction that claimed them. If the relay dies after a publish and
before that commit, the rows stay unpublished and are published again by the next pass;
JetStream drops the repeat as a duplicate (same Nats-Msg-Id within the stream's duplicate
window), so the stream holds each event once.

Several processes of one service may each run a relay: on PostgreSQL a pass claims rows
with `FOR UPDATE SKIP LOCKED`, so peers publish disjoint batches.

Retention: published rows are kept for `keep_published` (default one day, for inspection
and incident replay), then deleted by the relay itself.

Metrics (observability.event_metrics): events published and failed publishes as they
happen; the backlog (unpublished rows, the oldest one's age) measured every
`backlog_interval_s`, whatever the relay is doing, so a stalled relay still reports it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from nats.js import JetStreamContext
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lms_kit.events.envelope import EVENT_TYPE
from lms_kit.events.schema import outbox
from lms_kit.observability.event_metrics import OutboxMetrics

if TYPE_CHECKING:
    from lms_kit.db import Database

log = logging.getLogger(__name__)


class OutboxRelay:
    """Publishes the outbox to JetStream until stopped. One per service process."""

    def __init__(
        self,
        database: Database,
        js: JetStreamContext,
        *,
        batch_size: int = 100,
        poll_interval_s: float = 0.5,
        publish_timeout_s: float = 5.0,
        max_retry_delay_s: float = 10.0,
        keep_published: timedelta = timedelta(days=1),
        purge_interval_s: float = 600.0,
        service: str = "",
        backlog_interval_s: float = 15.0,
    ) -> None:
        self._db = database
        self._js = js
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._publish_timeout_s = publish_timeout_s
        self._max_retry_delay_s = max_retry_delay_s
        self._keep_published = keep_published
        self._purge_interval_s = purge_interval_s
        self._backlog_interval_s = backlog_interval_s
        self.metrics = OutboxMetrics(service)
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._backlog_task: asyncio.Task[None] | None = None

    def notify(self) -> None:
        """Wake the relay now (called after a commit that wrote events)."""
        self._wake.set()

    async def start(self) -> None:
        """Run in the background; commits through `database` wake it at once."""
        if self._task is not None:
            raise RuntimeError("relay already started")
        self._stopping = False
        self._db.add_outbox_listener(self.notify)
        self._task = asyncio.create_task(self.run(), name="outbox-relay")
        self._backlog_task = asyncio.create_task(self._report_backlog(), name="outbox-backlog")

    async def stop(self) -> None:
        """Finish the batch in flight, then stop. Unpublished rows wait for the next start."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        self._db.remove_outbox_listener(self.notify)
        if self._backlog_task is not None:
            self._backlog_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._backlog_task
            self._backlog_task = None
        try:
            await self._task
        finally:
            self._task = None

    async def run(self) -> None:
        """The relay loop: publish while there is work, then sleep until notified or polled."""
        failures = 0
        last_purge = float("-inf")
        loop = asyncio.get_running_loop()
        while not self._stopping:
            self._wake.clear()
            try:
                published = await self.publish_pending()
                if loop.time() - last_purge >= self._purge_interval_s:
                    await self.purge_published()
                    last_purge = loop.time()
                failures = 0
            except Exception:
                failures += 1
                delay = min(self._poll_interval_s * 2**failures, self._max_retry_delay_s)
                log.exception("outbox_relay_failed failures=%d retry_in_s=%.1f", failures, delay)
                await self._sleep(delay)
                continue
            if published < self._batch_size:  # a full batch means more may be waiting
                await self._sleep(self._poll_interval_s)

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished events in outbox order; returns how many."""
        failure: Exception | None = None
        acked: list[Any] = []
        async with self._db.session() as session, session.begin():
            rows = await self._claim(session)
            for row in rows:
                try:
                    await self._publish(row)
                except Exception as exc:
                    # Commit what was acknowledged; this row and those after it stay
                    # unpublished, so the next pass resumes in order.
                    failure = exc
                    self.metrics.failures.inc()
                    break
                acked.append(row)
            if acked:
                await self._mark_published(session, [row.sequence for row in acked])
        for row in acked:  # counted once the mark committed
            self.metrics.published(dict(row.headers).get(EVENT_TYPE, row.subject))
        if failure is not None:
            raise failure
        return len(acked)

    async def measure_backlog(self) -> tuple[int, float]:
        """Unpublished rows and the oldest one's age in seconds (0 when none); sets the gauges."""
        async with self._db.session() as session:
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(outbox.c.occurred_at)).where(
                        outbox.c.published_at.is_(None)
                    )
                )
            ).one()
        age = 0.0
        if oldest is not None:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)
            age = max(0.0, (datetime.now(UTC) - oldest).total_seconds())
        self.metrics.pending.set(count)
        self.metrics.oldest_age.set(age)
        return int(count), age

    async def _report_backlog(self) -> None:
        while True:
            try:
                await self.measure_backlog()
            except Exception:  # the database is away: the gauges keep their last values
                log.warning("outbox_backlog_unmeasured", exc_info=True)
            await asyncio.sleep(self._backlog_interval_s)

    async def purge_published(self) -> int:
        """Delete rows published more than `keep_published` ago; returns how many."""
        cutoff = datetime.now(UTC) - self._keep_published
        async with self._db.session() as session, session.begin():
            result: Any = await session.execute(
                delete(outbox).where(outbox.c.published_at.is_not(None), outbox.c.published_at < cutoff)
            )
        return int(result.rowcount or 0)

    async def _claim(self, session: AsyncSession) -> Sequence[Any]:
        query = (
            select(outbox.c.sequence, outbox.c.event_id, outbox.c.subject, outbox.c.headers, outbox.c.payload)
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.sequence)
            .limit(self._batch_size)
            .with_for_update(skip_locked=True)
        )
        return (await session.execute(query)).all()

    async def _publish(self, row: Any) -> None:
        ack = await self._js.publish(
            row.subject, row.payload, headers=dict(row.headers), timeout=self._publish_timeout_s
        )
        if ack.duplicate:
            log.info("outbox_duplicate_dropped event_id=%s stream=%s", row.event_id, ack.stream)

    async def _mark_published(self, session: AsyncSession, sequences: list[int]) -> None:
        await session.execute(
            update(outbox).where(outbox.c.sequence.in_(sequences)).values(published_at=datetime.now(UTC))
        )

    async def _sleep(self, seconds: float) -> None:
        if self._stopping:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
