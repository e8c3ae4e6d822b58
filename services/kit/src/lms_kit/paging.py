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
from collections.abc import Iterable, Sequence

from google.protobuf.message import DecodeError, Message

from lms.type.v1 import paging_pb2
from lms_kit.errors import FieldViolation, InvalidArgument

PAGING_FIELDS = ("page_size", "page_token")


def page_size(requested: int, *, default: int = 20, maximum: int = 100) -> int:
    """0 means the default; above the maximum is lowered to it; negative is refused."""
    if requested < 0:
        raise InvalidArgument([FieldViolation("page_size", "must not be negative", "MIN")])
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


def _invalid(description: str) -> InvalidArgument:
    return InvalidArgument(
        [FieldViolation("page_token", description, "PAGE_TOKEN_INVALID")], reason="PAGE_TOKEN_INVALID"
    )
