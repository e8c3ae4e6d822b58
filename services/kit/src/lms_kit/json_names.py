"""Field paths as a REST client wrote them.

A field violation names the field by its proto path (`user.display_name`,
`questions[2].correct_choice`): right for gRPC callers, but a web or mobile client that sent
JSON wrote `user.displayName`. The gateway marks transcoded calls (`x-lms-client-format: json`)
and the pipeline renames the paths of their violations with the fields' JSON names."""

from __future__ import annotations

import re
from functools import lru_cache

from google.protobuf import descriptor_pool
from google.protobuf.descriptor import Descriptor, FieldDescriptor

CLIENT_FORMAT_HEADER = "x-lms-client-format"
_SEGMENT = re.compile(r"^([A-Za-z0-9_]+)((?:\[[^\]]*\])*)$")


def camel(name: str) -> str:
    """protoc's default JSON name: `correct_choice` -> `correctChoice`."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def json_path(message: Descriptor | None, path: str) -> str:
    """`path` with each segment replaced by its field's JSON name, walking `message`;
    segments the descriptor does not know are camel-cased (the same rule protoc uses)."""
    if not path:
        return path
    renamed = []
    current = message
    for segment in path.split("."):
        match = _SEGMENT.match(segment)
        if match is None:  # not a field name (a map key with a dot...): keep the rest as is
            renamed.append(segment)
            current = None
            continue
        name, index = match.groups()
        field = current.fields_by_name.get(name) if current is not None else None
        renamed.append((field.json_name if field is not None else camel(name)) + index)
        current = _value_type(field)
    return ".".join(renamed)


def _value_type(field: FieldDescriptor | None) -> Descriptor | None:
    if field is None or field.message_type is None:
        return None
    message = field.message_type
    if message.GetOptions().map_entry:  # `labels[key].x` walks into the map's values
        return _value_type(message.fields_by_name["value"])
    return message


@lru_cache(maxsize=1024)
def request_type(method: str) -> Descriptor | None:
    """The request message of `/pkg.Service/Method`, from the generated descriptors."""
    service, _, name = method.lstrip("/").partition("/")
    try:
        return descriptor_pool.Default().FindMethodByName(f"{service}.{name}").input_type
    except KeyError:
        return None
