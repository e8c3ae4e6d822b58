"""Mux webhooks: the `Mux-Signature` check (t=<unix time>,v1=<hex HMAC-SHA256 of
"<t>.<raw body>">) and the few events the service acts on."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from lms_kit.domain import FieldViolation, Invalid

TOLERANCE_S = 300


class WebhookSignatureInvalid(Invalid):
    def __init__(self, why: str) -> None:
        super().__init__(
            [FieldViolation("mux-signature", why, "WEBHOOK_SIGNATURE_INVALID")],
            reason="WEBHOOK_SIGNATURE_INVALID",
        )


class WebhookPayloadInvalid(Invalid):
    def __init__(self, why: str) -> None:
        super().__init__(
            [FieldViolation("body", why, "WEBHOOK_PAYLOAD_INVALID")], reason="WEBHOOK_PAYLOAD_INVALID"
        )


def mux_signature(body: bytes, secret: str, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(body: bytes, header: str, secrets: list[str], now: datetime) -> None:
    """Raises WebhookSignatureInvalid unless one v1 matches one secret within the tolerance."""
    fields: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        fields.setdefault(key, []).append(value)
    try:
        timestamp = int(fields.get("t", [""])[0])
    except ValueError:
        raise WebhookSignatureInvalid("no timestamp in the signature header") from None
    if abs(now.timestamp() - timestamp) > TOLERANCE_S:
        raise WebhookSignatureInvalid("the signature is too old (or from the future)")
    for secret in secrets:
        expected = mux_signature(body, secret, timestamp).split("v1=")[1]
        if any(hmac.compare_digest(expected, given) for given in fields.get("v1", [])):
            return
    raise WebhookSignatureInvalid("the signature does not match")


@dataclass(frozen=True, slots=True)
class MuxEvent:
    id: str
    type: str  # "video.asset.ready", "video.asset.errored", ...
    asset_id: str
    passthrough: str
    duration_s: float
    playback_id: str
    error: str


def parse_event(body: bytes) -> MuxEvent:
    try:
        event = json.loads(body)
        data = event.get("data") or {}
        playback = (data.get("playback_ids") or [{}])[0]
        errors = data.get("errors") or {}
        return MuxEvent(
            str(event["id"]),
            str(event["type"]),
            str(data.get("id") or (event.get("object") or {}).get("id") or ""),
            str(data.get("passthrough") or ""),
            float(data.get("duration") or 0.0),
            str(playback.get("id") or ""),
            "; ".join(errors.get("messages") or []) if isinstance(errors, dict) else str(errors),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as broken:
        raise WebhookPayloadInvalid(f"not a Mux event ({type(broken).__name__})") from broken
