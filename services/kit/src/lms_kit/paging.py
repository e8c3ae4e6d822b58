"""Keyset pagination as lms.type.v1 paging describes (AIP-158).

    size = page_size(request.page_size, default=20, maximum=100)
    after = decode_page_token(request.page_token, fingerprint(request))
    rows = repo.list(after=after, limit=size + 1)          # one extra row: is there a next page?
    next_token = encode_page_token(key_of(rows[size - 1]), fingerprint(request)) if len(rows) > size else ""

A token carries the sort key of the last item returned and a hash of the
request's other parameters, so a token reused with another filter or order is
refused (INVALID_ARGUMENT, PAGE_TOKEN_INVALID) instead of giving wrong pages.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from google.protobuf.message import DecodeError, Message

from lms.type.v1 import paging_pb2
from lms_kit.errors import FieldViolation, Invalid

PAGING_FIELDS = ("page_size", "page_token")


def page_size(requested: int, *, default: int = 20, maximum: int = 100) -> int:
    """0 means the default; above the maximum is lowered to it; negative is refused."""
    if requested < 0:
        raise Invalid([FieldViolation("page_size", "must not be negative", "MIN")])
    return min(requested or default, maximum)


def fingerprint(request: Message, *, ignore: Iterable[str] = PAGING_FIELDS) -> bytes:
    """A hash of the request without its paging fields (deterministic serialization)."""
    copy = type(request)()
    copy.CopyFrom(request)
    for name in ignore:
        if name in copy.DESCRIPTOR.fields_by_name:
            copy.ClearField(name)
    return hashlib.sha256(copy.SerializeToString(deterministic=True)).digest()[:16]


def encode_page_token(last_key: Sequence[str], request_fingerprint: bytes) -> str:
    cursor = paging_pb2.PageCursor(last_key=list(last_key), request_hash=request_fingerprint)
    return base64.urlsafe_b64encode(cursor.SerializeToString()).decode().rstrip("=")


def decode_page_token(token: str, request_fingerprint: bytes) -> tuple[str, ...] | None:
    """The last key of the previous page, or None for the first page."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        cursor = paging_pb2.PageCursor.FromString(raw)
    except (binascii.Error, ValueError, DecodeError):
        raise _invalid("is not a valid page token") from None
    if cursor.request_hash != request_fingerprint or not cursor.last_key:
        raise _invalid("belongs to a request with other parameters")
    return tuple(cursor.last_key)


def _invalid(description: str) -> Invalid:
    return Invalid(
        [FieldViolation("page_token", description, "PAGE_TOKEN_INVALID")], reason="PAGE_TOKEN_INVALID"
    )


class Pager:
    """One List/Search request's paging: its size, where the previous page ended, and the
    next page's token. Keys are tuples of strings; `after_time` reads the common
    (ISO time, id) key of newest-first lists.

        pager = Pager(request)
        found = repo.list(after=pager.after_time(), limit=pager.size + 1)
        return Response(items=found[: pager.size], next_page_token=pager.next_token(found, key))
    """

    def __init__(self, request: Message, *, default: int = 20, maximum: int = 100) -> None:
        self.size = page_size(request.page_size, default=default, maximum=maximum)
        self._fingerprint = fingerprint(request)
        self.after = decode_page_token(request.page_token, self._fingerprint)

    def after_time(self) -> tuple[datetime, str] | None:
        return (datetime.fromisoformat(self.after[0]), self.after[1]) if self.after else None

    def next_token(self, items: Sequence[Any], key: Callable[[Any], Sequence[str]]) -> str:
        """The token after `items` (fetched with limit size + 1), or "" on the last page."""
        if len(items) <= self.size:
            return ""
        return encode_page_token(list(key(items[self.size - 1])), self._fingerprint)
