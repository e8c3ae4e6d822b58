"""TOTP two-factor authentication (RFC 6238: SHA-1, 6 digits, 30 s steps) and
recovery codes.

A code is accepted for the current step and one step either side (clock drift),
and only for a step later than the last one accepted for the account, so a code
seen by someone else cannot be replayed in its window. Recovery codes are 80
random bits, shown once, stored as SHA-256 and usable once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp

STEP_S = 30
DIGITS = 6
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
MAX_CHALLENGE_ATTEMPTS = 5


@dataclass
class TotpFactor:
    """A user's TOTP secret. Two-factor sign-in is on once `confirmed_at` is set."""

    user_id: str
    secret: str  # base32, in memory only; stored encrypted
    created_at: datetime
    confirmed_at: datetime | None = None
    last_used_step: int = 0

    @property
    def is_enabled(self) -> bool:
        return self.confirmed_at is not None

    def accept(self, code: str, now: datetime) -> bool:
        """Check `code` at `now`; on success remember its step (so it cannot be used
        again). A code of a step at or before the last accepted one is refused."""
        step = matching_step(self.secret, code, now)
        if step is None or step <= self.last_used_step:
            return False
        self.last_used_step = step
        return True


@dataclass
class MfaChallenge:
    """A sign-in that passed its first factor and waits for the second."""

    id: str
    token_hash: str
    user_id: str
    created_at: datetime
    expires_at: datetime
    provider: str = "password"  # the first factor, for the audit log
    attempts: int = 0
    used_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and self.expires_at > now and self.attempts < MAX_CHALLENGE_ATTEMPTS


def new_secret() -> str:
    return pyotp.random_base32(length=32)  # 160 bits, RFC 4226's recommendation


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_S).provisioning_uri(
        name=account, issuer_name=issuer
    )


def time_step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_S


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_S).generate_otp(step)


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code is `code`, within the allowed drift; else None."""
    if len(code) != DIGITS or not code.isdigit():
        return None
    current = time_step(now)
    found = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(code_at(secret, step), code):
            found = step  # no early exit: the same work for every code
    return found


def new_recovery_codes() -> list[str]:
    """Ten codes like `k7q2m-x9d4a-...`: 16 base32 characters (80 bits) in groups."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    return codes


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def hash_recovery_code(code: str) -> str:
    return hashlib.sha256(normalise_recovery_code(code).encode("ascii", "ignore")).hexdigest()
