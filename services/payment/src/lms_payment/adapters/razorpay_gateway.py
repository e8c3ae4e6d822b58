"""Razorpay behind the PaymentGateway interface: Orders, payments and refunds through the
official `razorpay` SDK, webhook and checkout signatures checked with its `utility`
(HMAC-SHA256). The SDK is synchronous (requests), so every call runs in a worker thread and
the event loop never waits on Razorpay. The same code runs against Razorpay and against the
local stand-in; only `api_base` differs.

Idempotency: the Orders API takes no idempotency key, so the service's order id is sent as the
`receipt` and looked up (`GET /v1/orders?receipt=`) before an order is created: a retried
open_payment reuses the order. Refunds send Razorpay's `X-Refund-Idempotency` header.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from collections.abc import Callable
from typing import Any

import razorpay
import requests
from razorpay.errors import BadRequestError, GatewayError, ServerError, SignatureVerificationError

from lms_kit.domain.money import Money
from lms_payment.domain.errors import CheckoutRejected, UpstreamUnavailable, WebhookMalformed, WebhookRejected
from lms_payment.domain.model import Provider
from lms_payment.domain.providers import (
    EventKind,
    OpenedPayment,
    PaymentState,
    PaymentStatus,
    ProviderEvent,
    RefundState,
    RefundStatus,
)

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "x-razorpay-signature"
EVENT_ID_HEADER = "x-razorpay-event-id"
REFUND_IDEMPOTENCY_HEADER = "X-Refund-Idempotency"
RECEIPT_MAX = 40  # Razorpay refuses longer receipts
NOTE_MAX = 256  # longest value of a note

_KINDS = {
    "payment.captured": EventKind.PAYMENT_SUCCEEDED,
    # Fired with payment.captured for the same payment: the second one is a no-op for the handler.
    "order.paid": EventKind.PAYMENT_SUCCEEDED,
    "payment.failed": EventKind.PAYMENT_FAILED,
    "refund.processed": EventKind.REFUND_SUCCEEDED,
    "refund.failed": EventKind.REFUND_FAILED,
}
_REFUND_STATUS = {
    "processed": RefundStatus.SUCCEEDED,
    "pending": RefundStatus.PENDING,
    "failed": RefundStatus.FAILED,
}
# A payment that captured money; a fully refunded one ("refunded") was captured too.
_CAPTURED = frozenset({"captured", "refunded"})
# 409: an idempotent refund with this key is still being processed; 429: rate limited.
_RETRYABLE = frozenset({409, 429})
# What Razorpay accepts in X-Refund-Idempotency (at least 10 characters). The upper bound is ours.
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{10,40}$")


class RazorpayRefused(Exception):
    """Razorpay answered 4xx to a request the adapter expected it to accept: a wrong key, an
    id it does not know, a request it finds invalid. A retry does not help, so this is not
    UpstreamUnavailable; it is a bug or a misconfiguration to look at."""

    def __init__(self, status: int, code: str, description: str) -> None:
        super().__init__(f"Razorpay refused the request ({status} {code}): {description}")
        self.status = status
        self.code = code
        self.description = description


class _Unavailable(Exception):
    """A 5xx, 409 or 429 answer, raised from the response hook before the SDK parses it."""


def _error_of(response: requests.Response) -> tuple[str, str]:
    try:
        error = response.json().get("error") or {}
        return str(error.get("code") or ""), str(error.get("description") or "")
    except (ValueError, AttributeError):  # not Razorpay's JSON (a proxy's HTML page, say)
        return "", response.text[:200]


def _check_status(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
    """A requests response hook. The SDK picks its exception from the body's `code` and drops
    the HTTP status, so a 503 with a BAD_REQUEST_ERROR body, or a proxy's HTML 502, would not
    look retryable; the status is judged here, before the SDK sees the response."""
    status = response.status_code
    if status < 400:
        return response
    code, description = _error_of(response)
    if status >= 500 or status in _RETRYABLE:
        raise _Unavailable(f"{status} {code} {description}".strip())
    raise RazorpayRefused(status, code, description)


class RazorpayGateway:
    provider = Provider.RAZORPAY

    def __init__(
        self,
        *,
        key_id: str,
        key_secret: str,
        webhook_secret: str,
        api_base: str = "",
        timeout_s: float = 10.0,
    ) -> None:
        self.public_key_id = key_id  # the app opens Checkout with it
        # One session: its connection pool is shared by the worker threads. The SDK's own
        # retries are left off: they would re-POST an order or a refund without looking first.
        session = requests.Session()
        session.hooks["response"].append(_check_status)
        options = {"base_url": api_base.rstrip("/")} if api_base else {}
        self._client = razorpay.Client(session=session, auth=(key_id, key_secret), **options)
        self._key_secret = key_secret
        self._webhook_secret = webhook_secret
        self._timeout_s = timeout_s

    async def _call(self, what: str, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """One SDK call in a worker thread, with a timeout, its failures mapped."""
        try:
            return await asyncio.to_thread(method, *args, timeout=self._timeout_s, **kwargs)
        except (_Unavailable, requests.RequestException, GatewayError, ServerError) as exc:
            log.warning("razorpay_unavailable call=%s error=%s", what, exc)
            raise UpstreamUnavailable("the payment provider did not answer; retry") from exc
        except BadRequestError as exc:  # only if an error got past the hook (a 3xx, say)
            raise RazorpayRefused(0, "BAD_REQUEST_ERROR", str(exc)) from exc

    # Payments

    async def open_payment(
        self, *, order_id: str, amount: Money, user_id: str, idempotency_key: str
    ) -> OpenedPayment:
        """A Razorpay order for `amount`, the service's order id as its receipt. The receipt,
        not `idempotency_key`, makes a retry reuse it (the Orders API has no key)."""
        if len(order_id) > RECEIPT_MAX:
            raise ValueError(f"order id {order_id!r} is longer than a Razorpay receipt ({RECEIPT_MAX})")
        existing = await self._order_by_receipt(order_id, amount)
        if existing is not None:
            log.info("razorpay_order_reused order_id=%s razorpay_order=%s", order_id, existing["id"])
            return OpenedPayment(existing["id"], "")
        # Two concurrent first calls can both find nothing and create two orders: the handler
        # attaches one under the order's row lock, and the other is never shown to the
        # learner, so it stays `created` and is never paid.
        order = await self._call(
            "orders.create",
            self._client.order.create,
            {
                "amount": amount.amount_minor,
                "currency": amount.currency,
                "receipt": order_id,
                "notes": {"order_id": order_id, "user_id": user_id},
            },
        )
        return OpenedPayment(order["id"], "")

    async def _order_by_receipt(self, receipt: str, amount: Money) -> dict[str, Any] | None:
        found = await self._call("orders.all", self._client.order.all, {"receipt": receipt, "count": 100})
        same = [
            order
            for order in found.get("items") or []
            if order.get("receipt") == receipt
            and order.get("amount") == amount.amount_minor
            and str(order.get("currency", "")).upper() == amount.currency
        ]
        if len(same) < len(found.get("items") or []):
            # Not ours to reuse (another price under this receipt): a new order is made.
            log.warning("razorpay_receipt_mismatch receipt=%s", receipt)
        # The oldest, so that every retry settles on the same one.
        return min(same, key=lambda o: (o.get("created_at") or 0, o["id"])) if same else None

    async def fetch_payment(self, provider_payment_id: str) -> PaymentState:
        """The state of a Razorpay order, from its payments (attempts)."""
        found = await self._call("orders.payments", self._client.order.payments, provider_payment_id)
        return _order_state(provider_payment_id, found.get("items") or [])

    # Refunds

    async def refund(
        self,
        *,
        provider_payment_id: str,
        transaction_id: str,
        amount: Money,
        idempotency_key: str,
        reason: str,
    ) -> RefundState:
        """Refund `amount` of the payment `transaction_id` (`pay_...`) of the Razorpay order
        `provider_payment_id`. Refused before Razorpay is asked if the payment is not that
        order's: money must never go back on the wrong payment."""
        payment = await self._call("payments.fetch", self._client.payment.fetch, transaction_id)
        if payment.get("order_id") != provider_payment_id:
            raise ValueError(f"payment {transaction_id} is not a payment of {provider_payment_id}")
        if str(payment.get("currency", "")).upper() != amount.currency:
            raise ValueError(f"payment {transaction_id} is not in {amount.currency}")
        order = await self._call("orders.fetch", self._client.order.fetch, provider_payment_id)
        key = _refund_key(idempotency_key)
        refund = await self._call(
            "payments.refund",
            self._client.payment.refund,
            transaction_id,
            {
                "amount": amount.amount_minor,
                "speed": "normal",
                "receipt": key,
                # The service's order id, so the refund webhook names the order.
                "notes": {
                    "order_id": str(_notes(order).get("order_id") or order.get("receipt") or ""),
                    "reason": reason[:NOTE_MAX],
                },
            },
            headers={REFUND_IDEMPOTENCY_HEADER: key},
        )
        return _refund_state(refund)

    async def fetch_refund(self, provider_refund_id: str, *, provider_payment_id: str) -> RefundState:
        """Razorpay refund ids are global (`GET /v1/refunds/{id}`): the order is not needed."""
        refund = await self._call("refunds.fetch", self._client.refund.fetch, provider_refund_id)
        return _refund_state(refund)

    # Webhooks and checkout

    def verify_webhook(self, payload: bytes, headers: dict[str, str]) -> ProviderEvent:
        """Razorpay signs the raw body only (no timestamp, so no tolerance window); the event
        id comes from its own header, which the handler de-duplicates on."""
        signature = headers.get(SIGNATURE_HEADER, "")
        if not signature:
            raise WebhookRejected("missing X-Razorpay-Signature header")
        if not self._webhook_secret:  # an empty key would make every signature forgeable
            raise WebhookRejected("no Razorpay webhook secret configured")
        try:
            body = payload.decode("utf-8")  # the SDK wants text; UTF-8 round-trips the bytes
            self._client.utility.verify_webhook_signature(body, signature, self._webhook_secret)
        except (UnicodeDecodeError, SignatureVerificationError, TypeError) as exc:
            # TypeError: hmac.compare_digest refuses a non-ASCII signature
            raise WebhookRejected("bad X-Razorpay-Signature") from exc
        event_id = headers.get(EVENT_ID_HEADER, "")
        if not event_id:
            raise WebhookRejected("missing X-Razorpay-Event-Id header")
        try:
            event = json.loads(body)
        except ValueError as exc:
            raise WebhookRejected("the body is not a Razorpay event") from exc
        try:
            return _to_provider_event(event_id, event)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            log.warning("webhook_malformed provider=razorpay event_id=%s bytes=%d", event_id, len(payload))
            raise WebhookMalformed("the signed body is not a Razorpay event of a known shape") from exc

    async def confirm_checkout(
        self, *, provider_payment_id: str, transaction_id: str, signature: str
    ) -> PaymentState:
        """Checkout hands the app (order id, payment id, signature); the signature is
        HMAC-SHA256(key_secret, "order_id|payment_id"). The payment is then read from
        Razorpay, and must be one of that order's."""
        if not self._key_secret:
            raise CheckoutRejected("no Razorpay key secret configured")
        try:
            self._client.utility.verify_payment_signature(
                {
                    "razorpay_order_id": provider_payment_id,
                    "razorpay_payment_id": transaction_id,
                    "razorpay_signature": signature,
                }
            )
        except (SignatureVerificationError, TypeError) as exc:
            raise CheckoutRejected("the Razorpay checkout signature does not match") from exc
        payment = await self._call("payments.fetch", self._client.payment.fetch, transaction_id)
        if payment.get("order_id") != provider_payment_id:
            raise CheckoutRejected(f"payment {transaction_id} is not a payment of {provider_payment_id}")
        return _order_state(provider_payment_id, [payment])


def _refund_key(idempotency_key: str) -> str:
    """The key as Razorpay accepts it; any other key is hashed to one (stable across retries)."""
    if _IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        return idempotency_key
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]


def _notes(entity: dict[str, Any]) -> dict[str, Any]:
    notes = entity.get("notes")
    return notes if isinstance(notes, dict) else {}  # Razorpay sends [] for no notes


def _money(entity: dict[str, Any]) -> Money:
    return Money(int(entity["amount"]), str(entity["currency"]).upper())


def _order_state(order_id: str, payments: list[dict[str, Any]]) -> PaymentState:
    captured = [p for p in payments if p.get("status") in _CAPTURED]
    if captured:
        first = min(captured, key=lambda p: p.get("created_at") or 0)
        return PaymentState(order_id, PaymentStatus.SUCCEEDED, _money(first), first["id"])
    if payments:
        # Razorpay lists the newest first, and max() keeps the first of equal timestamps.
        latest = max(payments, key=lambda p: p.get("created_at") or 0)
        if latest.get("status") == "failed":
            reason = latest.get("error_description") or latest.get("error_code") or "payment failed"
            return PaymentState(
                order_id, PaymentStatus.FAILED, transaction_id=latest["id"], failure_reason=reason
            )
    # `created`, and `authorized` too: an authorised payment only holds the money, and
    # Razorpay refunds an authorisation that is never captured. It counts once captured.
    return PaymentState(order_id, PaymentStatus.PENDING)


def _refund_state(refund: dict[str, Any]) -> RefundState:
    status = _REFUND_STATUS.get(str(refund.get("status")), RefundStatus.PENDING)
    return RefundState(
        refund["id"],
        status,
        _money(refund),
        failure_reason="refund failed" if status is RefundStatus.FAILED else "",
    )


def _to_provider_event(event_id: str, event: Any) -> ProviderEvent:
    if not isinstance(event, dict) or not isinstance(event.get("event"), str):
        raise WebhookMalformed("the body is not a Razorpay event")
    event_type = event["event"]
    kind = _KINDS.get(event_type, EventKind.IGNORED)
    if kind is EventKind.IGNORED:
        return ProviderEvent(Provider.RAZORPAY, event_id, event_type, kind)
    try:
        payload = event["payload"]
        payment = payload["payment"]["entity"]  # every mapped event carries the payment
        if kind in (EventKind.PAYMENT_SUCCEEDED, EventKind.PAYMENT_FAILED):
            # The order's notes are not copied to its payments; order.paid carries the order.
            order = (payload.get("order") or {}).get("entity") or {}
            failed = kind is EventKind.PAYMENT_FAILED
            return ProviderEvent(
                Provider.RAZORPAY,
                event_id,
                event_type,
                kind,
                provider_payment_id=payment.get("order_id") or "",
                order_id=str(_notes(payment).get("order_id") or _notes(order).get("order_id") or ""),
                amount=_money(payment),
                transaction_id=payment["id"],
                failure_reason=(
                    payment.get("error_description") or payment.get("error_code") or "payment failed"
                )
                if failed
                else "",
            )
        refund = payload["refund"]["entity"]
        if payment.get("captured") is False:
            # An auto-refund of an authorisation nobody captured: no order's money moves.
            return ProviderEvent(Provider.RAZORPAY, event_id, event_type, EventKind.IGNORED)
        return ProviderEvent(
            Provider.RAZORPAY,
            event_id,
            event_type,
            kind,
            provider_refund_id=refund["id"],
            # The Razorpay order, as for payment events, so the handler finds the order the same
            # way; the refunded payment (`pay_...`) is the transaction id.
            provider_payment_id=payment.get("order_id") or "",
            transaction_id=refund["payment_id"],
            order_id=str(_notes(refund).get("order_id") or ""),
            amount=_money(refund),
            failure_reason="refund failed" if kind is EventKind.REFUND_FAILED else "",
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise WebhookMalformed(f"a {event_type} event without the fields it must carry") from exc
