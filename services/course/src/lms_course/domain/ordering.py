"""Dense ordering: positions of ordered siblings are always 0..n-1."""

from __future__ import annotations

from collections.abc import Sequence


def inserted(ids: Sequence[str], item: str, position: int | None) -> list[str]:
    """`ids` with `item` inserted at `position` (None or beyond the end: last)."""
    order = [i for i in ids if i != item]
    at = len(order) if position is None else max(0, min(position, len(order)))
    order.insert(at, item)
    return order


def removed(ids: Sequence[str], item: str) -> list[str]:
    return [i for i in ids if i != item]


def positions(order: Sequence[str]) -> dict[str, int]:
    """The dense position of each id."""
    return {item: index for index, item in enumerate(order)}
