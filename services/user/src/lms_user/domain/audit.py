"""Security audit entries (who did what to which account, from where)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class AuditAction(enum.StrEnum):
    USER_REGISTERED = "user.registered"
    LOGIN_SUCCEEDED = "login.succeeded"
    LOGIN_FAILED = "login.failed"
    PASSWORD_REHASHED = "password.rehashed"
    REFRESH_TOKEN_REUSED = "refresh_token.reused"
    SESSION_REVOKED = "session.revoked"
    SESSIONS_REVOKED_ALL = "sessions.revoked_all"
    ROLES_CHANGED = "roles.changed"
    PROFILE_UPDATED = "profile.updated"


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """Where a request came from, as far as the service can tell."""

    ip: str = ""
    user_agent: str = ""


NO_CLIENT = ClientInfo()


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: str
    occurred_at: datetime
    action: AuditAction
    user_id: str | None  # the account concerned (None: no such account)
    actor_id: str | None  # who acted (None: anonymous)
    client: ClientInfo = NO_CLIENT
    details: dict[str, object] = field(default_factory=dict)
