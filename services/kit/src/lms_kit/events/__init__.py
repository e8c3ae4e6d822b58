"""Domain events: envelope, streams, transactional outbox relay and idempotent consumer.

See docs/kit-events.md for the guarantees and the header and dead-letter schemes.
"""

from lms_kit.events.consumer import EventConsumer, EventContext, Handler
from lms_kit.events.envelope import Envelope, event_type
from lms_kit.events.relay import OutboxRelay
from lms_kit.events.runtime import EventRuntime
from lms_kit.events.schema import create_kit_tables, drop_kit_tables, inbox, outbox
from lms_kit.events.streams import ensure_dead_letter_stream, ensure_stream, stream_name

__all__ = [
    "Envelope",
    "EventConsumer",
    "EventContext",
    "EventRuntime",
    "Handler",
    "OutboxRelay",
    "create_kit_tables",
    "drop_kit_tables",
    "ensure_dead_letter_stream",
    "ensure_stream",
    "event_type",
    "inbox",
    "outbox",
    "stream_name",
]
