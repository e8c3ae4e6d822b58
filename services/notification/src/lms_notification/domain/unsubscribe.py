"""Signed unsubscribe links: the token names a user and a category, and only this service
can make one (HMAC-SHA256 with the service's secret)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from lms_notification.domain.catalog import Category
from lms_notification.domain.errors import UnsubscribeTokenInvalid


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(secret: bytes, user_id: str, category: Category) -> str:
    payload = f"{user_id}|{category.value}".encode()
    mac = hmac.new(secret, payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def verify(secret: bytes, token: str) -> tuple[str, Category]:
    """The (user id, category) a token names; UNSUBSCRIBE_TOKEN_INVALID if forged or garbled."""
    try:
        payload_text, mac_text = token.split(".")
        payload = _unb64(payload_text)
        expected = hmac.new(secret, payload, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(mac_text)):
            raise ValueError("bad signature")
        user_id, category = payload.decode().split("|")
        return user_id, Category(category)
    except (ValueError, UnicodeDecodeError) as bad:
        raise UnsubscribeTokenInvalid() from bad
