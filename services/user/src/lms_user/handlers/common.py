"""What several use cases share: the account flows' policy, the audit entry, who the
signed-in caller is, and a throttle that never locks."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from lms_kit.domain import Actor
from lms_user.domain.audit import AuditAction, AuditEntry, ClientInfo
from lms_user.domain.errors import NotAllowed
from lms_user.domain.throttle import ACCOUNT_RULE, ADDRESS_RULE, ThrottleRule


@dataclass(frozen=True, slots=True)
class AccountPolicy:
    """Lifetimes and limits of the account flows."""

    web_url: str = "http://127.0.0.1:8080"
    email_verification_ttl: timedelta = timedelta(hours=24)
    verification_resend_cooldown: timedelta = timedelta(seconds=60)
    password_reset_ttl: timedelta = timedelta(hours=1)
    password_reset_cooldown: timedelta = timedelta(seconds=60)
    # RequestPasswordReset answers after at least this long, account or not.
    password_reset_min_duration_s: float = 0.25
    mfa_challenge_ttl: timedelta = timedelta(minutes=5)
    totp_issuer: str = "LMS"
    service_token_ttl: timedelta = timedelta(minutes=5)
    # The notification service mails the links; logging them is for debugging only.
    log_links: bool = False
    account_throttle: ThrottleRule = ACCOUNT_RULE
    address_throttle: ThrottleRule = ADDRESS_RULE


class NoThrottle:
    """ports.LoginThrottle that never locks (for use cases built without one)."""

    async def retry_after(self, keys: Sequence[str]) -> float:
        return 0.0

    async def record_failure(self, key: str, rule: ThrottleRule) -> float:
        return 0.0

    async def reset(self, key: str) -> None:
        return None


def signed_in_user(actor: Actor, what: str = "do this") -> str:
    """The end user behind the call; NotAllowed for a service acting for itself."""
    if not actor.user_id:
        raise NotAllowed(f"only an end user can {what}")
    return actor.user_id


def actor_ref(actor: Actor) -> str:
    """Who acted, as the audit log names them: the user id, or `service:<name>`."""
    return actor.user_id or (f"service:{actor.service}" if actor.service else "")


def audit(
    action: AuditAction,
    now: datetime,
    user_id: str | None,
    actor_id: str | None,
    client: ClientInfo,
    **details: object,
) -> AuditEntry:
    return AuditEntry(str(uuid.uuid4()), now, action, user_id, actor_id, client, details)
