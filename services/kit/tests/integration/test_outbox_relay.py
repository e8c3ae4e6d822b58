"""The transactional outbox against real PostgreSQL and JetStream."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import timedelta

import pytest
from nats.js import JetStreamContext
from opentelemetry import context as otel_context
from opentelemetry import trace
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from lms_kit.db import Database
from lms_kit.events.envelope import EVENT_ID, EVENT_TYPE, MSG_ID, OCCURRED_AT, parse_time
from lms_kit.events.relay import OutboxRelay
from lms_kit.events.schema import outbox


class RelayKilled(Exception):
    """Stands for the process dying between the PubAck and the commit of the mark."""


class RelayDyingBeforeMark(OutboxRelay):
    def __init__(self, *args, dies_with: BaseException, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._dies_with = dies_with

    async def _mark_published(self, session: AsyncSession, sequences: list[int]) -> None:
        raise self._dies_with


async def create_widget(db: Database, domain, title: str = "first") -> str:
    widget_id = uuid.uuid4().hex
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            text("INSERT INTO widgets (widget_id, title) VALUES (:id, :title)"),
            {"id": widget_id, "title": title},
        )
        uow.record(domain.WidgetCreated(widget_id=widget_id, title=title))
        await uow.commit()
    return widget_id


async def stream_messages(js: JetStreamContext, stream: str) -> int:
    return (await js.stream_info(stream)).state.messages


async def count(db: Database, table: str) -> int:
    async with db.session() as session:
        return (await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()


@pytest.mark.parametrize("death", [RelayKilled("killed"), asyncio.CancelledError()], ids=["error", "cancel"])
async def test_event_is_in_the_stream_once_when_the_relay_dies_between_publish_and_mark(
    database, js, domain, death
):
    widget_id = await create_widget(database, domain)

    with pytest.raises(type(death)):
        await RelayDyingBeforeMark(database, js, dies_with=death).publish_pending()
    assert await stream_messages(js, domain.stream) == 1  # the publish happened...
    async with database.session() as session:  # ...but the row was never marked
        assert (await session.execute(select(outbox.c.published_at))).scalar_one() is None

    assert await OutboxRelay(database, js).publish_pending() == 1

    assert await stream_messages(js, domain.stream) == 1
    async with database.session() as session:
        row = (await session.execute(select(outbox))).one()
    assert row.published_at is not None
    stored = await js.get_msg(domain.stream, seq=1)
    assert stored.headers[MSG_ID] == stored.headers[EVENT_ID] == row.event_id
    assert domain.WidgetCreated.FromString(stored.data).widget_id == widget_id


@pytest.mark.parametrize("ending", ["exception", "no_commit"])
async def test_rolled_back_unit_of_work_writes_nothing_and_publishes_nothing(database, js, domain, ending):
    class Refused(Exception):
        pass

    with pytest.raises(Refused) if ending == "exception" else contextlib.nullcontext():
        async with database.unit_of_work() as uow:
            await uow.session.execute(text("INSERT INTO widgets (widget_id, title) VALUES ('w', 't')"))
            uow.record(domain.WidgetCreated(widget_id="w"))
            if ending == "exception":
                raise Refused

    assert await OutboxRelay(database, js).publish_pending() == 0
    assert await count(database, "widgets") == 0
    assert await count(database, "kit_outbox") == 0
    assert await stream_messages(js, domain.stream) == 0


async def test_relay_publishes_in_outbox_order_with_the_header_scheme(database, js, domain):
    trace_id = 0x0AF7651916CD43DD8448EB211C80319C
    parent = trace.SpanContext(
        trace_id, 0x00F067AA0BA902B7, is_remote=False, trace_flags=trace.TraceFlags.SAMPLED
    )
    token = otel_context.attach(trace.set_span_in_context(trace.NonRecordingSpan(parent)))
    try:
        async with database.unit_of_work() as uow:
            first = uow.record(domain.WidgetCreated(widget_id="1"))
            second = uow.record(domain.WidgetRenamed(widget_id="1", title="renamed"))
            await uow.commit()
    finally:
        otel_context.detach(token)
    async with database.unit_of_work() as uow:
        third = uow.record(domain.WidgetCreated(widget_id="2"))
        await uow.commit()

    assert await OutboxRelay(database, js, batch_size=2).publish_pending() == 2
    assert await OutboxRelay(database, js, batch_size=2).publish_pending() == 1

    messages = [await js.get_msg(domain.stream, seq=seq) for seq in (1, 2, 3)]
    assert [m.headers[EVENT_ID] for m in messages] == [first, second, third]
    renamed = messages[1]
    assert renamed.subject == f"lms.{domain.name}.v1.WidgetRenamed"
    assert renamed.headers[EVENT_TYPE] == renamed.subject
    assert renamed.headers[MSG_ID] == second
    assert renamed.headers["content-type"] == "application/protobuf"
    assert renamed.headers[OCCURRED_AT].endswith("Z")
    assert parse_time(renamed.headers[OCCURRED_AT]).utcoffset().total_seconds() == 0
    assert renamed.headers["traceparent"] == f"00-{trace_id:032x}-00f067aa0ba902b7-01"
    assert "traceparent" not in messages[2].headers  # recorded outside any trace
    assert domain.WidgetRenamed.FromString(renamed.data).title == "renamed"


async def test_running_relay_is_woken_by_a_commit_and_stops_cleanly(database, js, domain, eventually):
    # The poll interval is far beyond the wait below: only the commit's wake-up can publish.
    await create_widget(database, domain)
    relay = OutboxRelay(database, js, poll_interval_s=3600)
    await relay.start()
    try:
        await eventually(lambda: _stream_has(js, domain.stream, 1))  # the first pass is done
        await create_widget(database, domain)
        await eventually(lambda: _stream_has(js, domain.stream, 2))
    finally:
        await relay.stop()
    await create_widget(database, domain, title="after stop")
    assert await count(database, "kit_outbox WHERE published_at IS NULL") == 1


async def test_concurrent_relays_claim_disjoint_batches(database, js, domain):
    async with database.unit_of_work() as uow:
        for n in range(40):
            uow.record(domain.WidgetCreated(widget_id=str(n)))
        await uow.commit()
    relays = [OutboxRelay(database, js, batch_size=20) for _ in range(2)]

    published = await asyncio.gather(*(relay.publish_pending() for relay in relays))

    assert sum(published) == 40  # no row was published by both
    assert await stream_messages(js, domain.stream) == 40
    assert await count(database, "kit_outbox WHERE published_at IS NULL") == 0


async def test_published_rows_are_purged_after_the_retention(database, js, domain):
    await create_widget(database, domain)
    keeping = OutboxRelay(database, js, keep_published=timedelta(days=1))
    await keeping.publish_pending()
    assert await keeping.purge_published() == 0
    assert await OutboxRelay(database, js, keep_published=timedelta(0)).purge_published() == 1
    async with database.session() as session:
        assert (await session.execute(select(func.count()).select_from(outbox))).scalar_one() == 0


async def _stream_has(js: JetStreamContext, stream: str, n: int) -> bool:
    return await stream_messages(js, stream) == n
