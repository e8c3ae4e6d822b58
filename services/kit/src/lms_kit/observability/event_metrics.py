"""Prometheus metrics of the outbox relay and the event consumers (the names and labels
scripts/gen_monitoring.py's catalogue, the alerts and the dashboards use). Every series
carries `service`. Gauges say how they merge across worker processes (multiprocess mode):
a backlog is the same table or consumer seen by each worker, so the maximum is the value."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# Handler time per event: a few ms for an inbox hit, seconds for a saga step or an email.
_EVENT_BUCKETS = (0.005, 0.025, 0.1, 0.5, 2.5, 10, 60)

OUTBOX_PENDING = Gauge(
    "lms_outbox_pending_events",
    "Outbox rows not yet published.",
    ["service"],
    multiprocess_mode="max",
)
OUTBOX_OLDEST_AGE = Gauge(
    "lms_outbox_oldest_pending_age_seconds",
    "Age of the oldest unpublished outbox row (0 when empty).",
    ["service"],
    multiprocess_mode="max",
)
EVENTS_PUBLISHED = Counter(
    "lms_events_published_total",
    "Domain events acknowledged by JetStream, by full proto name.",
    ["service", "event_type"],
)
PUBLISH_FAILURES = Counter(
    "lms_outbox_publish_failures_total",
    "Failed outbox publishes.",
    ["service"],
)
CONSUMER_PENDING = Gauge(
    "lms_consumer_pending_messages",
    "Messages the durable consumer has not yet been delivered (JetStream num_pending).",
    ["service", "durable", "stream"],
    multiprocess_mode="max",
)
CONSUMER_ACK_PENDING = Gauge(
    "lms_consumer_ack_pending_messages",
    "Messages delivered and not yet acknowledged (JetStream num_ack_pending).",
    ["service", "durable"],
    multiprocess_mode="max",
)
CONSUMER_HANDLED = Counter(
    "lms_consumer_handled_total",
    "Events handled, by outcome: ok, duplicate, ignored, retry, dead_letter.",
    ["service", "durable", "event_type", "outcome"],
)
CONSUMER_SECONDS = Histogram(
    "lms_consumer_handling_seconds",
    "Handler time per event, inbox claim and commit included.",
    ["service", "durable"],
    buckets=_EVENT_BUCKETS,
)
DEAD_LETTERS = Counter(
    "lms_consumer_dead_letters_total",
    "Events sent to lms.dlq.<durable>.",
    ["service", "durable", "event_type"],
)

OUTCOMES = ("ok", "duplicate", "ignored", "retry", "dead_letter")


class ConsumerMetrics:
    """One consumer's label children. Its event types start at zero, so that `increase()`
    (the dead-letter alert) sees the very first dead letter, not only the second."""

    def __init__(self, service: str, durable: str, stream: str, event_types: list[str]) -> None:
        self._service, self._durable = service, durable
        self.pending = CONSUMER_PENDING.labels(service, durable, stream)
        self.ack_pending = CONSUMER_ACK_PENDING.labels(service, durable)
        self.seconds = CONSUMER_SECONDS.labels(service, durable)
        for type_name in event_types:
            DEAD_LETTERS.labels(service, durable, type_name)
            for outcome in OUTCOMES:
                CONSUMER_HANDLED.labels(service, durable, type_name, outcome)

    def handled(self, type_name: str, outcome: str) -> None:
        CONSUMER_HANDLED.labels(self._service, self._durable, type_name, outcome).inc()

    def dead_lettered(self, type_name: str) -> None:
        DEAD_LETTERS.labels(self._service, self._durable, type_name).inc()
        self.handled(type_name, "dead_letter")


class OutboxMetrics:
    def __init__(self, service: str) -> None:
        self._service = service
        self.pending = OUTBOX_PENDING.labels(service)
        self.oldest_age = OUTBOX_OLDEST_AGE.labels(service)
        self.failures = PUBLISH_FAILURES.labels(service)

    def published(self, type_name: str) -> None:
        EVENTS_PUBLISHED.labels(self._service, type_name).inc()
