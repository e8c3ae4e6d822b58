"""The event metrics the alerts and dashboards read (observability.event_metrics), made by
real conditions against real PostgreSQL and JetStream: a backlog behind an unreachable
broker, a consumer that has not caught up, a poison message, a duplicate."""

from __future__ import annotations

import uuid

import pytest
from nats.errors import NoServersError
from prometheus_client import REGISTRY

from lms_kit.events.consumer import EventConsumer, EventContext
from lms_kit.events.envelope import Envelope, event_type
from lms_kit.events.relay import OutboxRelay
from lms_kit.events.streams import DLQ_STREAM, ensure_dead_letter_stream

from .test_event_consumer import FAST, all_acked, durable, publish, record_effect
from .test_outbox_relay import create_widget


def sample(name: str, **labels: str) -> float:
    value = REGISTRY.get_sample_value(name, labels)
    return 0.0 if value is None else value


class UnreachableBroker:
    """What JetStream looks like with NATS down: every publish fails."""

    async def publish(self, *args, **kwargs):
        raise NoServersError()


async def test_outbox_backlog_and_failures_are_reported_while_the_broker_is_down_then_clear(
    database, js, domain
):
    service = f"svc-{uuid.uuid4().hex[:8]}"
    for title in ("a", "b", "c"):
        await create_widget(database, domain, title)
    down = OutboxRelay(database, UnreachableBroker(), service=service)  # type: ignore[arg-type]

    with pytest.raises(NoServersError):
        await down.publish_pending()
    pending, age = await down.measure_backlog()

    assert pending == 3 and age > 0
    assert sample("lms_outbox_pending_events", service=service) == 3
    assert sample("lms_outbox_oldest_pending_age_seconds", service=service) == age
    assert sample("lms_outbox_publish_failures_total", service=service) == 1

    up = OutboxRelay(database, js, service=service)
    assert await up.publish_pending() == 3
    assert await up.measure_backlog() == (0, 0.0)
    assert sample("lms_outbox_oldest_pending_age_seconds", service=service) == 0
    published = event_type(domain.WidgetCreated)
    assert sample("lms_events_published_total", service=service, event_type=published) == 3


async def test_consumer_lag_outcomes_and_dead_letters_are_counted_from_zero(database, js, domain, eventually):
    await ensure_dead_letter_stream(js)
    name, service = durable(), f"svc-{uuid.uuid4().hex[:8]}"
    widget = event_type(domain.WidgetCreated)

    async def picky(event, ctx: EventContext) -> None:
        if event.title == "poison":
            raise ValueError("cannot handle this widget")
        await record_effect(event, ctx)

    consumer = EventConsumer(
        js,
        database,
        durable=name,
        handlers={domain.WidgetCreated: picky},
        max_deliver=2,
        service=service,
        **FAST,
    )
    labels = {"service": service, "durable": name, "event_type": widget}
    # Before anything happened the series exist at 0, so increase() sees the first dead letter.
    assert REGISTRY.get_sample_value("lms_consumer_dead_letters_total", labels) == 0
    good = Envelope.new(domain.WidgetCreated(widget_id="w1", title="fine"))
    await publish(js, good)
    await publish(js, good, msg_id=uuid.uuid4().hex)  # the same event past the stream dedupe: a duplicate
    await publish(js, Envelope.new(domain.WidgetCreated(widget_id="w2", title="poison")))
    await consumer._bind()

    assert await consumer.measure_lag() == (3, 0)  # nothing delivered yet
    assert sample("lms_consumer_pending_messages", service=service, durable=name, stream=domain.stream) == 3

    await consumer.start()
    try:
        await eventually(all_acked(js, consumer, 3))
    finally:
        await consumer.stop()
        await js.purge_stream(DLQ_STREAM, subject=consumer.dead_letter_subject)
    assert await consumer.measure_lag() == (0, 0)

    def handled(outcome: str) -> float:
        return sample("lms_consumer_handled_total", **labels, outcome=outcome)

    assert (handled("ok"), handled("duplicate"), handled("retry"), handled("dead_letter")) == (1, 1, 1, 1)
    assert sample("lms_consumer_dead_letters_total", **labels) == 1
    # ok, duplicate, and the poison's two failed attempts were timed.
    assert sample("lms_consumer_handling_seconds_count", service=service, durable=name) == 4
