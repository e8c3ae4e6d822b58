"""Single-use tokens mailed as links (email verification, password reset).

A token is `<secret>.<mac>`: 256 random bits and an HMAC-SHA256 (first 128 bits)
over the purpose and the secret. The MAC lets the service refuse altered or
cross-purpose tokens before touching the database; the database keeps only the
SHA-256 of the whole token, with its expiry and the time it was used, and a
conditional UPDATE makes it single use. Several MAC keys may be given: the
first signs, all verify (key rotation).
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

SECRET_BYTES = 32
MAC_BYTES = 16


class TokenPurpose(enum.StrEnum):
    EMAIL_VERIFICATION = "email_verification"
    PASSWORD_RESET = "password_reset"


@dataclass(frozen=True, slots=True)
class OneTimeToken:
    """What the database keeps of a mailed token."""

    token_hash: str
    purpose: TokenPurpose
    user_id: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


class TokenCodec:
    """Makes and checks signed one-time tokens."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("at least one MAC key is needed")
        self._keys = list(keys)

    def _mac(self, key: bytes, purpose: TokenPurpose, secret: str) -> str:
        digest = hmac.new(key, f"{purpose.value}.{secret}".encode(), hashlib.sha256).digest()
        return _b64(digest[:MAC_BYTES])

    def keyed_id(self, label: str) -> uuid.UUID:
        """A UUID only this service can compute for `label` (same label, same id)."""
        digest = hmac.new(self._keys[0], f"id.{label}".encode(), hashlib.sha256).digest()
        return uuid.UUID(bytes=digest[:16], version=4)

    def issue(self, purpose: TokenPurpose) -> str:
        secret = _b64(secrets.token_bytes(SECRET_BYTES))
        return f"{secret}.{self._mac(self._keys[0], purpose, secret)}"

    def is_authentic(self, purpose: TokenPurpose, token: str) -> bool:
        """True when `token` was made by this service for `purpose` (not whether it
        is still valid: that is the database's part)."""
        secret, dot, mac = token.partition(".")
        if not dot or not secret or len(token) > 256:
            return False
        return any(hmac.compare_digest(self._mac(key, purpose, secret), mac) for key in self._keys)
