"""Sessions (refresh-token families) and rotating, single-use refresh tokens.

A refresh token is 256 random bits, given to the client once and stored only as
its SHA-256 (a fast hash is enough for a secret that is not guessable). Each
refresh spends the token and issues the next one in the same session. A spent
token presented again means two parties hold the session: the whole session is
revoked (OAuth 2.0 Security BCP, section 4.14.2).
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from lms_user.domain.errors import RefreshTokenInvalid

REFRESH_TOKEN_BYTES = 32


class RevokeReason(enum.StrEnum):
    LOGOUT = "logout"
    LOGOUT_ALL = "logout_all"
    TOKEN_REUSE = "token_reuse"
    ADMIN = "admin"
    PASSWORD_CHANGED = "password_changed"
    ACCOUNT_DISABLED = "account_disabled"
    ACCOUNT_DELETED = "account_deleted"


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    access_token_ttl: timedelta = timedelta(minutes=15)
    refresh_token_ttl: timedelta = timedelta(days=30)
    # However often it is refreshed, a session ends this long after sign-in.
    session_max_lifetime: timedelta = timedelta(days=90)


@dataclass
class Session:
    """One sign-in: the family of refresh tokens that descend from it."""

    id: str
    user_id: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    revoke_reason: str = ""

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def revoke(self, reason: RevokeReason, now: datetime) -> bool:
        """Revoke; False if it already was."""
        if self.revoked_at is not None:
            return False
        self.revoked_at = now
        self.revoke_reason = reason.value
        return True


@dataclass
class RefreshToken:
    id: str
    session_id: str
    user_id: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


class RefreshVerdict(enum.Enum):
    OK = "ok"
    REUSED = "reused"


def new_refresh_secret() -> str:
    return secrets.token_urlsafe(REFRESH_TOKEN_BYTES)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def judge_refresh(token: RefreshToken, session: Session, now: datetime) -> RefreshVerdict:
    """Decide whether `token` may be traded. Raises RefreshTokenInvalid for a revoked
    session or an expired token; REUSED means the session must be revoked."""
    if session.is_revoked or session.expires_at <= now:
        raise RefreshTokenInvalid()
    if token.used_at is not None:
        return RefreshVerdict.REUSED
    if token.expires_at <= now:
        raise RefreshTokenInvalid()
    return RefreshVerdict.OK


def next_token_expiry(session: Session, policy: SessionPolicy, now: datetime) -> datetime:
    return min(now + policy.refresh_token_ttl, session.expires_at)
