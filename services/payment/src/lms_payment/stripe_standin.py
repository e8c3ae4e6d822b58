"""A local HTTP stand-in for the subset of the Stripe API the service uses, for tests and
the dev mesh (Stripe is unreachable here). The official SDK talks to it through its API
base URL. It checks what real Stripe checks for these calls: the secret key, the
Idempotency-Key header (same key + same parameters -> same object; different parameters
-> 400 idempotency_error) and the request shape; and it sends webhooks signed with Stripe's
scheme: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

_CURRENCY = re.compile(r"^[a-z]{3}$")


def stripe_signature(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """Stripe's webhook signature header, computed independently of the SDK."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


@dataclass
class StripeStandIn:
    api_key: str = "sk_test_standin"
    webhook_secret: str = "whsec_standin"
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    _idempotency: dict[str, tuple[dict[str, str], dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def api_base(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> StripeStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                status, reply = standin._post(self.path, dict(self.headers), dict(parse_qsl(body)))
                self._send(status, reply)

            def do_GET(self) -> None:
                status, reply = standin._get(self.path, dict(self.headers))
                self._send(status, reply)

            def _send(self, status: int, reply: dict[str, Any]) -> None:
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{secrets.token_hex(6)}")
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # The API

    def _authorized(self, headers: dict[str, str]) -> bool:
        auth = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        return hmac.compare_digest(auth, f"Bearer {self.api_key}")

    @staticmethod
    def _error(status: int, kind: str, message: str, param: str = "") -> tuple[int, dict[str, Any]]:
        return status, {"error": {"type": kind, "message": message, "param": param}}

    def _post(self, path: str, headers: dict[str, str], form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        lower = {k.lower(): v for k, v in headers.items()}
        self.requests.append({"method": "POST", "path": path, "headers": lower, "form": form})
        if not self._authorized(headers):
            return self._error(401, "invalid_request_error", "Invalid API Key provided")
        if path != "/v1/payment_intents":
            return self._error(404, "invalid_request_error", f"Unrecognized request URL (POST: {path})")
        key = lower.get("idempotency-key", "")
        if not key:  # real Stripe accepts it; the service must always send one
            return self._error(
                400, "invalid_request_error", "Idempotency-Key header required", "Idempotency-Key"
            )
        with self._lock:
            if key in self._idempotency:
                seen, reply = self._idempotency[key]
                if seen != form:
                    return self._error(
                        400,
                        "idempotency_error",
                        "Keys for idempotent requests can only be used with the same parameters",
                    )
                return 200, reply
            amount = form.get("amount", "")
            if not amount.isdigit() or int(amount) < 1:
                return self._error(400, "invalid_request_error", "Invalid positive integer", "amount")
            currency = form.get("currency", "")
            if not _CURRENCY.match(currency):
                return self._error(400, "invalid_request_error", "Invalid currency", "currency")
            metadata = {k[len("metadata[") : -1]: v for k, v in form.items() if k.startswith("metadata[")}
            intent_id = f"pi_{secrets.token_hex(12)}"
            intent = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": int(amount),
                "amount_received": 0,
                "currency": currency,
                "status": "requires_payment_method",
                "client_secret": f"{intent_id}_secret_{secrets.token_hex(12)}",
                "metadata": metadata,
                "livemode": False,
                "created": int(time.time()),
            }
            self.intents[intent_id] = intent
            self._idempotency[key] = (form, intent)
            return 200, intent

    def _get(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if not self._authorized(headers):
            return self._error(401, "invalid_request_error", "Invalid API Key provided")
        match = re.fullmatch(r"/v1/payment_intents/([A-Za-z0-9_]+)", path)
        if not match or match.group(1) not in self.intents:
            return self._error(404, "invalid_request_error", "No such payment_intent", "intent")
        return 200, self.intents[match.group(1)]

    # What the customer and Stripe do

    def event(self, event_type: str, intent_id: str, **changes: Any) -> bytes:
        """A webhook body for `intent_id` (a new event id each time), as Stripe sends it."""
        intent = dict(self.intents[intent_id], **changes)
        body = {
            "id": f"evt_{secrets.token_hex(12)}",
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "type": event_type,
            "livemode": False,
            "pending_webhooks": 1,
            "data": {"object": intent},
        }
        return json.dumps(body, separators=(",", ":")).encode()

    def pay(self, intent_id: str) -> bytes:
        """The customer confirms the payment: the intent succeeds; returns the webhook body."""
        intent = self.intents[intent_id]
        intent.update(status="succeeded", amount_received=intent["amount"])
        return self.event("payment_intent.succeeded", intent_id)

    def decline(self, intent_id: str, message: str = "Your card was declined.") -> bytes:
        intent = self.intents[intent_id]
        intent.update(
            status="requires_payment_method", last_payment_error={"code": "card_declined", "message": message}
        )
        return self.event("payment_intent.payment_failed", intent_id)

    def sign(self, payload: bytes, *, timestamp: int | None = None, secret: str | None = None) -> str:
        return stripe_signature(payload, secret or self.webhook_secret, timestamp)

    def deliver(self, url: str, payload: bytes, signature: str | None = None) -> tuple[int, bytes]:
        """POST a webhook to `url` as Stripe does; returns (status, body)."""
        request = urllib.request.Request(
            url,
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json", "Stripe-Signature": signature or self.sign(payload)},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
