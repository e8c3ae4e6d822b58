"""Question bodies as plain dicts (stored as JSON, mapped to the proto's oneof) and back.
A body's dict carries its `kind`; nested values follow the dataclass fields."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from typing import Any

from lms_assessment.domain.questions.base import Answer, Body, Variant
from lms_assessment.domain.questions.calculated import Calculated
from lms_assessment.domain.questions.choice import MultipleResponse, SingleChoice, TrueFalse
from lms_assessment.domain.questions.composite import Cloze, DragDropText
from lms_assessment.domain.questions.manual import Description, Essay, FileResponse
from lms_assessment.domain.questions.structured import Matching, Ordering
from lms_assessment.domain.questions.text import Numerical, ShortAnswer

KINDS: dict[str, type] = {
    cls.kind: cls
    for cls in (
        SingleChoice,
        MultipleResponse,
        TrueFalse,
        ShortAnswer,
        Numerical,
        Calculated,
        Matching,
        Ordering,
        Cloze,
        DragDropText,
        Essay,
        FileResponse,
        Description,
    )
}


class BodyFormatError(ValueError):
    """A stored or sent body does not fit its kind."""


def body_to_dict(body: Body) -> dict[str, Any]:
    return _plain(body)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def body_from_dict(data: Mapping[str, Any]) -> Body:
    kind = data.get("kind")
    if kind not in KINDS:
        raise BodyFormatError(f"unknown question kind {kind!r}")
    body: Body = _build(KINDS[kind], data)
    return body


@functools.cache
def _fields(cls: type) -> tuple[tuple[str, Any], ...]:
    # Resolving the annotations is the slow part of decoding: once per class.
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def _build(cls: type, data: Mapping[str, Any]) -> Any:
    values = {}
    for name, hint in _fields(cls):
        if name in data:
            values[name] = _value(hint, data[name])
    try:
        return cls(**values)
    except TypeError as exc:
        raise BodyFormatError(str(exc)) from exc


def _value(hint: Any, raw: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin is tuple:
        (item, *_rest) = typing.get_args(hint)
        return tuple(_value(item, v) for v in raw)
    if origin in (typing.Union, types.UnionType):
        # A union of bodies (a cloze gap): the dict's kind picks the class.
        return body_from_dict(raw)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(hint, raw)
    if hint is float:
        return float(raw)
    if hint is int:
        return int(raw)
    if hint is bool:
        return bool(raw)
    return raw


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    return {
        "choices": list(answer.choices),
        "text": answer.text,
        "pairs": dict(answer.pairs),
        "order": list(answer.order),
        "file": answer.file,
    }


def answer_from_dict(data: Mapping[str, Any]) -> Answer:
    return Answer(
        choices=tuple(data.get("choices", ())),
        text=data.get("text", ""),
        pairs=dict(data.get("pairs", {})),
        order=tuple(data.get("order", ())),
        file=data.get("file", ""),
    )


def variant_to_dict(variant: Variant) -> dict[str, Any]:
    return {"orders": {k: list(v) for k, v in variant.orders.items()}, "values": dict(variant.values)}


def variant_from_dict(data: Mapping[str, Any]) -> Variant:
    orders = {k: tuple(v) for k, v in data.get("orders", {}).items()}
    return Variant(orders=orders, values={k: float(v) for k, v in data.get("values", {}).items()})
