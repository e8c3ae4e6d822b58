"""Security audit entries (who did what to which account, from where)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class AuditAction(enum.StrEnum):
    USER_REGISTERED = "user.registered"
    REGISTRATION_EXISTING_EMAIL = "registration.existing_email"
    LOGIN_SUCCEEDED = "login.succeeded"
    LOGIN_FAILED = "login.failed"
    PASSWORD_REHASHED = "password.rehashed"
    REFRESH_TOKEN_REUSED = "refresh_token.reused"
    SESSION_REVOKED = "session.revoked"
    SESSIONS_REVOKED_ALL = "sessions.revoked_all"
    ROLES_CHANGED = "roles.changed"
    PROFILE_UPDATED = "profile.updated"
    LOGIN_THROTTLED = "login.throttled"
    LOGIN_MFA_REQUIRED = "login.mfa_required"
    MFA_FAILED = "mfa.failed"
    MFA_ENROLLMENT_STARTED = "mfa.enrollment_started"
    MFA_ENABLED = "mfa.enabled"
    MFA_DISABLED = "mfa.disabled"
    MFA_RECOVERY_CODE_USED = "mfa.recovery_code_used"
    EMAIL_VERIFICATION_SENT = "email.verification_sent"
    EMAIL_VERIFIED = "email.verified"
    PASSWORD_RESET_REQUESTED = "password.reset_requested"
    PASSWORD_RESET = "password.reset"
    PASSWORD_CHANGED = "password.changed"
    SOCIAL_LINKED = "social.linked"
    SERVICE_TOKEN_ISSUED = "service_token.issued"
    SERVICE_TOKEN_REFUSED = "service_token.refused"
    TEACHER_APPLICATION_SUBMITTED = "teacher_application.submitted"
    TEACHER_APPLICATION_DECIDED = "teacher_application.decided"
    USER_DISABLED = "user.disabled"
    USER_ENABLED = "user.enabled"
    USER_DELETED = "user.deleted"


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
    action: AuditAction | str  # a str: an action written by a newer version
    user_id: str | None  # the account concerned (None: no such account)
    actor_id: str | None  # who acted (None: anonymous)
    client: ClientInfo = NO_CLIENT
    details: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Filters of the admin audit-log query (all optional; start inclusive, end exclusive)."""

    user_id: str = ""
    action: str = ""
    start: datetime | None = None
    end: datetime | None = None
