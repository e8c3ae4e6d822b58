"""Generate the OpenAPI 3.0.3 document of the REST API (gen/openapi/lms.openapi.json)
from the contracts' descriptor set (gen/descriptors/lms.binpb). Never hand-edit
the document: change the contracts, run scripts/gen_protos.py, then this.

    python scripts/gen_openapi.py                      # write gen/openapi/lms.openapi.json
    python scripts/gen_openapi.py --check              # exit 1 if the committed document is stale
    python scripts/gen_openapi.py --include-testing --out X.json   # also the kit's probe (tests)

What it maps, the way Envoy's gRPC-JSON transcoder serves it:
- One operation per `google.api.http` rule (and additional binding) of every
  lms.* service; lms.testing.* only with --include-testing.
- Path templates: a variable bound to a resource name (`/v1/{name=users/*}`)
  becomes one path parameter per `*` segment (`/v1/users/{user}`), named after
  the resource pattern (`google.api.resource`) or the collection. A parameter
  holding the whole name would need its slashes percent-encoded, which the
  gateway refuses (escaped slashes are rejected) and every generated client does.
- `body: "*"`: the request message minus the path fields is the JSON body;
  `body: "field"`: that field is the body and the other fields are query
  parameters; no body: every field not in the path is a query parameter,
  nested fields with dots (`user.displayName`), as the transcoder reads them.
- Schemas follow the proto3 JSON mapping the gateway prints: camelCase names,
  64-bit integers as strings, enums as their names, Timestamp as an RFC 3339
  date-time string, Duration as `"1.5s"`, FieldMask as a comma-separated string,
  wrappers as nullable scalars, maps as objects, oneofs documented.
- Descriptions come from the proto comments; `required` from
  `(lms.options.v1.field).required` and `google.api.field_behavior` REQUIRED;
  OUTPUT_ONLY fields are readOnly; field rules become JSON Schema constraints
  where they map (minLength, maxLength, pattern, format email/uuid, minimum,
  maximum, minItems, maxItems).
- Errors: every operation documents the error statuses it can answer with a
  `google.rpc.Status` body (`code`, `message`, `details` with `@type`).
- Security: a bearer JWT scheme, required by every operation whose
  `(lms.options.v1.access)` policy is not `anonymous`.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from google.api import annotations_pb2, field_behavior_pb2, resource_pb2
from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor, MethodDescriptor

from lms.options.v1 import options_pb2

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTOR = ROOT / "gen" / "descriptors" / "lms.binpb"
OUTPUT = ROOT / "gen" / "openapi" / "lms.openapi.json"
OPENAPI_VERSION = "3.0.3"
OWN_PREFIX = "lms."
TESTING_PREFIX = "lms.testing."
SECURITY_SCHEME = "bearerAuth"
SCHEMA_REF = "#/components/schemas/"
RESPONSE_REF = "#/components/responses/"
STATUS = "google.rpc.Status"
# google.rpc detail types the platform sends (kit errors), documented for clients.
ERROR_DETAIL_TYPES = ("google.rpc.ErrorInfo", "google.rpc.BadRequest", "google.rpc.RetryInfo")
HTTP_METHODS = ("get", "put", "post", "delete", "patch")

FD = FieldDescriptor
INT64_TYPES = {FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64}
UINT64_TYPES = {FD.TYPE_UINT64, FD.TYPE_FIXED64}
INT32_TYPES = {FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32}
UINT32_TYPES = {FD.TYPE_UINT32, FD.TYPE_FIXED32}
# The kit's own checks (lms_kit.validation), as anchored JSON Schema patterns.
UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
CURRENCY_PATTERN = "^[A-Z]{3}$"
# One path segment. The gateway refuses escaped slashes, and it counts an escaped
# backslash (%5C) as one, so neither can be part of a segment.
SEGMENT_PATTERN = "^[^/\\\\]+$"

# The gRPC status -> HTTP status mapping of the gateway (google.rpc.Code docs),
# as documented error responses: (HTTP status, description).
ERROR_RESPONSES = (
    (
        "400",
        "INVALID_ARGUMENT (a BadRequest detail names every bad field), FAILED_PRECONDITION or OUT_OF_RANGE.",
    ),
    ("401", "UNAUTHENTICATED: no, an expired or an invalid access token, or bad credentials."),
    ("403", "PERMISSION_DENIED: the access policy does not let the caller in."),
    ("404", "NOT_FOUND: the resource does not exist."),
    ("409", "ALREADY_EXISTS or ABORTED: a conflict with the current state."),
    ("413", "The request body is larger than the gateway accepts."),
    ("429", "RESOURCE_EXHAUSTED: a rate limit; a RetryInfo detail says when to retry."),
    ("500", "INTERNAL, UNKNOWN or DATA_LOSS: an unexpected failure; the message says nothing more."),
    ("503", "UNAVAILABLE: the service is down, starting or shutting down; retry with backoff."),
    ("504", "DEADLINE_EXCEEDED: the call took longer than the gateway's timeout."),
)
BODY_ONLY_ERRORS = {"413"}

# Well-known types whose proto3 JSON form is not an object of their fields.
WELL_KNOWN: dict[str, dict] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {
        "type": "string",
        "pattern": "^-?[0-9]+(\\.[0-9]{1,9})?s$",
        "description": "A duration in seconds with up to nine fractional digits and an `s` suffix, e.g. `1.5s`.",
    },
    "google.protobuf.FieldMask": {
        "type": "string",
        "description": "A field mask: comma-separated camelCase field paths, e.g. `displayName,bio`.",
    },
    "google.protobuf.Struct": {"type": "object", "additionalProperties": True},
    "google.protobuf.Value": {"description": "Any JSON value."},
    "google.protobuf.ListValue": {"type": "array", "items": {}},
    "google.protobuf.Empty": {"type": "object"},
    "google.protobuf.Any": {
        "type": "object",
        "description": "A message of the type named by `@type`, with that message's fields.",
        "required": ["@type"],
        "properties": {
            "@type": {
                "type": "string",
                "description": "The type URL, e.g. `type.googleapis.com/google.rpc.ErrorInfo`.",
            }
        },
        "additionalProperties": True,
    },
    "google.protobuf.StringValue": {"type": "string", "nullable": True},
    "google.protobuf.BytesValue": {"type": "string", "format": "byte", "nullable": True},
    "google.protobuf.BoolValue": {"type": "boolean", "nullable": True},
    "google.protobuf.DoubleValue": {"type": "number", "format": "double", "nullable": True},
    "google.protobuf.FloatValue": {"type": "number", "format": "float", "nullable": True},
    "google.protobuf.Int32Value": {"type": "integer", "format": "int32", "nullable": True},
    "google.protobuf.UInt32Value": {
        "type": "integer",
        "format": "int64",
        "minimum": 0,
        "maximum": 4294967295,
        "nullable": True,
    },
    "google.protobuf.Int64Value": {
        "type": "string",
        "format": "int64",
        "pattern": "^-?[0-9]+$",
        "nullable": True,
    },
    "google.protobuf.UInt64Value": {
        "type": "string",
        "format": "uint64",
        "pattern": "^[0-9]+$",
        "nullable": True,
    },
}
# Well-known types a query parameter can carry (their JSON form is a scalar).
QUERY_WELL_KNOWN = {
    name
    for name, schema in WELL_KNOWN.items()
    if schema.get("type") in {"string", "integer", "number", "boolean"}
}


class OpenApiError(Exception):
    """The contracts use an HTTP mapping this generator (or the gateway) cannot express."""


# -- reading the descriptor set -------------------------------------------------------------------


@dataclass
class Contracts:
    pool: descriptor_pool.DescriptorPool
    files: list[descriptor_pb2.FileDescriptorProto]
    comments: dict[str, str]  # full name (fields: message.field, values: enum.VALUE) -> comment
    resource_patterns: list[str]


def load(descriptor_path: Path = DESCRIPTOR) -> Contracts:
    files = list(descriptor_pb2.FileDescriptorSet.FromString(descriptor_path.read_bytes()).file)
    pool = descriptor_pool.DescriptorPool()
    for file in files:
        pool.Add(file)
    comments: dict[str, str] = {}
    patterns: list[str] = []
    for file in files:
        comments.update(_file_comments(file))
        for message in _all_messages(file.message_type):
            if message.options.HasExtension(resource_pb2.resource):
                patterns.extend(message.options.Extensions[resource_pb2.resource].pattern)
        for definition in file.options.Extensions[resource_pb2.resource_definition]:
            patterns.extend(definition.pattern)
    return Contracts(pool, files, comments, sorted(set(patterns)))


def _all_messages(
    messages: Iterable[descriptor_pb2.DescriptorProto],
) -> Iterator[descriptor_pb2.DescriptorProto]:
    for message in messages:
        yield message
        yield from _all_messages(message.nested_type)


def _file_comments(file: descriptor_pb2.FileDescriptorProto) -> dict[str, str]:
    """Comments by full name, from the file's source info (paths per descriptor.proto)."""
    locations = {tuple(loc.path): loc for loc in file.source_code_info.location}

    def text(path: tuple[int, ...]) -> str:
        loc = locations.get(path)
        return _clean_comment(loc.leading_comments + "\n" + loc.trailing_comments) if loc else ""

    prefix = f"{file.package}." if file.package else ""
    out: dict[str, str] = {}

    def enum(e: descriptor_pb2.EnumDescriptorProto, path: tuple[int, ...], scope: str) -> None:
        name = f"{scope}{e.name}"
        out[name] = text(path)
        for i, value in enumerate(e.value):
            out[f"{name}.{value.name}"] = text((*path, 2, i))

    def message(m: descriptor_pb2.DescriptorProto, path: tuple[int, ...], scope: str) -> None:
        name = f"{scope}{m.name}"
        out[name] = text(path)
        for i, f in enumerate(m.field):
            out[f"{name}.{f.name}"] = text((*path, 2, i))
        for i, nested in enumerate(m.nested_type):
            message(nested, (*path, 3, i), f"{name}.")
        for i, nested_enum in enumerate(m.enum_type):
            enum(nested_enum, (*path, 4, i), f"{name}.")

    for i, m in enumerate(file.message_type):
        message(m, (4, i), prefix)
    for i, e in enumerate(file.enum_type):
        enum(e, (5, i), prefix)
    for i, s in enumerate(file.service):
        out[f"{prefix}{s.name}"] = text((6, i))
        for j, method in enumerate(s.method):
            out[f"{prefix}{s.name}.{method.name}"] = text((6, i, 2, j))
    return out


def _clean_comment(raw: str) -> str:
    lines = [line[1:] if line.startswith(" ") else line for line in raw.split("\n")]
    kept = [line.rstrip() for line in lines if not line.strip().startswith("buf:lint:")]
    return "\n".join(kept).strip()


# -- schemas ----------------------------------------------------------------------------------------


def _behaviors(field_: FieldDescriptor) -> set[int]:
    return set(field_.GetOptions().Extensions[field_behavior_pb2.field_behavior])


def _rules(field_: FieldDescriptor) -> options_pb2.FieldRules | None:
    options = field_.GetOptions()
    return options.Extensions[options_pb2.field] if options.HasExtension(options_pb2.field) else None


def is_required(field_: FieldDescriptor) -> bool:
    rules = _rules(field_)
    return bool(rules and rules.required) or field_behavior_pb2.REQUIRED in _behaviors(field_)


def _is_repeated(field_: FieldDescriptor) -> bool:
    return field_.is_repeated if hasattr(field_, "is_repeated") else field_.label == FD.LABEL_REPEATED


def _is_map(field_: FieldDescriptor) -> bool:
    return field_.message_type is not None and field_.message_type.GetOptions().map_entry


def _ref(name: str) -> dict:
    return {"$ref": SCHEMA_REF + name}


def _with_meta(schema: dict, meta: dict) -> dict:
    """Attach description/readOnly/... to a schema; a $ref cannot carry siblings in 3.0."""
    if not meta:
        return schema
    if "$ref" in schema:
        return {**meta, "allOf": [schema]}
    return {**meta, **schema}


class SchemaBuilder:
    """Builds components/schemas on demand, one per message and enum reached."""

    def __init__(self, contracts: Contracts) -> None:
        self.contracts = contracts
        self.schemas: dict[str, dict] = {}

    def comment(self, full_name: str) -> str:
        return self.contracts.comments.get(full_name, "")

    # messages and enums

    def message(self, descriptor: Descriptor) -> dict:
        """A schema (usually a $ref) for a message in its JSON form."""
        if descriptor.full_name in WELL_KNOWN:
            return dict(WELL_KNOWN[descriptor.full_name])
        name = descriptor.full_name
        if name not in self.schemas:
            self.schemas[name] = {}  # placeholder: recursive messages refer to themselves
            self.schemas[name] = self.object_schema(descriptor, exclude=())
        return _ref(name)

    def object_schema(self, descriptor: Descriptor, exclude: Iterable[str]) -> dict:
        excluded = set(exclude)
        properties: dict[str, dict] = {}
        required: list[str] = []
        for field_ in descriptor.fields:
            if field_.name in excluded:
                continue
            properties[field_.json_name] = self.field(field_)
            if is_required(field_):
                required.append(field_.json_name)
        schema: dict = {"type": "object"}
        description = self.comment(descriptor.full_name)
        oneofs = [o for o in descriptor.oneofs if not _is_synthetic(o)]
        notes = []
        for oneof in oneofs:
            members = [f"`{f.json_name}`" for f in oneof.fields if f.name not in excluded]
            if members:
                notes.append(f"At most one of {', '.join(members)} is set (oneof `{oneof.name}`).")
        if notes:
            description = "\n\n".join([description, *notes]) if description else "\n\n".join(notes)
        if description:
            schema["description"] = description
        if required:
            schema["required"] = required
        if properties:
            schema["properties"] = properties
        if oneofs:
            schema["x-lms-oneofs"] = {
                o.name: [f.json_name for f in o.fields if f.name not in excluded] for o in oneofs
            }
        return schema

    def enum(self, descriptor: EnumDescriptor) -> dict:
        name = descriptor.full_name
        if name not in self.schemas:
            values = [v.name for v in descriptor.values]
            lines = [self.comment(name)] if self.comment(name) else []
            lines.append(
                "\n".join(f"- `{v.name}`: {self.comment(f'{name}.{v.name}')}" for v in descriptor.values)
            )
            self.schemas[name] = {"type": "string", "description": "\n\n".join(lines), "enum": values}
        return _ref(name)

    # fields

    def field(self, field_: FieldDescriptor) -> dict:
        """The schema of a field's JSON value, with its description and rules."""
        rules = _rules(field_)
        behaviors = _behaviors(field_)
        meta: dict = {}
        description = self.comment(f"{field_.containing_type.full_name}.{field_.name}")
        if description:
            meta["description"] = description
        if field_behavior_pb2.OUTPUT_ONLY in behaviors:
            meta["readOnly"] = True
        if field_behavior_pb2.INPUT_ONLY in behaviors:
            meta["writeOnly"] = True
        required = is_required(field_)
        if _is_map(field_):
            value_field = field_.message_type.fields_by_name["value"]
            schema = {
                "type": "object",
                "additionalProperties": self.single(value_field, rules, required=False),
            }
            return _with_meta(schema, meta)
        if _is_repeated(field_):
            schema = {"type": "array", "items": self.single(field_, _item_rules(rules), required=False)}
            min_items = max(rules.min_items if rules else 0, 1 if required else 0)
            if min_items:
                schema["minItems"] = min_items
            if rules and rules.max_items:
                schema["maxItems"] = rules.max_items
            return _with_meta(schema, meta)
        return _with_meta(self.single(field_, rules, required=required), meta)

    def single(
        self, field_: FieldDescriptor, rules: options_pb2.FieldRules | None, *, required: bool
    ) -> dict:
        """The schema of one value of the field (an item, for repeated fields)."""
        kind = field_.type
        if kind == FD.TYPE_MESSAGE:
            return self.message(field_.message_type)
        if kind == FD.TYPE_ENUM:
            if required or (rules and rules.required):
                # A required enum must not be its zero (_UNSPECIFIED) value.
                values = [v.name for v in field_.enum_type.values if v.number != 0]
                self.enum(field_.enum_type)  # still a named component, for clients
                return {"type": "string", "enum": values}
            return self.enum(field_.enum_type)
        schema = _scalar(kind)
        if rules is None:
            if required and kind == FD.TYPE_STRING:
                schema["minLength"] = 1
            return schema
        constraints = _constraints(kind, rules, required=required)
        if rules.ignore_empty and not required and constraints:
            empty = {"maxLength": 0} if kind in (FD.TYPE_STRING, FD.TYPE_BYTES) else {"enum": [_zero(kind)]}
            return {**schema, "anyOf": [empty, constraints]}
        return {**schema, **constraints}


def _is_synthetic(oneof) -> bool:
    """A proto3 `optional` field's hidden oneof (named `_<field>`)."""
    return len(oneof.fields) == 1 and oneof.name == f"_{oneof.fields[0].name}"


def _item_rules(rules: options_pb2.FieldRules | None) -> options_pb2.FieldRules | None:
    if rules is None:
        return None
    item = options_pb2.FieldRules()
    item.CopyFrom(rules)
    for cleared in ("required", "min_items", "max_items"):
        item.ClearField(cleared)
    return item


def _scalar(kind: int) -> dict:
    if kind == FD.TYPE_STRING:
        return {"type": "string"}
    if kind == FD.TYPE_BYTES:
        return {"type": "string", "format": "byte"}
    if kind == FD.TYPE_BOOL:
        return {"type": "boolean"}
    if kind in INT32_TYPES:
        return {"type": "integer", "format": "int32"}
    if kind in UINT32_TYPES:
        return {"type": "integer", "format": "int64", "minimum": 0, "maximum": 4294967295}
    if kind in INT64_TYPES:
        return {"type": "string", "format": "int64", "pattern": "^-?[0-9]+$"}
    if kind in UINT64_TYPES:
        return {"type": "string", "format": "uint64", "pattern": "^[0-9]+$"}
    if kind == FD.TYPE_DOUBLE:
        return {"type": "number", "format": "double"}
    if kind == FD.TYPE_FLOAT:
        return {"type": "number", "format": "float"}
    raise OpenApiError(f"unknown field type {kind}")


def _zero(kind: int) -> object:
    if kind == FD.TYPE_BOOL:
        return False
    if kind in INT64_TYPES | UINT64_TYPES:
        return "0"
    return 0


def _constraints(kind: int, rules: options_pb2.FieldRules, *, required: bool) -> dict:
    """The JSON Schema form of the rules for one non-empty value (lms_kit.validation)."""
    out: dict = {}
    if kind == FD.TYPE_STRING:
        min_len = max(rules.min_len, 1 if required else 0)
        if min_len:
            out["minLength"] = min_len
        if rules.max_len:
            out["maxLength"] = rules.max_len
        patterns = []
        if rules.pattern:
            patterns.append(f"^(?:{rules.pattern})$")
        if rules.uuid:
            out["format"] = "uuid"
            patterns.append(UUID_PATTERN)
        if rules.currency_code:
            patterns.append(CURRENCY_PATTERN)
        if rules.email:
            out["format"] = "email"
        if len(patterns) == 1:
            out["pattern"] = patterns[0]
        elif patterns:
            out["allOf"] = [{"pattern": p} for p in patterns]
    elif kind == FD.TYPE_BYTES:
        if rules.max_len:  # base64 of max_len bytes
            out["maxLength"] = -(-rules.max_len // 3) * 4
    elif kind in INT32_TYPES | UINT32_TYPES | {FD.TYPE_DOUBLE, FD.TYPE_FLOAT}:
        # 64-bit integers are JSON strings: their bounds stay in the description.
        if rules.has_min:
            out["minimum"] = rules.min
        if rules.has_max:
            out["maximum"] = rules.max
    return out


# -- operations -------------------------------------------------------------------------------------


@dataclass
class PathParam:
    name: str  # the OpenAPI parameter name
    field_path: str  # the request field the transcoder fills (proto names, dotted)
    template: str  # the variable's template, e.g. users/{user}
    multi_segment: bool = False


@dataclass
class PathTemplate:
    openapi_path: str
    params: list[PathParam] = field(default_factory=list)

    @property
    def bound_fields(self) -> set[str]:
        return {p.field_path for p in self.params}


_VARIABLE = re.compile(r"\{([^}=]+)(?:=([^}]*))?\}")


def parse_template(template: str, request: Descriptor, patterns: list[str]) -> PathTemplate:
    """`/v1/{name=users/*}:setRoles` -> `/v1/users/{user}:setRoles`, one parameter per `*`."""
    if not template.startswith("/"):
        raise OpenApiError(f"path template {template!r} does not start with /")
    out = PathTemplate("")
    used: set[str] = set()
    pieces: list[str] = []
    position = 0
    for match in _VARIABLE.finditer(template):
        pieces.append(template[position : match.start()])
        position = match.end()
        field_path, sub = match.group(1).strip(), (match.group(2) or "*").strip()
        leaf = _resolve_field(request, field_path)
        segments = sub.split("/")
        names = _variable_names(segments, patterns, default=_json_path(request, field_path))
        rendered = []
        shown = []
        for segment, name in zip(segments, names, strict=True):
            if segment in ("*", "**"):
                unique = name
                counter = 2
                while unique in used:
                    unique, counter = f"{name}{counter}", counter + 1
                used.add(unique)
                rendered.append("{" + unique + "}")
                shown.append("{" + unique + "}")
                out.params.append(PathParam(unique, field_path, "", multi_segment=segment == "**"))
            else:
                rendered.append(segment)
                shown.append(segment)
        for param in out.params:
            if param.field_path == field_path:
                param.template = "/".join(shown)
        if leaf.type != FD.TYPE_STRING and len(segments) > 1:
            raise OpenApiError(f"{template}: a multi-segment variable needs a string field, not {field_path}")
        pieces.append("/".join(rendered))
    pieces.append(template[position:])
    out.openapi_path = "".join(pieces)
    return out


def _resolve_field(message: Descriptor, dotted: str) -> FieldDescriptor:
    current: Descriptor | None = message
    found: FieldDescriptor | None = None
    for part in dotted.split("."):
        if current is None or part not in current.fields_by_name:
            raise OpenApiError(f"{message.full_name} has no field {dotted!r}")
        found = current.fields_by_name[part]
        current = found.message_type
    assert found is not None
    return found


def _json_path(message: Descriptor, dotted: str) -> str:
    names, current = [], message
    for part in dotted.split("."):
        field_ = current.fields_by_name[part]
        names.append(field_.json_name)
        current = field_.message_type
    return (
        names[-1]
        if len(names) == 1
        else "".join(n[:1].upper() + n[1:] if i else n for i, n in enumerate(names))
    )


def _variable_names(segments: list[str], patterns: list[str], default: str) -> list[str]:
    """Names for the `*` segments of a variable's template: the variable of a resource
    pattern with the same literal segments up to there (`users/*` ~ `users/{user}`),
    else the singular of the collection before it, else the field's own name."""
    skeleton = ["*" if s in ("*", "**") else s for s in segments]
    names = []
    for i, segment in enumerate(skeleton):
        if segment != "*":
            names.append(segment)
            continue
        from_pattern = next(
            (
                _camel(parts[i].strip("{}"))
                for parts in (p.split("/") for p in patterns)
                if len(parts) > i
                and parts[i].startswith("{")
                and all(
                    (s == "*" and p.startswith("{")) or s == p
                    for s, p in zip(skeleton[:i], parts[:i], strict=True)
                )
            ),
            None,
        )
        if from_pattern:
            names.append(from_pattern)
        elif i == 0 or skeleton[i - 1] == "*":
            names.append(default)
        else:
            names.append(_singular(skeleton[i - 1]))
    return names


def _singular(collection: str) -> str:
    if collection.endswith("ies"):
        return collection[:-3] + "y"
    if collection.endswith("s") and not collection.endswith("ss"):
        return collection[:-1]
    return collection + "Id"


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@dataclass(frozen=True)
class Binding:
    method: str  # get, post, ...
    path: str  # the google.api.http template
    body: str
    response_body: str


def bindings(method: MethodDescriptor) -> list[Binding]:
    options = method.GetOptions()
    if not options.HasExtension(annotations_pb2.http):
        return []
    rule = options.Extensions[annotations_pb2.http]
    found = []
    for r in [rule, *rule.additional_bindings]:
        kind = r.WhichOneof("pattern")
        if kind == "custom":
            verb, path = r.custom.kind.lower(), r.custom.path
        else:
            verb, path = kind, getattr(r, kind)
        if verb not in HTTP_METHODS:
            raise OpenApiError(f"{method.full_name}: HTTP method {verb!r} is not supported")
        found.append(Binding(verb, path, r.body, r.response_body))
    return found


def client_methods(contracts: Contracts, include_testing: bool) -> list[MethodDescriptor]:
    """Every method with a google.api.http rule in the lms.* services, sorted."""
    methods = []
    for file in contracts.files:
        if not file.package.startswith(OWN_PREFIX):
            continue
        if file.package.startswith(TESTING_PREFIX) and not include_testing:
            continue
        for service in contracts.pool.FindFileByName(file.name).services_by_name.values():
            methods.extend(m for m in service.methods if bindings(m))
    return sorted(methods, key=lambda m: m.full_name)


def _access(method: MethodDescriptor) -> options_pb2.AccessPolicy:
    return method.GetOptions().Extensions[options_pb2.access]


def _access_text(policy: options_pb2.AccessPolicy) -> str:
    if policy.anonymous:
        return "anyone; a token, if sent, is still verified"
    who = []
    if policy.authenticated:
        who.append("any signed-in user")
    if policy.roles:
        names = [options_pb2.Role.Name(r).removeprefix("ROLE_").lower() for r in policy.roles]
        who.append("users with the role " + " or ".join(names))
    if policy.owner_field:
        who.append(f"the owner of the resource named by `{policy.owner_field}`")
    if policy.services:
        who.append("the internal services " + ", ".join(policy.services))
    return " or ".join(who) or "nobody"


class DocumentBuilder:
    def __init__(self, contracts: Contracts) -> None:
        self.contracts = contracts
        self.schemas = SchemaBuilder(contracts)
        self.operation_ids: dict[str, str] = {}

    def operation(self, method: MethodDescriptor, binding: Binding, index: int) -> tuple[str, dict]:
        request, response = method.input_type, method.output_type
        if method.client_streaming:
            raise OpenApiError(f"{method.full_name}: client-streaming RPCs cannot be client-facing")
        template = parse_template(binding.path, request, self.contracts.resource_patterns)
        bound = template.bound_fields
        comment = self.schemas.comment(method.full_name)
        summary = comment.split("\n\n")[0].replace("\n", " ")
        summary = re.split(r"(?<=\.)\s", summary, maxsplit=1)[0]
        policy = _access(method)
        description = "\n\n".join(p for p in (comment, f"**Access:** {_access_text(policy)}.") if p)
        op: dict = {
            "tags": [method.containing_service.name],
            "summary": summary,
            "description": description,
            "operationId": self._operation_id(method, index),
        }
        parameters = [self._path_parameter(request, p) for p in template.params]
        body_schema = None
        if binding.body == "*":
            body_schema = self._body_schema(method, request, bound)
        elif binding.body:
            body_field = _resolve_field(request, binding.body)
            if "." in binding.body:
                raise OpenApiError(f"{method.full_name}: a nested body field is not supported")
            nested_bound = {b.split(".", 1)[1] for b in bound if b.startswith(binding.body + ".")}
            if nested_bound and body_field.type == FD.TYPE_MESSAGE and not _is_repeated(body_field):
                body_schema = self._body_schema(method, body_field.message_type, nested_bound)
            else:
                body_schema = self.schemas.field(body_field)
            parameters += self._query_parameters(request, bound | {binding.body}, prefix="", seen=())
        else:
            parameters += self._query_parameters(request, bound, prefix="", seen=())
        if parameters:
            op["parameters"] = parameters
        if body_schema is not None:
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body_schema}}}
        op["responses"] = self._responses(method, binding, response, has_body=body_schema is not None)
        if not policy.anonymous:
            op["security"] = [{SECURITY_SCHEME: []}]
        op["x-lms-rpc"] = method.full_name
        op["x-lms-http-rule"] = {binding.method: binding.path}
        if method.GetOptions().idempotency_level:
            op["x-lms-idempotency"] = descriptor_pb2.MethodOptions.IdempotencyLevel.Name(
                method.GetOptions().idempotency_level
            )
        return template.openapi_path, op

    def _operation_id(self, method: MethodDescriptor, index: int) -> str:
        base = f"{method.containing_service.name}_{method.name}" + (f"_{index + 1}" if index else "")
        owner = self.operation_ids.get(base)
        if owner is not None and owner != method.full_name:
            base = method.full_name.replace(".", "_") + (f"_{index + 1}" if index else "")
        self.operation_ids[base] = method.full_name
        return base

    def _path_parameter(self, request: Descriptor, param: PathParam) -> dict:
        leaf = _resolve_field(request, param.field_path)
        field_doc = self.schemas.comment(f"{leaf.containing_type.full_name}.{leaf.name}")
        if param.template and param.template != "{" + param.name + "}":
            where = f"The `{{{param.name}}}` segment of `{param.field_path}` = `{param.template}`."
        else:
            where = f"The field `{param.field_path}`."
        if leaf.type == FD.TYPE_STRING:
            schema: dict = {"type": "string", "pattern": ".+" if param.multi_segment else SEGMENT_PATTERN}
        else:
            schema = self.schemas.single(leaf, _rules(leaf), required=True)
        return {
            "name": param.name,
            "in": "path",
            "required": True,
            "description": "\n\n".join(p for p in (where, field_doc) if p),
            "schema": schema,
            "x-lms-field": param.field_path,
        }

    def _body_schema(self, method: MethodDescriptor, message: Descriptor, exclude: set[str]) -> dict:
        top = {b for b in exclude if "." not in b}
        if not top:
            return self.schemas.message(message)
        # Path fields are not part of the body: a named schema of the rest.
        name = f"{method.containing_service.full_name}.{method.name}Body"
        schema = self.schemas.object_schema(message, exclude=top)
        self.schemas.schemas[name] = schema
        return _ref(name)

    def _query_parameters(
        self,
        message: Descriptor,
        exclude: set[str],
        prefix: str,
        seen: tuple[str, ...],
        required_chain: bool = True,
    ) -> list[dict]:
        params = []
        for field_ in message.fields:
            if field_.name in exclude:  # bound to the path or the body
                continue
            name = f"{prefix}{field_.json_name}"
            if field_.type == FD.TYPE_MESSAGE and not _is_map(field_):
                full = field_.message_type.full_name
                if full in QUERY_WELL_KNOWN and not _is_repeated(field_):
                    pass  # a scalar in JSON: one parameter
                elif full in WELL_KNOWN or _is_repeated(field_) or full in (*seen, message.full_name):
                    continue  # objects, lists of objects, recursion: not expressible as a query
                else:
                    nested_exclude = {
                        e[len(field_.name) + 1 :] for e in exclude if e.startswith(field_.name + ".")
                    }
                    params += self._query_parameters(
                        field_.message_type,
                        nested_exclude,
                        prefix=f"{name}.",
                        seen=(*seen, message.full_name),
                        required_chain=required_chain and is_required(field_),
                    )
                    continue
            if _is_map(field_):
                continue
            schema = self.schemas.field(field_)
            description = schema.pop("description", None)
            schema.pop("readOnly", None)
            if "allOf" in schema and len(schema) == 1:
                schema = schema["allOf"][0]
            param: dict = {"name": name, "in": "query"}
            if required_chain and is_required(field_):
                param["required"] = True
            if description:
                param["description"] = description
            param["schema"] = schema
            if _is_repeated(field_):
                param["style"] = "form"
                param["explode"] = True
            params.append(param)
        return params

    def _responses(
        self, method: MethodDescriptor, binding: Binding, response: Descriptor, has_body: bool
    ) -> dict:
        if binding.response_body:
            schema = self.schemas.field(_resolve_field(response, binding.response_body))
            schema.pop("readOnly", None)
        else:
            schema = self.schemas.message(response)
        content: dict = {"application/json": {"schema": schema}}
        if response.full_name == "google.api.HttpBody":
            # The transcoder sends the body as it is, with the type the service set
            # (a PDF, JSON-LD, a JWK Set...); a stream of them is one concatenated body.
            # No schema: JSON-shaped types (JSON-LD, a JWK Set) are not JSON strings.
            content = {"*/*": {}}
        elif method.server_streaming:  # the transcoder answers a JSON array of messages
            content = {"application/json": {"schema": {"type": "array", "items": schema}}}
        out: dict = {
            "200": {
                "description": self.schemas.comment(response.full_name).split("\n\n")[0] or "OK",
                "content": content,
            }
        }
        for status, _ in ERROR_RESPONSES:
            if status in BODY_ONLY_ERRORS and not has_body:
                continue
            out[status] = {"$ref": RESPONSE_REF + status}
        return out

    def document(self, methods: list[MethodDescriptor], include_testing: bool) -> dict:
        paths: dict[str, dict] = {}
        tags: dict[str, str] = {}
        for method in methods:
            service = method.containing_service
            tags[service.name] = self.schemas.comment(service.full_name)
            for index, binding in enumerate(bindings(method)):
                path, op = self.operation(method, binding, index)
                item = paths.setdefault(path, {})
                if binding.method in item:
                    raise OpenApiError(
                        f"{binding.method.upper()} {path}: both {item[binding.method]['x-lms-rpc']} "
                        f"and {method.full_name}"
                    )
                item[binding.method] = op
        # Errors: google.rpc.Status and the detail types the platform sends.
        pool = self.contracts.pool
        status_ref = self.schemas.message(pool.FindMessageTypeByName(STATUS))
        for detail in ERROR_DETAIL_TYPES:
            self.schemas.message(pool.FindMessageTypeByName(detail))
        responses = {
            status: {"description": text, "content": {"application/json": {"schema": status_ref}}}
            for status, text in ERROR_RESPONSES
        }
        ordered_paths = {
            path: {m: paths[path][m] for m in HTTP_METHODS if m in paths[path]} for path in sorted(paths)
        }
        title = "LMS API" + (" (with the kit's test probe)" if include_testing else "")
        return {
            "openapi": OPENAPI_VERSION,
            "info": {
                "title": title,
                "version": "v1",
                "description": INFO_DESCRIPTION,
            },
            "tags": [
                {"name": name, **({"description": text} if text else {})}
                for name, text in sorted(tags.items())
            ],
            "paths": ordered_paths,
            "components": {
                "schemas": {name: self.schemas.schemas[name] for name in sorted(self.schemas.schemas)},
                "responses": responses,
                "securitySchemes": {
                    SECURITY_SCHEME: {
                        "type": "http",
                        "scheme": "bearer",
                        "bearerFormat": "JWT",
                        "description": "An access token from `POST /v1/auth:login` (or `/v1/auth:refresh`), "
                        "sent as `Authorization: Bearer <token>`.",
                    }
                },
            },
        }


INFO_DESCRIPTION = """\
The REST API of the LMS platform, generated from the Protobuf contracts
(`protos/lms/**`) by `scripts/gen_openapi.py`. Every operation is a gRPC method
served through the gateway's gRPC-JSON transcoder.

- JSON follows the proto3 JSON mapping: camelCase field names, 64-bit integers
  as strings, enums as their names, timestamps as RFC 3339 strings. Responses
  print fields with zero values; clients must ignore fields they do not know.
- Errors are `google.rpc.Status` (`code`, `message`, `details`); clients switch
  on the `reason` of the `google.rpc.ErrorInfo` detail, never on the message.
  Bad input is 400 with a `google.rpc.BadRequest` detail naming every bad field.
- Operations that require sign-in take `Authorization: Bearer <access token>`.
"""


# -- entry points -----------------------------------------------------------------------------------


def build(descriptor_path: Path = DESCRIPTOR, *, include_testing: bool = False) -> dict:
    """The OpenAPI document of the contracts in `descriptor_path`."""
    contracts = load(descriptor_path)
    methods = client_methods(contracts, include_testing)
    return DocumentBuilder(contracts).document(methods, include_testing)


def render(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def check(output: Path = OUTPUT, descriptor_path: Path = DESCRIPTOR) -> int:
    fresh = render(build(descriptor_path))
    current = output.read_text() if output.exists() else ""
    if current != fresh:
        diff = difflib.unified_diff(
            current.splitlines(), fresh.splitlines(), "committed", "fresh", lineterm=""
        )
        print(*itertools.islice(diff, 40), sep="\n")
        print(f"{_shown(output)} is stale; run `python scripts/gen_openapi.py`")
        return 1
    print(f"{_shown(output)} is fresh")
    return 0


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed document is stale")
    parser.add_argument("--descriptor", type=Path, default=DESCRIPTOR, help="descriptor set to read")
    parser.add_argument("--out", type=Path, default=OUTPUT, help="where to write the document")
    parser.add_argument(
        "--include-testing", action="store_true", help="also map lms.testing.* (the kit's probe; for tests)"
    )
    args = parser.parse_args(argv)
    if args.check:
        return check(args.out, args.descriptor)
    document = build(args.descriptor, include_testing=args.include_testing)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(document))
    print(f"wrote {args.out} ({len(document['paths'])} paths)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
