"""Request validation from the `(lms.options.v1.field)` rules in the contract.

Rules are compiled once per message type into a list of small checks; a
message with no rules anywhere costs one dict lookup. All violations of a
request are collected, so a client learns every bad field in one answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any, TypeAlias

from google.protobuf import descriptor as pb_descriptor
from google.protobuf.message import Message

from lms.options.v1 import options_pb2
from lms_kit.errors import FieldViolation, Invalid
from lms_kit.policy import ContractError

FD: TypeAlias = pb_descriptor.FieldDescriptor


def _format_check(regex: re.Pattern[str], reason: str, text: str) -> Callable[[Any], tuple[str, str] | None]:
    return lambda v: None if regex.fullmatch(v) else (reason, text)


# Checks append violations for one message to `out`, prefixing paths with `prefix`.
Check = Callable[[Message, str, list[FieldViolation]], None]

_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_INTEGER_TYPES = {
    FD.TYPE_INT32, FD.TYPE_INT64, FD.TYPE_UINT32, FD.TYPE_UINT64, FD.TYPE_SINT32,
    FD.TYPE_SINT64, FD.TYPE_FIXED32, FD.TYPE_FIXED64, FD.TYPE_SFIXED32, FD.TYPE_SFIXED64,
}  # fmt: skip
_NUMBER_TYPES = _INTEGER_TYPES | {FD.TYPE_FLOAT, FD.TYPE_DOUBLE}


def validate(message: Message) -> None:
    """Raise InvalidArgument listing every rule `message` breaks."""
    checks = _checks_for(message.DESCRIPTOR)
    if not checks:
        return
    violations: list[FieldViolation] = []
    for check in checks:
        check(message, "", violations)
    if violations:
        raise Invalid(violations)


def violations_of(message: Message) -> list[FieldViolation]:
    violations: list[FieldViolation] = []
    for check in _checks_for(message.DESCRIPTOR):
        check(message, "", violations)
    return violations


@cache
def _checks_for(descriptor: pb_descriptor.Descriptor) -> tuple[Check, ...]:
    return tuple(_compile_message(descriptor, ()))


def check_contract(descriptor: pb_descriptor.Descriptor) -> None:
    """Compile the rules of a message (and what it nests), raising ContractError
    for a rule that does not fit its field's type. Called at start-up."""
    _checks_for(descriptor)


def _compile_message(descriptor: pb_descriptor.Descriptor, seen: tuple[str, ...]) -> list[Check]:
    if descriptor.full_name in seen:  # recursive types: rules of the outer level only
        return []
    checks: list[Check] = []
    for field in descriptor.fields:
        options = field.GetOptions()
        rules = options.Extensions[options_pb2.field] if options.HasExtension(options_pb2.field) else None
        if rules is not None:
            checks.extend(_compile_field(field, rules))
        if field.message_type is not None and not field.message_type.GetOptions().map_entry:
            nested = _compile_message(field.message_type, (*seen, descriptor.full_name))
            if nested:
                checks.append(_nested_check(field, tuple(nested)))
    return checks


def _nested_check(field: FD, nested: tuple[Check, ...]) -> Check:
    name = field.name
    if _is_repeated(field):

        def check_items(message: Message, prefix: str, out: list[FieldViolation]) -> None:
            for i, item in enumerate(getattr(message, name)):
                for check in nested:
                    check(item, f"{prefix}{name}[{i}].", out)

        return check_items

    def check_nested(message: Message, prefix: str, out: list[FieldViolation]) -> None:
        if message.HasField(name):
            child = getattr(message, name)
            for check in nested:
                check(child, f"{prefix}{name}.", out)

    return check_nested


def _is_repeated(field: FD) -> bool:
    return field.is_repeated if hasattr(field, "is_repeated") else field.label == FD.LABEL_REPEATED


def _compile_field(field: FD, rules: options_pb2.FieldRules) -> list[Check]:
    where = f"{field.containing_type.full_name}.{field.name}"
    if _is_repeated(field):
        return _compile_repeated(field, rules, where)
    value_check = _compile_value(field, rules, where)
    name = field.name
    required = rules.required
    is_message = field.type == FD.TYPE_MESSAGE
    if is_message and (set(_rule_names(rules)) - {"required"}):
        raise ContractError(f"{where}: only `required` applies to message fields")

    def check(message: Message, prefix: str, out: list[FieldViolation]) -> None:
        if is_message:
            if required and not message.HasField(name):
                out.append(FieldViolation(prefix + name, "is required", "REQUIRED"))
            return
        value = getattr(message, name)
        if not value:
            if required:
                out.append(FieldViolation(prefix + name, "is required", "REQUIRED"))
                return
            if rules.ignore_empty:
                return
        if value_check is not None:
            problem = value_check(value)
            if problem:
                out.append(FieldViolation(prefix + name, problem[1], problem[0]))

    return [check]


def _compile_repeated(field: FD, rules: options_pb2.FieldRules, where: str) -> list[Check]:
    name = field.name
    min_items, max_items, required = rules.min_items, rules.max_items, rules.required
    item_rules = options_pb2.FieldRules()
    item_rules.CopyFrom(rules)
    for cleared in ("required", "min_items", "max_items"):
        item_rules.ClearField(cleared)
    item_check = (
        _compile_value(field, item_rules, where)
        if field.type != FD.TYPE_MESSAGE and _rule_names(item_rules)
        else None
    )

    def check(message: Message, prefix: str, out: list[FieldViolation]) -> None:
        items = getattr(message, name)
        count = len(items)
        if required and count == 0:
            out.append(FieldViolation(prefix + name, "is required", "REQUIRED"))
        if min_items and count < min_items:
            out.append(FieldViolation(prefix + name, f"needs at least {min_items} items", "MIN_ITEMS"))
        if max_items and count > max_items:
            out.append(FieldViolation(prefix + name, f"allows at most {max_items} items", "MAX_ITEMS"))
        if item_check is not None:
            for i, item in enumerate(items):
                problem = item_check(item)
                if problem:
                    out.append(FieldViolation(f"{prefix}{name}[{i}]", problem[1], problem[0]))

    return [check]


def _rule_names(rules: options_pb2.FieldRules) -> list[str]:
    return [f.name for f, _ in rules.ListFields() if f.name not in ("ignore_empty",)]


ValueCheck = Callable[[object], "tuple[str, str] | None"]


def _compile_value(field: FD, rules: options_pb2.FieldRules, where: str) -> ValueCheck | None:
    """A check of one non-empty value, returning (reason, description) on failure."""
    present = set(_rule_names(rules)) - {"required"}
    if not present:
        return None
    kind = field.type
    string_rules = {"min_len", "max_len", "pattern", "email", "uuid", "currency_code"}
    number_rules = {"min", "max", "has_min", "has_max"}
    if kind == FD.TYPE_STRING:
        allowed = string_rules
    elif kind == FD.TYPE_BYTES:
        allowed = {"max_len"}
    elif kind in _NUMBER_TYPES:
        allowed = number_rules
    elif kind == FD.TYPE_ENUM:
        allowed = {"defined_only"}
    else:
        allowed = set()
    wrong = present - allowed
    if wrong:
        raise ContractError(f"{where}: rules {sorted(wrong)} do not apply to this field type")

    parts: list[Callable[[Any], tuple[str, str] | None]] = []
    if kind == FD.TYPE_STRING or kind == FD.TYPE_BYTES:
        if rules.min_len:
            n = rules.min_len
            parts.append(
                lambda v: None if len(v) >= n else ("MIN_LENGTH", f"must be at least {n} characters")
            )
        if rules.max_len:
            m = rules.max_len
            parts.append(lambda v: None if len(v) <= m else ("MAX_LENGTH", f"must be at most {m} characters"))
        if rules.pattern:
            try:
                regex = re.compile(rules.pattern)
            except re.error as exc:
                raise ContractError(f"{where}: bad pattern: {exc}") from None
            shown = rules.pattern
            parts.append(
                lambda v: None if regex.fullmatch(v) else ("PATTERN", f"must match the pattern {shown}")
            )
        for enabled, regex_, reason, text in (
            (rules.email, _EMAIL, "EMAIL", "must be an email address"),
            (rules.uuid, _UUID, "UUID", "must be a UUID"),
            (rules.currency_code, _CURRENCY, "CURRENCY_CODE", "must be an ISO 4217 currency code"),
        ):
            if enabled:
                parts.append(_format_check(regex_, reason, text))
    elif kind in _NUMBER_TYPES:
        if rules.has_min:
            lo = rules.min
            parts.append(lambda v: None if v >= lo else ("MIN", f"must be at least {lo}"))
        if rules.has_max:
            hi = rules.max
            parts.append(lambda v: None if v <= hi else ("MAX", f"must be at most {hi}"))
    elif kind == FD.TYPE_ENUM and rules.defined_only:
        defined = frozenset(v.number for v in field.enum_type.values)
        parts.append(lambda v: None if v in defined else ("UNDEFINED_ENUM", "must be a defined value"))

    def check(value: object) -> tuple[str, str] | None:
        for part in parts:
            problem = part(value)
            if problem:
                return problem
        return None

    return check
