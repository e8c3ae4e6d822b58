"""proto <-> domain: the only module (with lms_kit.proto) where both worlds meet."""

from __future__ import annotations

from google.protobuf.message import Message

from lms.analytics.v1 import analytics_pb2, events_pb2
from lms_analytics.domain.model import Item, ItemCreated
from lms_kit.proto import ResourceName, timestamp

ITEM = ResourceName("items/{item}")
USER = ResourceName("users/{user}")


def item_to_proto(item: Item) -> analytics_pb2.Item:
    return analytics_pb2.Item(
        name=ITEM.format(item=item.id),
        title=item.title,
        owner=USER.format(user=item.owner_id),
        create_time=timestamp(item.created_at),
    )


def event_to_proto(event: object) -> Message:
    match event:
        case ItemCreated():
            return events_pb2.ItemCreated(
                item_id=event.item_id,
                owner_id=event.owner_id,
                title=event.title,
                create_time=timestamp(event.created_at),
            )
    raise TypeError(f"no proto for domain event {type(event).__name__}")
