"""A local HTTP stand-in for the subset of the Razorpay API the service uses, for tests and
the dev mesh (Razorpay is unreachable here). The official SDK talks to it through its base
URL (`razorpay.Client(base_url=...)`). It checks what Razorpay checks for these calls: HTTP
Basic auth with key_id:key_secret (401 otherwise), JSON bodies of the documented shape (no
unknown fields), integer amounts of at least 100 (INR 1.00), a 3-letter currency, receipts of
at most 40 characters, refunds no larger than what is captured and not yet refunded, and the
`X-Refund-Idempotency` header (same key + same body -> the same refund; another body -> 400).
Errors have Razorpay's shape, `{"error": {"code": "BAD_REQUEST_ERROR", "description": ...}}`.

It also plays the customer and Razorpay: payments made at Checkout with the signature Checkout
hands the app (`hex HMAC-SHA256(key_secret, "order_id|payment_id")`), and webhook bodies signed
as Razorpay signs them (`X-Razorpay-Signature: hex HMAC-SHA256(webhook_secret, body)`), both
computed independently of the SDK.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import string
import threading
import time
import urllib.error
import urllib.request
from base64 import b64decode
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lms_devkit.standins.http import JsonApiServer

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{10,}$")
_ID = r"[A-Za-z0-9]+"
_ALPHABET = string.ascii_letters + string.digits
_MIN_AMOUNT = 100  # Razorpay's minimum: INR 1.00
_ORDER_FIELDS = frozenset(
    {"amount", "currency", "receipt", "notes", "partial_payment", "first_payment_min_amount"}
)
_REFUND_FIELDS = frozenset({"amount", "speed", "notes", "receipt"})

Reply = tuple[int, dict[str, Any]]


def razorpay_signature(payload: bytes, secret: str) -> str:
    """Razorpay's signature of a body (webhooks) or of "order_id|payment_id" (Checkout)."""
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def _new_id(prefix: str = "") -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(14))


def _error(
    status: int, description: str, field_name: str | None = None, code: str = "BAD_REQUEST_ERROR"
) -> Reply:
    error: dict[str, Any] = {
        "code": code,
        "description": description,
        "source": "business" if status == 400 else "NA",
        "step": "payment_initiation" if status == 400 else "NA",
        "reason": "input_validation_failed" if status == 400 else "NA",
        "metadata": {},
    }
    if field_name:
        error["field"] = field_name
    return status, {"error": error}


def _missing() -> Reply:
    return _error(400, "The id provided does not exist")


def _collection(items: list[dict[str, Any]]) -> Reply:
    return 200, {"entity": "collection", "count": len(items), "items": items}


def _check_notes(notes: Any) -> Reply | None:
    if notes is None or notes == []:
        return None
    if not isinstance(notes, dict):
        return _error(400, "notes should be an array", "notes")
    if len(notes) > 15:
        return _error(400, "notes may not have more than 15 items", "notes")
    for key, value in notes.items():
        if not isinstance(value, str | int | float) or isinstance(value, bool) or len(str(value)) > 256:
            return _error(400, f"notes.{key} must be a string of at most 256 characters", "notes")
    return None


@dataclass
class RazorpayStandIn:
    key_id: str = "rzp_test_standin"
    key_secret: str = "standin_key_secret"
    webhook_secret: str = "standin_webhook_secret"
    account_id: str = "acc_StandIn000001"
    refunds_pending: bool = False  # refunds answer `pending`; settle_refund() finishes them
    unavailable: int = 0  # answer the next N API requests 503 (an outage)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    _idempotency: dict[tuple[str, str], tuple[dict[str, Any], str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: JsonApiServer | None = None

    @property
    def api_base(self) -> str:
        assert self._server is not None, "start() first"
        return self._server.base_url

    def start(self) -> RazorpayStandIn:
        def handle(method: str, path: str, headers: dict[str, str], body: bytes):
            return (*self._handle(method, path, headers, body), {})

        self._server = JsonApiServer(handle).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    # The API

    def _authorized(self, headers: dict[str, str]) -> bool:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            given = b64decode(token, validate=True)
        except ValueError:
            return False
        return hmac.compare_digest(given, f"{self.key_id}:{self.key_secret}".encode())

    def _handle(self, method: str, raw_path: str, raw_headers: dict[str, str], raw_body: bytes) -> Reply:
        url = urlsplit(raw_path)
        path, query = url.path, dict(parse_qsl(url.query))
        headers = {k.lower(): v for k, v in raw_headers.items()}
        record: dict[str, Any] = {
            "method": method,
            "path": path,
            "query": query,
            "headers": headers,
            "body": None,
        }
        self.requests.append(record)
        with self._lock:
            if self.unavailable > 0:
                self.unavailable -= 1
                return _error(503, "The server is temporarily unavailable", code="SERVER_ERROR")
        if not self._authorized(headers):
            return _error(401, "Authentication failed")
        body: dict[str, Any] = {}
        if method == "POST":
            if not headers.get("content-type", "").startswith("application/json"):
                return _error(400, "The request body must be JSON (Content-Type: application/json)")
            try:
                body = json.loads(raw_body or b"{}")
            except ValueError:
                return _error(400, "The request body is not valid JSON")
            if not isinstance(body, dict):
                return _error(400, "The request body must be a JSON object")
            record["body"] = body
        with self._lock:
            return self._route(method, path, query, headers, body)

    def _route(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: dict[str, Any]
    ) -> Reply:
        if method == "POST" and path == "/v1/orders":
            return self._create_order(body)
        if method == "POST" and (m := re.fullmatch(rf"/v1/payments/(pay_{_ID})/refund", path)):
            return self._refund(m.group(1), body, headers.get("x-refund-idempotency", ""))
        if method == "GET" and path == "/v1/orders":
            return self._list_orders(query)
        if method == "GET" and (m := re.fullmatch(rf"/v1/orders/(order_{_ID})", path)):
            order = self.orders.get(m.group(1))
            return (200, order) if order else _missing()
        if method == "GET" and (m := re.fullmatch(rf"/v1/orders/(order_{_ID})/payments", path)):
            if m.group(1) not in self.orders:
                return _missing()
            return _collection([p for p in reversed(self.payments.values()) if p["order_id"] == m.group(1)])
        if method == "GET" and (m := re.fullmatch(rf"/v1/payments/(pay_{_ID})", path)):
            payment = self.payments.get(m.group(1))
            return (200, payment) if payment else _missing()
        if method == "GET" and (m := re.fullmatch(rf"/v1/payments/(pay_{_ID})/refunds", path)):
            if m.group(1) not in self.payments:
                return _missing()
            return _collection([r for r in reversed(self.refunds.values()) if r["payment_id"] == m.group(1)])
        if method == "GET" and (m := re.fullmatch(rf"/v1/payments/(pay_{_ID})/refunds/(rfnd_{_ID})", path)):
            refund = self.refunds.get(m.group(2))
            return (200, refund) if refund and refund["payment_id"] == m.group(1) else _missing()
        if method == "GET" and (m := re.fullmatch(rf"/v1/refunds/(rfnd_{_ID})", path)):
            refund = self.refunds.get(m.group(1))
            return (200, refund) if refund else _missing()
        return _error(404, "The requested URL was not found on the server.")

    def _create_order(self, body: dict[str, Any]) -> Reply:
        extra = sorted(set(body) - _ORDER_FIELDS)
        if extra:
            return _error(400, f"{', '.join(extra)} is/are not required and should not be sent", extra[0])
        amount = body.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool):
            return _error(400, "The amount must be an integer.", "amount")
        if amount < _MIN_AMOUNT:
            return _error(400, "The amount must be atleast INR 1.00", "amount")
        currency = body.get("currency")
        if not isinstance(currency, str) or not _CURRENCY.match(currency):
            return _error(400, "The currency is invalid.", "currency")
        receipt = body.get("receipt")
        if receipt is not None and (not isinstance(receipt, str) or len(receipt) > 40):
            return _error(400, "The receipt may not be greater than 40 characters.", "receipt")
        if (invalid := _check_notes(body.get("notes"))) is not None:
            return invalid
        order: dict[str, Any] = {
            "id": _new_id("order_"),
            "entity": "order",
            "amount": amount,
            "amount_paid": 0,
            "amount_due": amount,
            "currency": currency,
            "receipt": receipt,
            "offer_id": None,
            "status": "created",
            "attempts": 0,
            "notes": body.get("notes") or [],
            "created_at": int(time.time()),
        }
        self.orders[order["id"]] = order
        return 200, order

    def _list_orders(self, query: dict[str, str]) -> Reply:
        try:
            count, skip = int(query.get("count", "10")), int(query.get("skip", "0"))
        except ValueError:
            return _error(400, "count and skip must be integers")
        if not 1 <= count <= 100 or skip < 0:
            return _error(400, "The count must be between 1 and 100.", "count")
        items = list(reversed(self.orders.values()))  # newest first, as Razorpay lists
        if "receipt" in query:
            items = [o for o in items if o["receipt"] == query["receipt"]]
        return _collection(items[skip : skip + count])

    def _refund(self, payment_id: str, body: dict[str, Any], key: str) -> Reply:
        # Razorpay accepts a refund without the header; the service must always send one.
        if not _IDEMPOTENCY_KEY.match(key):
            return _error(400, "X-Refund-Idempotency must be at least 10 letters, digits, - or _")
        if (payment_id, key) in self._idempotency:
            seen, refund_id = self._idempotency[(payment_id, key)]
            if seen != body:
                return _error(
                    400, "Different request with the same idempotency key has already been processed."
                )
            return 200, self.refunds[refund_id]
        payment = self.payments.get(payment_id)
        if payment is None:
            return _missing()
        extra = sorted(set(body) - _REFUND_FIELDS)
        if extra:
            return _error(400, f"{', '.join(extra)} is/are not required and should not be sent", extra[0])
        if payment["status"] == "refunded":
            return _error(400, "The payment has been fully refunded already")
        if payment["status"] != "captured":
            return _error(400, "Only captured payments can be refunded")
        refundable = payment["amount"] - payment["amount_refunded"]
        amount = body.get("amount", refundable)  # no amount: a full refund
        if not isinstance(amount, int) or isinstance(amount, bool):
            return _error(400, "The amount must be an integer.", "amount")
        if amount < _MIN_AMOUNT:
            return _error(400, "The amount must be atleast INR 1.00", "amount")
        if amount > refundable:
            return _error(400, "The refund amount provided is greater than amount not refunded", "amount")
        speed = body.get("speed", "normal")
        if speed not in ("normal", "optimum"):
            return _error(400, "Invalid speed: only normal and optimum are allowed", "speed")
        receipt = body.get("receipt")
        if receipt is not None and (not isinstance(receipt, str) or len(receipt) > 40):
            return _error(400, "The receipt may not be greater than 40 characters.", "receipt")
        if (invalid := _check_notes(body.get("notes"))) is not None:
            return invalid
        refund = {
            "id": _new_id("rfnd_"),
            "entity": "refund",
            "amount": amount,
            "currency": payment["currency"],
            "payment_id": payment_id,
            "notes": body.get("notes") or [],
            "receipt": receipt,
            "acquirer_data": {"arn": None},
            "created_at": int(time.time()),
            "batch_id": None,
            "status": "pending" if self.refunds_pending else "processed",
            "speed_processed": "normal",
            "speed_requested": speed,
        }
        self.refunds[refund["id"]] = refund
        self._idempotency[(payment_id, key)] = (body, refund["id"])
        self._book_refund(payment, amount)
        return 200, refund

    @staticmethod
    def _book_refund(payment: dict[str, Any], amount: int) -> None:
        """A refund (pending ones too) holds its amount; a failed one gives it back."""
        payment["amount_refunded"] += amount
        full = payment["amount_refunded"] >= payment["amount"]
        payment["refund_status"] = "full" if full else ("partial" if payment["amount_refunded"] else None)
        payment["status"] = "refunded" if full else "captured"

    # What the customer and Razorpay do

    def _payment(self, order_id: str, status: str, notes: dict[str, Any] | None) -> dict[str, Any]:
        order = self.orders[order_id]
        if order["status"] == "paid":
            raise ValueError(f"{order_id} is paid already; Razorpay refuses another payment")
        payment = {
            "id": _new_id("pay_"),
            "entity": "payment",
            "amount": order["amount"],
            "currency": order["currency"],
            "status": status,
            "order_id": order_id,
            "invoice_id": None,
            "international": False,
            "method": "card",
            "amount_refunded": 0,
            "refund_status": None,
            "captured": status == "captured",
            "description": None,
            "card_id": None,
            "bank": None,
            "wallet": None,
            "vpa": None,
            "email": "learner@example.com",
            "contact": "+919000090000",
            "notes": notes or [],  # Checkout's notes; the order's are not copied
            "fee": None,
            "tax": None,
            "error_code": None,
            "error_description": None,
            "error_source": None,
            "error_step": None,
            "error_reason": None,
            "created_at": int(time.time()),
        }
        with self._lock:
            self.payments[payment["id"]] = payment
            order["attempts"] += 1
            order["status"] = "attempted"
        return payment

    def pay(self, order_id: str, *, notes: dict[str, Any] | None = None) -> tuple[str, str]:
        """The customer pays the order at Checkout and the payment is captured (auto-capture).
        Returns (payment id, the signature Checkout hands the app)."""
        payment = self._payment(order_id, "captured", notes)
        order = self.orders[order_id]
        with self._lock:
            order.update(status="paid", amount_paid=order["amount"], amount_due=0)
        return payment["id"], self.checkout_signature(order_id, payment["id"])

    def authorize(self, order_id: str) -> tuple[str, str]:
        """The customer pays, but the payment is only authorised (manual capture, not done)."""
        payment = self._payment(order_id, "authorized", None)
        return payment["id"], self.checkout_signature(order_id, payment["id"])

    def fail(
        self, order_id: str, description: str = "Payment failed", *, code: str = "BAD_REQUEST_ERROR"
    ) -> str:
        """A failed attempt at the order; returns its payment id."""
        payment = self._payment(order_id, "failed", None)
        payment.update(
            error_code=code,
            error_description=description,
            error_source="customer",
            error_step="payment_authentication",
            error_reason="payment_failed",
        )
        return payment["id"]

    def settle_refund(self, refund_id: str, *, processed: bool = True) -> bytes:
        """A pending refund is processed (or fails, and its amount is refundable again);
        returns the webhook body Razorpay sends for it."""
        with self._lock:
            refund = self.refunds[refund_id]
            refund["status"] = "processed" if processed else "failed"
            if not processed:
                self._book_refund(self.payments[refund["payment_id"]], -refund["amount"])
        return self.event("refund.processed" if processed else "refund.failed", refund_id)

    def checkout_signature(self, order_id: str, payment_id: str) -> str:
        return razorpay_signature(f"{order_id}|{payment_id}".encode(), self.key_secret)

    def event(self, event_type: str, entity_id: str, **changes: Any) -> bytes:
        """A webhook body as Razorpay sends it. `entity_id` is a payment (`pay_`: payment.* and
        order.* events; order.* carry its order too) or a refund (`rfnd_`: refund.* events,
        which carry its payment too); `changes` override fields of that entity."""
        entities: dict[str, dict[str, Any]]
        if entity_id.startswith("rfnd_"):
            refund = dict(self.refunds[entity_id], **changes)
            entities = {"refund": refund, "payment": dict(self.payments[refund["payment_id"]])}
        else:
            payment = dict(self.payments[entity_id], **changes)
            entities = {"payment": payment}
            if event_type.startswith("order."):
                entities["order"] = dict(self.orders[payment["order_id"]])
        body = {
            "entity": "event",
            "account_id": self.account_id,
            "event": event_type,
            "contains": list(entities),
            "payload": {name: {"entity": entity} for name, entity in entities.items()},
            "created_at": int(time.time()),
        }
        return json.dumps(body, separators=(",", ":")).encode()

    def sign(self, payload: bytes, secret: str | None = None) -> str:
        return razorpay_signature(payload, secret or self.webhook_secret)

    @staticmethod
    def new_event_id() -> str:
        return _new_id()

    def webhook_headers(
        self, payload: bytes, *, event_id: str | None = None, signature: str | None = None
    ) -> dict[str, str]:
        """The headers of a delivery, lower-cased as the servicer passes them on."""
        return {
            "x-razorpay-signature": self.sign(payload) if signature is None else signature,
            "x-razorpay-event-id": self.new_event_id() if event_id is None else event_id,
        }

    def deliver(
        self, url: str, payload: bytes, *, event_id: str | None = None, signature: str | None = None
    ) -> tuple[int, bytes]:
        """POST a webhook to `url` as Razorpay does; returns (status, body). None computes the
        header; "" leaves it out."""
        headers = {"Content-Type": "application/json", "User-Agent": "Razorpay-Webhook/v1"}
        sent = self.webhook_headers(payload, event_id=event_id, signature=signature)
        if sent["x-razorpay-signature"]:
            headers["X-Razorpay-Signature"] = sent["x-razorpay-signature"]
        if sent["x-razorpay-event-id"]:
            headers["X-Razorpay-Event-Id"] = sent["x-razorpay-event-id"]
        request = urllib.request.Request(url, data=payload, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
