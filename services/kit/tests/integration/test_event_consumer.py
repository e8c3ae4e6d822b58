"""The idempotent consumer against real PostgreSQL and JetStream."""

from __future__ import annotations

import asyncio
import uuid

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from opentelemetry import context as otel_context
from opentelemetry import trace
from sqlalchemy import text

from lms_kit.db import Database
from lms_kit.events.consumer import (
    DLQ_CONSUMER,
    DLQ_DELIVERIES,
    DLQ_ORIGINAL_SUBJECT,
    DLQ_REASON,
    EventConsumer,
    EventContext,
)
from lms_kit.events.envelope import EVENT_ID, MSG_ID, Envelope
from lms_kit.events.relay import OutboxRelay
from lms_kit.events.streams import DLQ_STREAM, ensure_dead_letter_stream

FAST = {"ack_wait_s": 1.0, "backoff_s": (0.05,), "fetch_timeout_s": 0.5}


def durable() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


async def publish(js: JetStreamContext, envelope: Envelope, *, msg_id: str | None = None) -> None:
    headers = dict(envelope.headers)
    if msg_id is not None:
        headers[MSG_ID] = msg_id
    await js.publish(envelope.subject, envelope.payload, headers=headers)


async def record_effect(event, ctx: EventContext) -> None:
    await ctx.uow.session.execute(
        text("INSERT INTO widget_effects (widget_id) VALUES (:id)"), {"id": event.widget_id}
    )


async def effects(db: Database) -> int:
    async with db.session() as session:
        return (await session.execute(text("SELECT count(*) FROM widget_effects"))).scalar_one()


async def inbox_rows(db: Database) -> int:
    async with db.session() as session:
        return (await session.execute(text("SELECT count(*) FROM kit_inbox"))).scalar_one()


def all_acked(js: JetStreamContext, consumer: EventConsumer, through_seq: int):
    async def probe() -> bool:
        info = await js.consumer_info(consumer.stream, consumer.durable)
        return info.ack_floor.stream_seq >= through_seq and info.num_ack_pending == 0

    return probe


async def test_handler_that_fails_after_its_write_is_retried_and_has_its_effect_once(
    database, js, domain, eventually
):
    deliveries: list[int] = []

    async def flaky(event, ctx: EventContext) -> None:
        deliveries.append(ctx.delivery)
        await record_effect(event, ctx)
        if ctx.delivery == 1:
            raise RuntimeError("crash after the write, before the commit")

    consumer = EventConsumer(js, database, durable=durable(), handlers={domain.WidgetCreated: flaky}, **FAST)
    await publish(js, Envelope.new(domain.WidgetCreated(widget_id="w1")))
    await consumer.start()
    try:
        await eventually(all_acked(js, consumer, 1))
    finally:
        await consumer.stop()

    assert deliveries == [1, 2]
    assert await effects(database) == 1
    assert await inbox_rows(database) == 1


async def test_consumer_killed_mid_handling_gets_the_event_again_and_has_its_effect_once(
    database, js, domain, eventually
):
    name = durable()
    reached_after_write = asyncio.Event()

    async def hangs(event, ctx: EventContext) -> None:
        await record_effect(event, ctx)
        reached_after_write.set()
        await asyncio.Event().wait()  # the process "dies" here, before the commit

    doomed = EventConsumer(js, database, durable=name, handlers={domain.WidgetCreated: hangs}, **FAST)
    await publish(js, Envelope.new(domain.WidgetCreated(widget_id="w1")))
    process = asyncio.create_task(doomed.run())
    await asyncio.wait_for(reached_after_write.wait(), timeout=15)
    process.cancel()  # no ack, no nak: JetStream redelivers after ack_wait
    await asyncio.gather(process, return_exceptions=True)
    await doomed.stop()

    seen: list[int] = []

    async def healthy(event, ctx: EventContext) -> None:
        seen.append(ctx.delivery)
        await record_effect(event, ctx)

    successor = EventConsumer(js, database, durable=name, handlers={domain.WidgetCreated: healthy}, **FAST)
    await successor.start()
    try:
        await eventually(all_acked(js, successor, 1))
    finally:
        await successor.stop()

    assert seen == [2]
    assert await effects(database) == 1
    assert await inbox_rows(database) == 1


async def test_same_event_delivered_twice_has_its_effect_once(database, js, domain, eventually):
    calls: list[str] = []

    async def handler(event, ctx: EventContext) -> None:
        calls.append(ctx.event_id)
        await record_effect(event, ctx)

    envelope = Envelope.new(domain.WidgetCreated(widget_id="w1"))
    # Different Nats-Msg-Ids get past JetStream's de-duplication: only the inbox can stop it.
    await publish(js, envelope, msg_id="first")
    await publish(js, envelope, msg_id="second")
    assert (await js.stream_info(domain.stream)).state.messages == 2
    consumer = EventConsumer(
        js, database, durable=durable(), handlers={domain.WidgetCreated: handler}, **FAST
    )
    await consumer.start()
    try:
        await eventually(all_acked(js, consumer, 2))
    finally:
        await consumer.stop()

    assert calls == [envelope.event_id]
    assert await effects(database) == 1


async def test_message_that_always_fails_is_dead_lettered_intact_after_max_deliver(
    database, js, domain, eventually
):
    await ensure_dead_letter_stream(js)
    attempts: list[int] = []

    async def broken(event, ctx: EventContext) -> None:
        attempts.append(ctx.delivery)
        await record_effect(event, ctx)
        raise ValueError("cannot handle\nthis widget")

    consumer = EventConsumer(
        js, database, durable=durable(), handlers={domain.WidgetCreated: broken}, max_deliver=3, **FAST
    )
    envelope = Envelope.new(domain.WidgetCreated(widget_id="w1", title="poison"))
    await publish(js, envelope)
    original = await js.get_msg(domain.stream, seq=1)

    async def dead_letter():
        try:
            return await js.get_msg(DLQ_STREAM, subject=consumer.dead_letter_subject)
        except NotFoundError:
            return None

    await consumer.start()
    try:
        dead = await eventually(dead_letter)
        await eventually(all_acked(js, consumer, 1))
    finally:
        await consumer.stop()
        await js.purge_stream(DLQ_STREAM, subject=consumer.dead_letter_subject)

    assert dead.data == original.data
    for header, value in original.headers.items():
        if header != MSG_ID:  # re-keyed per consumer, see EventConsumer._dead_letter
            assert dead.headers[header] == value
    assert dead.headers[EVENT_ID] == envelope.event_id
    assert dead.headers[DLQ_REASON] == "ValueError: cannot handle this widget"
    assert dead.headers[DLQ_DELIVERIES] == "3"
    assert dead.headers[DLQ_ORIGINAL_SUBJECT] == original.subject
    assert dead.headers[DLQ_CONSUMER] == consumer.durable
    assert attempts == [1, 2, 3]
    assert await effects(database) == 0
    assert await inbox_rows(database) == 0


async def test_event_type_without_a_handler_is_acked_and_ignored(database, js, domain, eventually):
    handled: list[str] = []

    async def handler(event, ctx: EventContext) -> None:
        handled.append(ctx.event_type)

    consumer = EventConsumer(
        js,
        database,
        durable=durable(),
        subjects=[f"lms.{domain.name}.v1.>"],
        handlers={domain.WidgetCreated: handler},
        **FAST,
    )
    await publish(js, Envelope.new(domain.WidgetRenamed(widget_id="w1")))
    await publish(js, Envelope.new(domain.WidgetCreated(widget_id="w1")))
    await consumer.start()
    try:
        await eventually(all_acked(js, consumer, 2))
    finally:
        await consumer.stop()

    assert handled == [f"lms.{domain.name}.v1.WidgetCreated"]
    assert await inbox_rows(database) == 1


async def test_handler_continues_the_trace_and_its_events_commit_with_its_writes(
    database, js, domain, eventually
):
    trace_id = 0x4BF92F3577B34DA6A3CE929D0E0E4736
    parent = trace.SpanContext(
        trace_id, 0x00F067AA0BA902B7, is_remote=False, trace_flags=trace.TraceFlags.SAMPLED
    )
    token = otel_context.attach(trace.set_span_in_context(trace.NonRecordingSpan(parent)))
    try:
        async with database.unit_of_work() as uow:
            uow.record(domain.WidgetCreated(widget_id="w1"))
            await uow.commit()
    finally:
        otel_context.detach(token)
    await OutboxRelay(database, js).publish_pending()
    traces: list[int] = []

    async def renames(event, ctx: EventContext) -> None:
        traces.append(trace.get_current_span().get_span_context().trace_id)
        await record_effect(event, ctx)
        ctx.uow.record(domain.WidgetRenamed(widget_id=event.widget_id, title="follow-up"))

    consumer = EventConsumer(
        js, database, durable=durable(), handlers={domain.WidgetCreated: renames}, **FAST
    )
    await consumer.start()
    try:
        await eventually(all_acked(js, consumer, 1))
    finally:
        await consumer.stop()

    assert traces == [trace_id]
    assert await effects(database) == 1
    async with database.session() as session:
        follow_up = (
            await session.execute(text("SELECT event_type, headers FROM kit_outbox ORDER BY sequence DESC"))
        ).first()
    assert follow_up.event_type == f"lms.{domain.name}.v1.WidgetRenamed"
    assert follow_up.headers["traceparent"].split("-")[1] == f"{trace_id:032x}"


async def test_concurrent_handling_overlaps_slow_handlers_and_still_has_each_effect_once(
    database, js, domain, eventually
):
    in_flight = peak = 0

    async def slow(event, ctx: EventContext) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.2)  # a saga step waiting on another service
        await record_effect(event, ctx)
        in_flight -= 1

    same = Envelope.new(domain.WidgetCreated(widget_id="twice"))
    await publish(js, same, msg_id="a")
    await publish(js, same, msg_id="b")  # the same event twice, in one batch
    for i in range(6):
        await publish(js, Envelope.new(domain.WidgetCreated(widget_id=f"w{i}")))
    consumer = EventConsumer(
        js, database, durable=durable(), handlers={domain.WidgetCreated: slow}, concurrency=4, **FAST
    )
    await consumer.start()
    try:
        await eventually(all_acked(js, consumer, 8))
    finally:
        await consumer.stop()

    assert peak > 1  # handled side by side
    assert await effects(database) == 7  # the duplicate once
