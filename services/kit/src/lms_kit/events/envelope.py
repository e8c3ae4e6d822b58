"""The event envelope: how a protobuf domain event travels over NATS.

An event is a protobuf message declared in its domain's `events.proto` (package
`lms.<domain>.v1`). Its subject is its full proto name, so `lms.course.v1.CoursePublished`
is published on subject `lms.course.v1.CoursePublished`, into stream `LMS_COURSE`.
The payload is the serialized message; headers carry the metadata (see `Envelope.new`).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from google.protobuf.message import Message
from opentelemetry import propagate

# JetStream de-duplicates on this header within the stream's duplicate window.
MSG_ID = "Nats-Msg-Id"
EVENT_ID = "lms-event-id"
EVENT_TYPE = "lms-event-type"
OCCURRED_AT = "lms-occurred-at"
CONTENT_TYPE = "content-type"
PROTOBUF = "application/protobuf"

_EVENT_NAME = re.compile(r"^lms\.([a-z][a-z0-9_]*)\.v[0-9]+\.[A-Z][A-Za-z0-9]*$")


def event_type(event: Message | type[Message]) -> str:
    """The event's type and subject: its full proto name, e.g. `lms.course.v1.CoursePublished`."""
    name: str = event.DESCRIPTOR.full_name
    if not _EVENT_NAME.match(name):
        raise ValueError(f"{name!r} is not an event: events live in package lms.<domain>.v<N>")
    return name


def domain_of(subject: str) -> str:
    """`course` for `lms.course.v1.CoursePublished` (or a filter such as `lms.course.v1.>`)."""
    parts = subject.split(".")
    if len(parts) < 3 or parts[0] != "lms" or not parts[2].startswith("v"):
        raise ValueError(f"{subject!r} is not an lms.<domain>.v<N> subject")
    return parts[1]


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with microseconds and a `Z`."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True, slots=True)
class Envelope:
    """An event ready to be stored in the outbox and published as is."""

    event_id: str
    event_type: str
    occurred_at: datetime
    headers: dict[str, str]
    payload: bytes

    @property
    def subject(self) -> str:
        return self.event_type

    @classmethod
    def new(
        cls, event: Message, *, event_id: str | None = None, occurred_at: datetime | None = None
    ) -> Envelope:
        """Wrap `event`, injecting the current W3C trace context (`traceparent`, `tracestate`)."""
        name = event_type(event)
        event_id = event_id or str(uuid.uuid4())
        occurred_at = occurred_at or datetime.now(UTC)
        headers = {
            MSG_ID: event_id,
            EVENT_ID: event_id,
            EVENT_TYPE: name,
            OCCURRED_AT: format_time(occurred_at),
            CONTENT_TYPE: PROTOBUF,
        }
        propagate.inject(headers)
        return cls(event_id, name, occurred_at, headers, event.SerializeToString(deterministic=True))

    def to_outbox_row(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "event_type": self.event_type,
            "subject": self.subject,
            "headers": self.headers,
            "payload": self.payload,
            "occurred_at": self.occurred_at,
        }
