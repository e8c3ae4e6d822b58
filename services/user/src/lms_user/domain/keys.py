"""The signing-key schedule: which key signs now and which keys are published.

Keys are rotated by adding a key that starts signing at `activates_at` (ahead of
time, so verifiers that cache the JWKS learn it before the first token signed
with it arrives). A key stops signing when a newer key activates, and stays
published until every token it signed has expired.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class KeyTimes:
    kid: str
    created_at: datetime
    activates_at: datetime


@dataclass(frozen=True, slots=True)
class KeySchedule:
    signing_kid: str | None
    published_kids: tuple[str, ...]
    # When the signing key was activated (rotation is due once it is old enough).
    signing_since: datetime | None
    # Whether a newer key is already waiting to activate.
    rotation_pending: bool


def key_schedule(keys: Sequence[KeyTimes], now: datetime, token_lifetime: timedelta) -> KeySchedule:
    """`token_lifetime` is the longest an access token lives, plus clock leeway."""
    ordered = sorted(keys, key=lambda k: (k.activates_at, k.created_at))
    active = [k for k in ordered if k.activates_at <= now]
    pending = [k for k in ordered if k.activates_at > now]
    signing = active[-1] if active else None
    published: list[str] = []
    for i, key in enumerate(active):
        successor = active[i + 1] if i + 1 < len(active) else None
        # Tokens signed by `key` were signed before its successor activated.
        if successor is None or successor.activates_at + token_lifetime > now:
            published.append(key.kid)
    published.extend(k.kid for k in pending)
    return KeySchedule(
        signing_kid=signing.kid if signing else None,
        published_kids=tuple(published),
        signing_since=signing.activates_at if signing else None,
        rotation_pending=bool(pending),
    )


def rotation_due(schedule: KeySchedule, now: datetime, rotate_every: timedelta | None) -> bool:
    if rotate_every is None or schedule.rotation_pending or schedule.signing_since is None:
        return False
    return now - schedule.signing_since >= rotate_every
