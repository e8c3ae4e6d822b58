"""A local HTTP stand-in for the subset of the Stripe API the service uses, for tests and
the dev mesh (Stripe is unreachable here). The official SDK talks to it through its API
base URL. It checks what real Stripe checks for these calls: the secret key, the
Idempotency-Key header (same key + same endpoint and parameters -> the first answer again;
different parameters or another endpoint -> 400 idempotency_error), the request shape
(unknown parameters, missing ones, amounts, currencies, enums) and the money (a refund never
exceeds what is still refundable); and it sends webhooks signed with Stripe's scheme:
`Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`.

Endpoints: `POST/GET /v1/payment_intents`, `POST/GET /v1/refunds`, `POST/GET /v1/customers`,
`POST /v1/subscriptions`, `POST/GET /v1/subscriptions/{id}`, `GET /v1/invoices/{id}`. Objects
have the shapes of the current API (since 2025-03-31.basil): a subscription's period is on
its items (`items.data[0].current_period_end`), an invoice names its subscription in
`parent.subscription_details.subscription`, and `invoice.confirmation_secret` is only
returned when expanded (`expand[]=latest_invoice.confirmation_secret`).

Parameters arrive form-encoded the way the SDK writes them (`metadata[order_id]=…`,
`items[0][price]=…`, `expand[0]=…`, booleans as `true`/`false`) and are decoded into nested
dicts and lists before they are checked.
"""

from __future__ import annotations

import calendar
import copy
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lms_devkit.standins.http import JsonApiServer

# The API version whose object shapes the stand-in produces (period on subscription items,
# invoice.parent, invoice.confirmation_secret).
EVENT_API_VERSION = "2025-03-31.basil"

_CURRENCY = re.compile(r"^[a-z]{3}$")
_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
_REFUND_REASONS = {"duplicate", "fraudulent", "requested_by_customer"}
_REFUND_OUTCOMES = {"succeeded", "pending", "requires_action"}
_REFUND_SETTLED = {"succeeded", "failed", "canceled", "pending", "requires_action"}
_COUNTS_AS_REFUNDED = {"succeeded", "pending", "requires_action"}
_INTERVALS = {"day", "week", "month", "year"}
_PAYMENT_BEHAVIORS = {"default_incomplete", "allow_incomplete"}


def stripe_signature(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """Stripe's webhook signature header, computed independently of the SDK."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


class _ApiError(Exception):
    """An error answer in Stripe's shape: `{"error": {"type", "code", "message", "param"}}`."""

    def __init__(self, status: int, kind: str, message: str, *, param: str = "", code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"error": {"type": kind, "message": message}}
        if param:
            self.body["error"]["param"] = param
        if code:
            self.body["error"]["code"] = code


def _bad(message: str, *, param: str = "", code: str = "") -> _ApiError:
    return _ApiError(400, "invalid_request_error", message, param=param, code=code)


def _missing(kind: str, object_id: str, *, param: str = "id", status: int = 404) -> _ApiError:
    return _ApiError(
        status,
        "invalid_request_error",
        f"No such {kind}: '{object_id}'",
        param=param,
        code="resource_missing",
    )


def decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding back into nested params: `a[b]=1` -> {"a": {"b": "1"}},
    `a[0][b]=1` and `a[][b]=1` -> {"a": [{"b": "1"}]}. Metadata keys stay strings."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if not match:
            raise _bad(f"Invalid parameter name: {key}", param=key)
        parts = [match.group(1), *_SEGMENT.findall(match.group(2))]
        node = root
        for i, part in enumerate(parts):
            name = part if part != "" else str(len(node))
            if i == len(parts) - 1:
                if isinstance(node.get(name), dict):
                    raise _bad(f"Invalid parameter: {key} is both a value and a hash", param=key)
                node[name] = value
            else:
                child = node.setdefault(name, {})
                if not isinstance(child, dict):
                    raise _bad(f"Invalid parameter: {key} is both a value and a hash", param=key)
                node = child
    return _listify(root, "")


def _listify(node: Any, key: str) -> Any:
    if not isinstance(node, dict):
        return node
    out = {k: _listify(v, k) for k, v in node.items()}
    if key != "metadata" and out and all(k.isdigit() for k in out):
        indexes = sorted(out, key=int)
        if [int(k) for k in indexes] != list(range(len(indexes))):
            raise _bad(f"Invalid array: {key} has indexes {indexes}", param=key)
        return [out[k] for k in indexes]
    return out


def _only(params: dict[str, Any], allowed: set[str], prefix: str = "") -> None:
    for name in params:
        if name not in allowed:
            full = f"{prefix}[{name}]" if prefix else name
            raise _bad(f"Received unknown parameter: {full}", param=full, code="parameter_unknown")


def _required(params: dict[str, Any], name: str) -> Any:
    if name not in params or params[name] == "":
        raise _bad(f"Missing required param: {name}.", param=name, code="parameter_missing")
    return params[name]


def _string(params: dict[str, Any], name: str) -> str:
    value = params.get(name, "")
    if not isinstance(value, str):
        raise _bad(f"Invalid string: {name} must be a string", param=name)
    return value


def _positive_int(value: Any, name: str) -> int:
    if not isinstance(value, str) or not value.isdigit() or int(value) < 1:
        raise _bad("Invalid positive integer", param=name, code="parameter_invalid_integer")
    return int(value)


def _boolean(value: Any, name: str) -> bool:
    if value not in ("true", "false"):
        raise _bad(f"Invalid boolean: {value!r}", param=name)
    return value == "true"


def _metadata(params: dict[str, Any]) -> dict[str, str]:
    metadata = params.get("metadata", {})
    if metadata == "":
        return {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise _bad("Invalid metadata: must be a hash of strings", param="metadata")
    if len(metadata) > 50:
        raise _bad("Invalid metadata: at most 50 keys", param="metadata")
    for k, v in metadata.items():
        if len(k) > 40:
            raise _bad(f"Invalid metadata key {k!r}: at most 40 characters", param=f"metadata[{k}]")
        if len(v) > 500:
            raise _bad(f"Invalid metadata value for {k!r}: at most 500 characters", param=f"metadata[{k}]")
    return {k: v for k, v in metadata.items() if v != ""}  # an empty value unsets the key


def _expand(params: dict[str, Any]) -> list[str]:
    expand = params.get("expand", [])
    if not isinstance(expand, list) or not all(isinstance(e, str) for e in expand):
        raise _bad("Invalid array: expand", param="expand")
    return expand


def _add_interval(ts: int, interval: str) -> int:
    """`ts` one billing interval later (calendar months and years, as Stripe bills them)."""
    if interval == "day":
        return ts + 86400
    if interval == "week":
        return ts + 7 * 86400
    start = datetime.fromtimestamp(ts, UTC)
    months = 1 if interval == "month" else 12
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return int(start.replace(year=year, month=month + 1, day=day).timestamp())


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


@dataclass
class StripeStandIn:
    api_key: str = "sk_test_standin"
    webhook_secret: str = "whsec_standin"
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    prices: dict[str, dict[str, Any]] = field(default_factory=dict)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    invoices: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Every request as received: method, path, lower-case headers, `form` (the flat
    # form/query pairs, as sent) and `params` (decoded; None when refused before decoding).
    requests: list[dict[str, Any]] = field(default_factory=list)
    # The status new refunds are created with: "succeeded" (cards, usually), or "pending" /
    # "requires_action" (settled later with refund_event).
    refund_outcome: str = "succeeded"
    # When set (500, 503, 429…), every API request is answered with this status: an outage.
    outage: int | None = None
    _idempotency: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _server: JsonApiServer | None = None

    @property
    def api_base(self) -> str:
        assert self._server is not None, "start() first"
        return self._server.base_url

    def start(self) -> StripeStandIn:
        def handle(method: str, path: str, headers: dict[str, str], body: bytes):
            status, reply, extra = self._handle(method, path, headers, body.decode())
            return status, reply, {"Request-Id": f"req_{secrets.token_hex(6)}", **extra}

        self._server = JsonApiServer(handle).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    # Set-up

    def add_price(self, price_id: str, amount: int, currency: str, interval: str = "month") -> dict[str, Any]:
        """Register a recurring price (as created in Stripe's dashboard) that subscriptions
        may use: `amount` in minor units per `interval` (day, week, month, year)."""
        if interval not in _INTERVALS:
            raise ValueError(f"interval must be one of {sorted(_INTERVALS)}")
        if not isinstance(amount, int) or amount < 0:
            raise ValueError("amount must be a non-negative int")
        currency = currency.lower()
        if not _CURRENCY.match(currency):
            raise ValueError("currency must be a three-letter code")
        price = {
            "id": price_id,
            "object": "price",
            "active": True,
            "currency": currency,
            "unit_amount": amount,
            "type": "recurring",
            "recurring": {"interval": interval, "interval_count": 1, "usage_type": "licensed"},
            "livemode": False,
        }
        with self._lock:
            self.prices[price_id] = price
        return price

    # The API

    def _authorized(self, headers: dict[str, str]) -> bool:
        auth = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        return hmac.compare_digest(auth, f"Bearer {self.api_key}")

    def _handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: str
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        split = urlsplit(raw_path)
        path = split.path
        pairs = parse_qsl(body if method == "POST" else split.query, keep_blank_values=True)
        lower = {k.lower(): v for k, v in headers.items()}
        record: dict[str, Any] = {
            "method": method,
            "path": path,
            "headers": lower,
            "form": dict(pairs),
            "params": None,
        }
        self.requests.append(record)
        try:
            if self.outage is not None:
                kind = "invalid_request_error" if self.outage == 429 else "api_error"
                raise _ApiError(
                    self.outage,
                    kind,
                    "The stand-in is down (outage)",
                    code="rate_limit" if self.outage == 429 else "",
                )
            if not self._authorized(headers):
                raise _ApiError(401, "invalid_request_error", "Invalid API Key provided")
            params = decode_form(pairs)
            record["params"] = params
            with self._lock:
                if method == "GET":
                    return 200, self._route_get(path, params), {}
                if method != "POST":
                    raise _ApiError(
                        404, "invalid_request_error", f"Unrecognized request URL ({method}: {path})"
                    )
                key = lower.get("idempotency-key", "")
                if not key:  # real Stripe accepts it; the service must always send one
                    raise _bad("Idempotency-Key header required", param="Idempotency-Key")
                endpoint = f"POST {path}"
                if key in self._idempotency:
                    seen_endpoint, seen_params, reply = self._idempotency[key]
                    if seen_endpoint != endpoint:
                        raise _ApiError(
                            400,
                            "idempotency_error",
                            "Keys for idempotent requests can only be used for the same endpoint they "
                            f"were first used for ('{seen_endpoint}' vs '{endpoint}')",
                        )
                    if seen_params != params:
                        raise _ApiError(
                            400,
                            "idempotency_error",
                            "Keys for idempotent requests can only be used with the same parameters "
                            "they were first used with",
                        )
                    return 200, copy.deepcopy(reply), {"Idempotent-Replayed": "true"}
                # Only requests that succeed are saved: a refused one may be retried with the key.
                reply = self._route_post(path, params)
                self._idempotency[key] = (endpoint, params, copy.deepcopy(reply))
                return 200, reply, {}
        except _ApiError as error:
            return error.status, error.body, {}

    def _route_post(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        if path == "/v1/payment_intents":
            return self._create_intent(params)
        if path == "/v1/refunds":
            return self._create_refund(params)
        if path == "/v1/customers":
            return self._create_customer(params)
        if path == "/v1/subscriptions":
            return self._create_subscription(params)
        match = re.fullmatch(r"/v1/subscriptions/([A-Za-z0-9_]+)", path)
        if match:
            return self._update_subscription(match.group(1), params)
        raise _ApiError(404, "invalid_request_error", f"Unrecognized request URL (POST: {path})")

    def _route_get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        _only(params, {"expand"})
        expand = _expand(params)
        match = re.fullmatch(
            r"/v1/(payment_intents|refunds|customers|subscriptions|invoices)/([A-Za-z0-9_]+)", path
        )
        if not match:
            raise _ApiError(404, "invalid_request_error", f"Unrecognized request URL (GET: {path})")
        collection, object_id = match.groups()
        if collection == "subscriptions":
            if object_id not in self.subscriptions:
                raise _missing("subscription", object_id)
            return self._subscription_view(object_id, expand)
        if collection == "invoices":
            if object_id not in self.invoices:
                raise _missing("invoice", object_id)
            for path in expand:
                if path != "confirmation_secret":
                    raise _bad(f"This property cannot be expanded ({path}).", param="expand")
            return self._invoice_view(object_id, "confirmation_secret" in expand)
        store, kind = {
            "payment_intents": (self.intents, "payment_intent"),
            "refunds": (self.refunds, "refund"),
            "customers": (self.customers, "customer"),
        }[collection]
        if expand:
            raise _bad(f"This property cannot be expanded ({expand[0]}).", param="expand")
        if object_id not in store:
            raise _missing(kind, object_id)
        return copy.deepcopy(store[object_id])

    def _create_intent(self, params: dict[str, Any]) -> dict[str, Any]:
        _only(
            params, {"amount", "currency", "automatic_payment_methods", "metadata", "description", "expand"}
        )
        amount = _positive_int(params.get("amount", ""), "amount")
        currency = params.get("currency", "")
        if not isinstance(currency, str) or not _CURRENCY.match(currency):
            raise _bad("Invalid currency", param="currency")
        methods = params.get("automatic_payment_methods", {})
        if methods:
            if not isinstance(methods, dict):
                raise _bad("Invalid hash", param="automatic_payment_methods")
            _only(methods, {"enabled", "allow_redirects"}, "automatic_payment_methods")
            _boolean(methods.get("enabled", ""), "automatic_payment_methods[enabled]")
        if _expand(params):
            raise _bad(f"This property cannot be expanded ({params['expand'][0]}).", param="expand")
        intent = self._new_intent(amount, currency, _metadata(params))
        return copy.deepcopy(intent)

    def _new_intent(self, amount: int, currency: str, metadata: dict[str, str]) -> dict[str, Any]:
        intent_id = _new_id("pi")
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": 0,
            "currency": currency,
            "status": "requires_payment_method",
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(12)}",
            "last_payment_error": None,
            "latest_charge": None,
            "metadata": metadata,
            "livemode": False,
            "created": int(time.time()),
        }
        self.intents[intent_id] = intent
        return intent

    def refundable(self, intent_id: str) -> int:
        """What is still refundable on a PaymentIntent: received minus the refunds that have
        not failed (pending ones hold their amount)."""
        intent = self.intents[intent_id]
        refunded = sum(
            r["amount"]
            for r in self.refunds.values()
            if r["payment_intent"] == intent_id and r["status"] in _COUNTS_AS_REFUNDED
        )
        return int(intent["amount_received"]) - refunded

    def _create_refund(self, params: dict[str, Any]) -> dict[str, Any]:
        _only(params, {"payment_intent", "amount", "reason", "metadata", "expand"})
        intent_id = _string(params, "payment_intent")
        if not intent_id:
            raise _bad(
                "One of the following params should be provided for this request: payment_intent or charge.",
                code="parameter_missing",
            )
        if intent_id not in self.intents:
            raise _missing("payment_intent", intent_id, param="payment_intent", status=400)
        intent = self.intents[intent_id]
        if intent["status"] != "succeeded":
            raise _bad(
                f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
                param="payment_intent",
                code="payment_intent_unexpected_state",
            )
        reason = _string(params, "reason")
        if reason and reason not in _REFUND_REASONS:
            raise _bad(f"Invalid reason: must be one of {', '.join(sorted(_REFUND_REASONS))}", param="reason")
        if _expand(params):
            raise _bad(f"This property cannot be expanded ({params['expand'][0]}).", param="expand")
        metadata = _metadata(params)
        remaining = self.refundable(intent_id)
        if remaining <= 0:
            raise _bad(
                f"Charge {intent['latest_charge']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = _positive_int(params["amount"], "amount") if "amount" in params else remaining
        if amount > remaining:
            raise _bad(
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})",
                param="amount",
                code="amount_too_large",
            )
        refund_id = _new_id("re")
        refund = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent_id,
            "charge": intent["latest_charge"],
            "status": self.refund_outcome,
            "reason": reason or None,
            "failure_reason": None,
            "metadata": metadata,
            "balance_transaction": _new_id("txn"),
            "created": int(time.time()),
        }
        self.refunds[refund_id] = refund
        return copy.deepcopy(refund)

    def _create_customer(self, params: dict[str, Any]) -> dict[str, Any]:
        _only(params, {"email", "name", "description", "metadata", "expand"})
        if _expand(params):
            raise _bad(f"This property cannot be expanded ({params['expand'][0]}).", param="expand")
        customer_id = _new_id("cus")
        customer = {
            "id": customer_id,
            "object": "customer",
            "email": _string(params, "email") or None,
            "name": _string(params, "name") or None,
            "description": _string(params, "description") or None,
            "metadata": _metadata(params),
            "livemode": False,
            "created": int(time.time()),
        }
        self.customers[customer_id] = customer
        return copy.deepcopy(customer)

    def _create_subscription(self, params: dict[str, Any]) -> dict[str, Any]:
        _only(params, {"customer", "items", "payment_behavior", "payment_settings", "metadata", "expand"})
        customer_id = _required(params, "customer")
        if not isinstance(customer_id, str) or customer_id not in self.customers:
            raise _missing("customer", str(customer_id), param="customer", status=400)
        items = _required(params, "items")
        if not isinstance(items, list) or not items:
            raise _bad("Invalid array: items", param="items")
        if len(items) != 1:  # the service sells one plan per subscription
            raise _bad("The stand-in supports subscriptions with exactly one item", param="items")
        item = items[0]
        if not isinstance(item, dict):
            raise _bad("Invalid hash: items[0]", param="items[0]")
        _only(item, {"price", "quantity", "metadata"}, "items[0]")
        price_id = item.get("price", "")
        if not isinstance(price_id, str) or not price_id:
            raise _bad(
                "Missing required param: items[0][price].", param="items[0][price]", code="parameter_missing"
            )
        if price_id not in self.prices:
            raise _missing("price", price_id, param="items[0][price]", status=400)
        quantity = _positive_int(item["quantity"], "items[0][quantity]") if "quantity" in item else 1
        behavior = _string(params, "payment_behavior") or "allow_incomplete"
        if behavior not in _PAYMENT_BEHAVIORS:
            raise _bad(
                f"The stand-in supports payment_behavior {sorted(_PAYMENT_BEHAVIORS)} only "
                "(its customers have no saved payment method)",
                param="payment_behavior",
            )
        settings = params.get("payment_settings", {})
        if settings:
            if not isinstance(settings, dict):
                raise _bad("Invalid hash", param="payment_settings")
            _only(settings, {"save_default_payment_method"}, "payment_settings")
            if settings.get("save_default_payment_method") not in ("on_subscription", "off"):
                raise _bad(
                    "Invalid payment_settings[save_default_payment_method]",
                    param="payment_settings[save_default_payment_method]",
                )
        expand = _expand(params)
        self._check_subscription_expand(expand)
        metadata = _metadata(params)
        price = self.prices[price_id]
        now = int(time.time())
        end = _add_interval(now, price["recurring"]["interval"])
        sub_id = _new_id("sub")
        subscription = {
            "id": sub_id,
            "object": "subscription",
            "customer": customer_id,
            "status": "incomplete",
            "currency": price["currency"],
            "cancel_at_period_end": False,
            "cancel_at": None,
            "canceled_at": None,
            "ended_at": None,
            "collection_method": "charge_automatically",
            "billing_cycle_anchor": now,
            "start_date": now,
            "created": now,
            "latest_invoice": None,
            "metadata": metadata,
            "payment_settings": {
                "save_default_payment_method": settings.get("save_default_payment_method", "off")
            },
            "livemode": False,
            "items": {
                "object": "list",
                "data": [
                    {
                        "id": _new_id("si"),
                        "object": "subscription_item",
                        "price": copy.deepcopy(price),
                        "quantity": quantity,
                        "subscription": sub_id,
                        "metadata": _metadata(item),
                        "current_period_start": now,
                        "current_period_end": end,
                        "created": now,
                    }
                ],
                "has_more": False,
                "total_count": 1,
                "url": f"/v1/subscription_items?subscription={sub_id}",
            },
        }
        self.subscriptions[sub_id] = subscription
        invoice = self._new_invoice(sub_id, "subscription_create", now, end)
        subscription["latest_invoice"] = invoice["id"]
        if invoice["amount_due"] == 0:  # nothing to pay: Stripe activates it at once
            invoice.update(status="paid")
            subscription["status"] = "active"
        return self._subscription_view(sub_id, expand)

    def _new_invoice(self, sub_id: str, billing_reason: str, start: int, end: int) -> dict[str, Any]:
        subscription = self.subscriptions[sub_id]
        item = subscription["items"]["data"][0]
        amount = int(item["price"]["unit_amount"]) * int(item["quantity"])
        intent = self._new_intent(amount, subscription["currency"], {}) if amount else None
        invoice_id = _new_id("in")
        invoice = {
            "id": invoice_id,
            "object": "invoice",
            "customer": subscription["customer"],
            "status": "open",
            "billing_reason": billing_reason,
            "collection_method": "charge_automatically",
            "currency": subscription["currency"],
            "amount_due": amount,
            "amount_paid": 0,
            "amount_remaining": amount,
            "attempt_count": 0,
            "period_start": start,
            "period_end": end,
            "parent": {
                "type": "subscription_details",
                "quote_details": None,
                "subscription_details": {
                    "subscription": sub_id,
                    "metadata": dict(subscription["metadata"]),
                    "subscription_proration_date": None,
                },
            },
            "created": int(time.time()),
            "livemode": False,
            # Not part of the object: only shown when `confirmation_secret` is expanded.
            "_payment_intent": intent["id"] if intent else None,
        }
        self.invoices[invoice_id] = invoice
        return invoice

    def _invoice_view(self, invoice_id: str, with_secret: bool) -> dict[str, Any]:
        invoice = {k: copy.deepcopy(v) for k, v in self.invoices[invoice_id].items() if not k.startswith("_")}
        if with_secret:
            intent_id = self.invoices[invoice_id]["_payment_intent"]
            invoice["confirmation_secret"] = (
                {"client_secret": self.intents[intent_id]["client_secret"], "type": "payment_intent"}
                if intent_id and invoice["status"] == "open"
                else None
            )
        return invoice

    @staticmethod
    def _check_subscription_expand(expand: list[str]) -> None:
        for path in expand:
            if path not in ("latest_invoice", "latest_invoice.confirmation_secret", "customer"):
                raise _bad(f"This property cannot be expanded ({path}).", param="expand")

    def _subscription_view(self, sub_id: str, expand: list[str]) -> dict[str, Any]:
        self._check_subscription_expand(expand)
        subscription = copy.deepcopy(self.subscriptions[sub_id])
        invoice_id = subscription["latest_invoice"]
        if invoice_id and ("latest_invoice" in expand or "latest_invoice.confirmation_secret" in expand):
            subscription["latest_invoice"] = self._invoice_view(
                invoice_id, "latest_invoice.confirmation_secret" in expand
            )
        if "customer" in expand:
            subscription["customer"] = copy.deepcopy(self.customers[subscription["customer"]])
        return subscription

    def _update_subscription(self, sub_id: str, params: dict[str, Any]) -> dict[str, Any]:
        if sub_id not in self.subscriptions:
            raise _missing("subscription", sub_id)
        _only(params, {"cancel_at_period_end", "metadata", "expand"})
        expand = _expand(params)
        self._check_subscription_expand(expand)
        subscription = self.subscriptions[sub_id]
        if subscription["status"] in ("canceled", "incomplete_expired") and "cancel_at_period_end" in params:
            raise _bad("A canceled subscription can only update its cancellation_details and metadata.")
        if "cancel_at_period_end" in params:
            cancel = _boolean(params["cancel_at_period_end"], "cancel_at_period_end")
            subscription["cancel_at_period_end"] = cancel
            subscription["cancel_at"] = self._period_end(sub_id) if cancel else None
            subscription["canceled_at"] = int(time.time()) if cancel else None
        if "metadata" in params:
            _metadata(params)  # checks it
            merged = dict(subscription["metadata"])
            for k, v in (params["metadata"] or {}).items():  # an empty value unsets the key
                if v == "":
                    merged.pop(k, None)
                else:
                    merged[k] = v
            subscription["metadata"] = merged
        return self._subscription_view(sub_id, expand)

    def _period_end(self, sub_id: str) -> int:
        return int(self.subscriptions[sub_id]["items"]["data"][0]["current_period_end"])

    # What the customer and Stripe do

    def _event_body(
        self, event_type: str, obj: dict[str, Any], previous_attributes: dict[str, Any] | None = None
    ) -> bytes:
        data: dict[str, Any] = {"object": obj}
        if previous_attributes is not None:
            data["previous_attributes"] = previous_attributes
        body = {
            "id": _new_id("evt"),
            "object": "event",
            "api_version": EVENT_API_VERSION,
            "created": int(time.time()),
            "type": event_type,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "data": data,
        }
        return json.dumps(body, separators=(",", ":")).encode()

    def event(self, event_type: str, intent_id: str, **changes: Any) -> bytes:
        """A webhook body for `intent_id` (a new event id each time), as Stripe sends it;
        `changes` alter the object in this body only."""
        intent = dict(copy.deepcopy(self.intents[intent_id]), **changes)
        return self._event_body(event_type, intent)

    def pay(self, intent_id: str) -> bytes:
        """The customer confirms the payment: the intent succeeds; returns the webhook body."""
        with self._lock:
            intent = self.intents[intent_id]
            intent.update(
                status="succeeded",
                amount_received=intent["amount"],
                latest_charge=intent.get("latest_charge") or _new_id("ch"),
                last_payment_error=None,
            )
        return self.event("payment_intent.succeeded", intent_id)

    def decline(self, intent_id: str, message: str = "Your card was declined.") -> bytes:
        with self._lock:
            intent = self.intents[intent_id]
            intent.update(
                status="requires_payment_method",
                last_payment_error={"code": "card_declined", "message": message},
            )
        return self.event("payment_intent.payment_failed", intent_id)

    def refund_event(
        self,
        refund_id: str,
        status: str | None = None,
        *,
        event_type: str | None = None,
        failure_reason: str = "declined",
        **changes: Any,
    ) -> bytes:
        """Stripe settles a refund: `status` (succeeded, failed, canceled, …) is stored, and
        the webhook body is returned: `refund.failed` for a failure, else `refund.updated`
        (or `event_type`, e.g. "refund.created" with no status to announce it as it is).
        `changes` alter the object in this body only."""
        with self._lock:
            refund = self.refunds[refund_id]
            previous: dict[str, Any] | None = None
            if status is not None:
                if status not in _REFUND_SETTLED:
                    raise ValueError(f"status must be one of {sorted(_REFUND_SETTLED)}")
                previous = {"status": refund["status"]}
                refund["status"] = status
                refund["failure_reason"] = failure_reason if status in ("failed", "canceled") else None
            kind = event_type or ("refund.failed" if status == "failed" else "refund.updated")
            obj = dict(copy.deepcopy(refund), **changes)
        return self._event_body(kind, obj, previous if kind == "refund.updated" else None)

    def subscription_event(self, sub_id: str, event_type: str, **changes: Any) -> bytes:
        """A webhook body for the subscription as it is now (`customer.subscription.created`,
        `.updated`, `.deleted`); `changes` alter the object in this body only."""
        with self._lock:
            obj = dict(self._subscription_view(sub_id, []), **changes)
        return self._event_body(event_type, obj)

    def _pay_invoice(self, invoice_id: str) -> None:
        invoice = self.invoices[invoice_id]
        invoice.update(status="paid", amount_paid=invoice["amount_due"], amount_remaining=0)
        invoice["attempt_count"] += 1
        if invoice["_payment_intent"]:
            intent = self.intents[invoice["_payment_intent"]]
            intent.update(status="succeeded", amount_received=intent["amount"], latest_charge=_new_id("ch"))

    def activate(self, sub_id: str) -> tuple[bytes, bytes]:
        """The customer pays the subscription's latest invoice (the first one, or the renewal
        that failed): it becomes active. Returns the bodies of `invoice.paid` and
        `customer.subscription.updated`."""
        with self._lock:
            subscription = self.subscriptions[sub_id]
            invoice_id = subscription["latest_invoice"]
            self._pay_invoice(invoice_id)
            previous = {"status": subscription["status"]}
            subscription["status"] = "active"
            paid = self._event_body("invoice.paid", self._invoice_view(invoice_id, False))
            updated = self._event_body(
                "customer.subscription.updated", self._subscription_view(sub_id, []), previous
            )
        return paid, updated

    def _next_period(self, sub_id: str, billing_reason: str) -> dict[str, Any]:
        subscription = self.subscriptions[sub_id]
        item = subscription["items"]["data"][0]
        start = int(item["current_period_end"])
        end = _add_interval(start, item["price"]["recurring"]["interval"])
        item.update(current_period_start=start, current_period_end=end)
        invoice = self._new_invoice(sub_id, billing_reason, start, end)
        subscription["latest_invoice"] = invoice["id"]
        return invoice

    def renew(self, sub_id: str) -> tuple[bytes, bytes]:
        """The next period starts and its invoice is paid. Returns the bodies of
        `invoice.paid` and `customer.subscription.updated` (the new period end)."""
        with self._lock:
            subscription = self.subscriptions[sub_id]
            previous_end = self._period_end(sub_id)
            invoice = self._next_period(sub_id, "subscription_cycle")
            self._pay_invoice(invoice["id"])
            subscription["status"] = "active"
            paid = self._event_body("invoice.paid", self._invoice_view(invoice["id"], False))
            updated = self._event_body(
                "customer.subscription.updated",
                self._subscription_view(sub_id, []),
                {"items": {"data": [{"current_period_end": previous_end}]}},
            )
        return paid, updated

    def renewal_failed(self, sub_id: str) -> bytes:
        """The next period starts and its invoice's payment fails: the subscription is
        past_due. Returns the body of `customer.subscription.updated`."""
        with self._lock:
            subscription = self.subscriptions[sub_id]
            invoice = self._next_period(sub_id, "subscription_cycle")
            invoice["attempt_count"] = 1
            if invoice["_payment_intent"]:
                self.intents[invoice["_payment_intent"]]["last_payment_error"] = {
                    "code": "card_declined",
                    "message": "Your card was declined.",
                }
            previous = {"status": subscription["status"]}
            subscription["status"] = "past_due"
            return self._event_body(
                "customer.subscription.updated", self._subscription_view(sub_id, []), previous
            )

    def cancel_now(self, sub_id: str) -> bytes:
        """The subscription ends now (the period ended after cancel_at_period_end, or unpaid
        renewals ran out). Returns the body of `customer.subscription.deleted`."""
        with self._lock:
            subscription = self.subscriptions[sub_id]
            now = int(time.time())
            subscription.update(
                status="canceled", ended_at=now, canceled_at=subscription["canceled_at"] or now
            )
            return self._event_body("customer.subscription.deleted", self._subscription_view(sub_id, []))

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
