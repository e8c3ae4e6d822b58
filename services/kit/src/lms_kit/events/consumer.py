"""The idempotent event consumer: a durable JetStream pull consumer with an inbox.

For each message, in one database transaction: insert (consumer, event id) into the inbox
(if it is already there the event was handled: ack and skip), run the handler with a unit
of work, commit, then ack. A crash before the commit rolls the handler's writes back with
the inbox row and JetStream redelivers; a lost ack after the commit finds the inbox row. So
each event has its effect once per consumer, however often it is delivered.

A handler that raises is retried with `backoff` delays (nak with delay); the delivery that
reaches `max_deliver` instead goes to the dead-letter subject `lms.dlq.<durable>` (stream
`LMS_DLQ`) and is terminated. Retry counting is the kit's, not the server's: the JetStream
consumer has no max_deliver of its own, so a message whose last attempt crashed the process
comes back and is dead-lettered rather than silently dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import nats.errors
import nats.js.errors
from google.protobuf.message import DecodeError, Message
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from opentelemetry import propagate, trace
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from lms_kit.events.envelope import EVENT_ID, EVENT_TYPE, MSG_ID, OCCURRED_AT, domain_of, event_type
from lms_kit.events.envelope import parse_time as _parse_time
from lms_kit.events.schema import inbox
from lms_kit.events.streams import DLQ_PREFIX, ensure_stream, stream_name
from lms_kit.observability.event_metrics import ConsumerMetrics

if TYPE_CHECKING:
    from lms_kit.db import Database, UnitOfWork

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("lms_kit.events")

DLQ_REASON = "lms-dlq-reason"
DLQ_DELIVERIES = "lms-dlq-deliveries"
DLQ_ORIGINAL_SUBJECT = "lms-dlq-original-subject"
DLQ_CONSUMER = "lms-dlq-consumer"

DEFAULT_BACKOFF_S = (1.0, 5.0, 30.0, 120.0)
_DURABLE = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True, slots=True)
class EventContext:
    """What a handler knows besides the event. Write through `uow`; never commit it."""

    event_id: str
    event_type: str
    subject: str
    occurred_at: datetime | None
    delivery: int
    headers: Mapping[str, str]
    uow: UnitOfWork


Handler = Callable[[Any, EventContext], Awaitable[None]]


class EventConsumer:
    """Runs `handlers` ({MessageClass: async handler(event, ctx)}) for one durable consumer.

    All subjects must belong to one domain's stream; a service that reads several domains runs
    one consumer per domain. `subjects` defaults to the handled event types. Processes of one
    service share the durable and so split the work.
    """

    def __init__(
        self,
        js: JetStreamContext,
        database: Database,
        *,
        durable: str,
        handlers: Mapping[type[Message], Handler],
        subjects: Sequence[str] | None = None,
        max_deliver: int = 5,
        backoff_s: Sequence[float] = DEFAULT_BACKOFF_S,
        ack_wait_s: float = 30.0,
        batch_size: int = 10,
        fetch_timeout_s: float = 5.0,
        dead_letter_prefix: str = DLQ_PREFIX,
        concurrency: int = 1,
        unit_of_work: Callable[[], UnitOfWork] | None = None,
        service: str = "",
        lag_interval_s: float = 15.0,
    ) -> None:
        if not _DURABLE.match(durable):
            raise ValueError(f"bad durable name {durable!r}: letters, digits, '-' and '_' only")
        if max_deliver < 1:
            raise ValueError("max_deliver must be at least 1")
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if not handlers:
            raise ValueError("a consumer needs at least one handler")
        self.durable = durable
        self._js = js
        self._db = database
        self._handlers = {event_type(cls): (cls, handler) for cls, handler in handlers.items()}
        self._subjects = list(subjects or sorted(self._handlers))
        domains = {domain_of(subject) for subject in self._subjects}
        if len(domains) != 1:
            raise ValueError(f"one consumer reads one domain's stream, got {sorted(domains)}")
        self._domain = domains.pop()
        self.stream = stream_name(self._domain)
        self._max_deliver = max_deliver
        self._backoff_s = tuple(backoff_s) or (0.0,)
        self._ack_wait_s = ack_wait_s
        self._batch_size = batch_size
        self._fetch_timeout_s = fetch_timeout_s
        # Events handled at once by this process (1: in delivery order). Handlers that wait on
        # other services (a saga step) gain from more; the inbox keeps each event's effect once.
        self._concurrency = concurrency
        # The service's own unit of work (with its repositories), or the kit's plain one.
        self._unit_of_work = unit_of_work or database.unit_of_work
        self.dead_letter_subject = f"{dead_letter_prefix}.{durable}"
        self.metrics = ConsumerMetrics(service or durable, durable, self.stream, sorted(self._handlers))
        self._lag_interval_s = lag_interval_s
        self._lag_task: asyncio.Task[None] | None = None
        self._sub: JetStreamContext.PullSubscription | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._fetching = False

    async def start(self) -> None:
        """Create or update the durable consumer and process messages in the background."""
        if self._task is not None:
            raise RuntimeError("consumer already started")
        await self._bind()
        self._stopping = False
        self._task = asyncio.create_task(self.run(), name=f"event-consumer-{self.durable}")
        self._lag_task = asyncio.create_task(self._report_lag(), name=f"event-lag-{self.durable}")

    async def stop(self) -> None:
        """Finish the message in hand, then stop; fetched but unhandled ones are redelivered."""
        task, self._task = self._task, None
        self._stopping = True
        lag, self._lag_task = self._lag_task, None
        if lag is not None:
            lag.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await lag
        if task is not None:
            if self._fetching:  # waiting for messages, not handling one: safe to interrupt
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._sub is not None:
            await self._sub.unsubscribe()
            self._sub = None

    async def run(self) -> None:
        """Fetch and handle messages until `stop()`."""
        sub = await self._bind()
        while not self._stopping:
            self._fetching = True
            try:
                messages = await sub.fetch(self._batch_size, timeout=self._fetch_timeout_s)
            except (nats.errors.TimeoutError, TimeoutError):  # nats-py raises either when nothing came
                continue
            except Exception:
                log.exception("event_fetch_failed consumer=%s", self.durable)
                await asyncio.sleep(1.0)
                continue
            finally:
                self._fetching = False
            if self._concurrency > 1:
                await self._handle_concurrently(messages)
                continue
            for index, msg in enumerate(messages):
                if self._stopping:  # the rest are redelivered after ack_wait
                    break
                if index:  # restart the ack timer of messages that waited for earlier ones
                    await msg.in_progress()
                await self._handle_logged(msg)

    async def _handle_logged(self, msg: Msg) -> None:
        try:
            await self.handle(msg)
        except Exception:  # e.g. the connection dropped while acking: redelivery follows
            log.exception("event_handling_failed consumer=%s", self.durable)

    async def _handle_concurrently(self, messages: Sequence[Msg]) -> None:
        """Up to `concurrency` messages of the batch at once (no order between them)."""
        slots = asyncio.Semaphore(self._concurrency)

        async def one(msg: Msg) -> None:
            async with slots:
                if not self._stopping:  # else redelivered after ack_wait
                    await self._handle_logged(msg)

        await asyncio.gather(*(one(msg) for msg in messages))

    async def handle(self, msg: Msg) -> None:
        """Handle one delivered message completely: ack, nak or dead-letter it."""
        headers = dict(msg.headers or {})
        delivery = msg.metadata.num_delivered or 1
        type_name = headers.get(EVENT_TYPE) or msg.subject
        if delivery > self._max_deliver:
            # The last attempt never finished (crash) or dead-lettering failed: finish it now.
            await self._dead_letter(msg, headers, delivery, "retries exhausted without an outcome")
            return
        registered = self._handlers.get(type_name)
        if registered is None:
            log.info("event_ignored consumer=%s event_type=%s", self.durable, type_name)
            await msg.ack()
            self.metrics.handled(type_name, "ignored")
            return
        event_id = headers.get(EVENT_ID) or headers.get(MSG_ID)
        if not event_id:
            await self._dead_letter(msg, headers, delivery, f"no {EVENT_ID} header")
            return
        cls, handler = registered
        try:
            event = cls.FromString(msg.data)
        except DecodeError as exc:
            await self._dead_letter(msg, headers, delivery, f"undecodable {type_name}: {exc}")
            return

        with _tracer.start_as_current_span(
            f"{type_name} process",
            context=propagate.extract(headers),
            kind=trace.SpanKind.CONSUMER,
            attributes={
                "messaging.system": "nats",
                "messaging.destination.name": msg.subject,
                "messaging.message.id": event_id,
                "messaging.consumer.group.name": self.durable,
            },
        ):
            started = time.perf_counter()
            try:
                handled = await self._handle_once(event, msg, headers, event_id, type_name, delivery, handler)
            except Exception as exc:
                self.metrics.seconds.observe(time.perf_counter() - started)
                log.warning(
                    "event_handler_failed consumer=%s event_id=%s event_type=%s delivery=%d",
                    self.durable,
                    event_id,
                    type_name,
                    delivery,
                    exc_info=True,
                )
                await self._retry_or_dead_letter(msg, headers, delivery, exc)
                return
            self.metrics.seconds.observe(time.perf_counter() - started)
        if not handled:
            log.info("event_duplicate consumer=%s event_id=%s", self.durable, event_id)
        await msg.ack()
        self.metrics.handled(type_name, "ok" if handled else "duplicate")

    async def _handle_once(
        self,
        event: Message,
        msg: Msg,
        headers: dict[str, str],
        event_id: str,
        type_name: str,
        delivery: int,
        handler: Handler,
    ) -> bool:
        """Run the handler in one transaction with the inbox row; False if already handled."""
        async with self._unit_of_work() as uow:
            if not await _claim(uow.session, self.durable, event_id, type_name):
                return False  # leaving without commit rolls back; nothing was written
            occurred = headers.get(OCCURRED_AT)
            ctx = EventContext(
                event_id=event_id,
                event_type=type_name,
                subject=msg.subject,
                occurred_at=_parse_time(occurred) if occurred else None,
                delivery=delivery,
                headers=headers,
                uow=uow,
            )
            await handler(event, ctx)
            await uow.commit()
        return True

    async def _retry_or_dead_letter(
        self, msg: Msg, headers: dict[str, str], delivery: int, exc: Exception
    ) -> None:
        if delivery >= self._max_deliver:
            await self._dead_letter(msg, headers, delivery, f"{type(exc).__name__}: {exc}")
            return
        await msg.nak(delay=self._backoff_s[min(delivery, len(self._backoff_s)) - 1])
        self.metrics.handled(headers.get(EVENT_TYPE) or msg.subject, "retry")

    async def _dead_letter(self, msg: Msg, headers: dict[str, str], delivery: int, reason: str) -> None:
        """Copy the message to the dead-letter subject, then terminate it."""
        dead = dict(headers)
        # The original Nats-Msg-Id (the event id) would be de-duplicated against another
        # consumer's dead letter of the same event; key it by consumer instead, which also
        # makes a repeated dead-lettering of this message a no-op.
        original_id = headers.get(EVENT_ID) or headers.get(MSG_ID) or f"seq-{msg.metadata.sequence.stream}"
        dead[MSG_ID] = f"{self.durable}:{original_id}"
        dead[DLQ_REASON] = _header_value(reason)
        dead[DLQ_DELIVERIES] = str(delivery)
        dead[DLQ_ORIGINAL_SUBJECT] = msg.subject
        dead[DLQ_CONSUMER] = self.durable
        try:
            await self._js.publish(self.dead_letter_subject, msg.data, headers=dead)
        except Exception:
            # Keep the message: it comes back after the delay and is dead-lettered again.
            log.exception("event_dead_letter_failed consumer=%s", self.durable)
            await msg.nak(delay=self._backoff_s[-1])
            return
        log.error(
            "event_dead_lettered consumer=%s subject=%s deliveries=%d reason=%s",
            self.durable,
            msg.subject,
            delivery,
            dead[DLQ_REASON],
        )
        await msg.term()
        self.metrics.dead_lettered(headers.get(EVENT_TYPE) or msg.subject)

    async def measure_lag(self) -> tuple[int, int]:
        """JetStream's num_pending and num_ack_pending for this durable; sets the gauges."""
        info = await self._js.consumer_info(self.stream, self.durable)
        pending, ack_pending = int(info.num_pending or 0), int(info.num_ack_pending or 0)
        self.metrics.pending.set(pending)
        self.metrics.ack_pending.set(ack_pending)
        return pending, ack_pending

    async def _report_lag(self) -> None:
        while True:
            try:
                await self.measure_lag()
            except Exception:  # NATS is away: the gauges keep their last values
                log.warning("event_lag_unmeasured consumer=%s", self.durable, exc_info=True)
            await asyncio.sleep(self._lag_interval_s)

    async def _bind(self) -> JetStreamContext.PullSubscription:
        if self._sub is None:
            config = ConsumerConfig(
                durable_name=self.durable,
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL,
                ack_wait=self._ack_wait_s,
                max_deliver=-1,  # the kit counts deliveries and dead-letters (see module doc)
                **_filter(self._subjects),
            )
            try:
                await self._js.stream_info(self.stream)
            except nats.js.errors.NotFoundError:
                # The publishing service has not started yet (a mesh starts all at once):
                # create its stream as it would; it updates the config when it starts.
                await ensure_stream(self._js, self._domain)
            # Creating an existing durable updates it when the config changed.
            await self._js.add_consumer(self.stream, config)
            self._sub = await self._js.pull_subscribe_bind(durable=self.durable, stream=self.stream)
        return self._sub


async def _claim(session: AsyncSession, consumer: str, event_id: str, type_name: str) -> bool:
    """Insert the inbox row; False when this consumer already handled the event.

    On PostgreSQL a concurrent claim of the same event waits for the first transaction and
    then sees the conflict (or succeeds, if the first rolled back).
    """
    statement = (
        pg_insert(inbox)
        .values(consumer=consumer, event_id=event_id, event_type=type_name, handled_at=datetime.now(UTC))
        .on_conflict_do_nothing(index_elements=[inbox.c.consumer, inbox.c.event_id])
        .returning(inbox.c.event_id)  # rowcount is not reliable across drivers; RETURNING is
    )
    return (await session.execute(statement)).first() is not None


def _filter(subjects: list[str]) -> dict[str, Any]:
    if len(subjects) == 1:
        return {"filter_subject": subjects[0]}
    return {"filter_subjects": subjects}


def _header_value(text: str, limit: int = 1024) -> str:
    # NATS header values are single lines.
    return " ".join(text.split())[:limit]
