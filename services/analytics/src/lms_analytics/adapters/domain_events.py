"""Every event type of a domain, found in its generated events module's descriptor, so a new
event type is ingested without a code change here; payloads become proto-JSON dicts."""

from __future__ import annotations

import importlib
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass


def event_classes(domain: str) -> list[type[Message]]:
    """The message classes of `lms.<domain>.v1.events` (empty if the module does not exist)."""
    try:
        module = importlib.import_module(f"lms.{domain}.v1.events_pb2")
    except ModuleNotFoundError:
        return []
    descriptors = module.DESCRIPTOR.message_types_by_name.values()
    return [GetMessageClass(descriptor) for descriptor in descriptors]


def event_payload(event: Message) -> dict[str, Any]:
    """The event as JSON-ready data, proto field names kept (`user_id`, not `userId`)."""
    return json_format.MessageToDict(event, preserving_proto_field_name=True)
