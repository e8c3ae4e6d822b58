"""Helpers for mappers and servicers: timestamps, money, resource names, AIP-134 update
masks. The only place (with a service's own mappers) where protobuf meets domain values."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from google.protobuf import timestamp_pb2
from google.protobuf.message import Message

from lms.type.v1 import money_pb2
from lms_kit.domain.errors import FieldViolation, Invalid
from lms_kit.domain.money import Money

# -- time ---------------------------------------------------------------------------


def timestamp(moment: datetime | None) -> timestamp_pb2.Timestamp | None:
    """A Timestamp for an aware datetime; None stays None (an unset message field)."""
    if moment is None:
        return None
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def from_timestamp(message: Message, field: str) -> datetime | None:
    """The UTC datetime in `message.<field>`, or None when the field is unset."""
    if not message.HasField(field):
        return None
    value: timestamp_pb2.Timestamp = getattr(message, field)
    return value.ToDatetime(tzinfo=UTC)


def set_times(message: Message, **values: datetime | None) -> None:
    """Set each Timestamp field that has a value; leave the others unset."""
    for name, moment in values.items():
        if moment is not None:
            getattr(message, name).FromDatetime(moment)


# -- money --------------------------------------------------------------------------


def money(value: Money) -> money_pb2.Money:
    return money_pb2.Money(currency_code=value.currency, amount_minor=value.amount_minor)


def money_from_proto(message: money_pb2.Money) -> Money:
    return Money(message.amount_minor, message.currency_code)


# -- resource names -----------------------------------------------------------------


def last_id(name: str) -> str:
    """`{id}` of `.../{collection}/{id}`; "" for "" (the contract's pattern checked the shape)."""
    return name.rsplit("/", 1)[-1] if name else ""


def optional_id(name: str) -> str | None:
    return last_id(name) or None


class ResourceName:
    """One AIP-122 name pattern: `ResourceName("courses/{course}/chapters/{chapter}")`.

    `format(course="c1", chapter="h1")` builds a name; `parse(name, field)` returns the ids
    by variable, or raises Invalid naming `field` (RESOURCE_NAME_INVALID)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.variables = re.findall(r"\{(\w+)\}", pattern)
        regex = re.escape(pattern)
        for variable in self.variables:
            regex = regex.replace(re.escape("{" + variable + "}"), f"(?P<{variable}>[^/]+)")
        self._regex = re.compile(f"^{regex}$")

    def format(self, **ids: str) -> str:
        return self.pattern.format(**ids)

    def parse(self, name: str, field: str = "name") -> dict[str, str]:
        match = self._regex.match(name)
        if match is None:
            raise Invalid.field(field, "RESOURCE_NAME_INVALID", f"must look like {self.pattern}")
        return match.groupdict()

    def ids(self, name: str, field: str = "name") -> tuple[str, ...]:
        """The ids in pattern order: `course_id, chapter_id = CHAPTER.ids(name)`."""
        found = self.parse(name, field)
        return tuple(found[v] for v in self.variables)


# -- update masks (AIP-134) ---------------------------------------------------------


def update_mask(
    request: Message,
    resource: Message,
    allowed: Iterable[str],
    *,
    oneofs: Mapping[str, str] | None = None,
    mask_field: str = "update_mask",
) -> set[str]:
    """The fields an Update request changes, from its `update_mask` (`*` = every allowed
    field) or, without a mask, the fields set on `resource` (AIP-134). Paths that are not
    allowed are refused together, one violation each (INVALID_ARGUMENT, UPDATE_MASK_INVALID).
    `oneofs` maps a mask path to the oneof group it stands for (`{"content": "content"}`)."""
    allowed = tuple(allowed)
    oneofs = oneofs or {}
    if request.HasField(mask_field):
        paths = set(getattr(request, mask_field).paths)
        if "*" in paths:
            paths = (paths - {"*"}) | set(allowed)
        unknown = sorted(paths - set(allowed))
        if unknown:
            raise Invalid(
                [FieldViolation(mask_field, f"cannot update {p!r}", "UNKNOWN_FIELD") for p in unknown],
                f"these fields cannot be updated: {', '.join(unknown)}",
                reason="UPDATE_MASK_INVALID",
            )
        return paths
    return {name for name in allowed if _is_set(resource, name, oneofs)}


def _is_set(message: Message, name: str, oneofs: Mapping[str, str]) -> bool:
    if name in oneofs:
        return message.WhichOneof(oneofs[name]) is not None
    field = message.DESCRIPTOR.fields_by_name[name]
    if field.message_type is not None and not field.is_repeated:
        return message.HasField(name)
    return bool(getattr(message, name))
