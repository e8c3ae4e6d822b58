"""Stripe behind the PaymentGateway and SubscriptionGateway interfaces: PaymentIntents,
Refunds, Customers and Subscriptions through the official SDK, webhooks verified with
`stripe.Webhook.construct_event` (HMAC-SHA256 with a timestamp tolerance). The same code
runs against Stripe and against the local stand-in; only `api_base` differs.

Objects are read as plain dicts (`to_dict()`), so both the current API's shapes and older
ones are understood: a subscription's `current_period_end` on its items (since
2025-03-31.basil) or on the subscription itself; an invoice's subscription in
`parent.subscription_details.subscription` (basil) or `subscription`.

Errors: no answer, 5xx, 409 and rate limits -> UpstreamUnavailable (retry later); a refund
larger than what is still refundable -> Precondition(REFUND_EXCEEDS_PAYMENT). Anything else
Stripe refuses (bad key, unknown id, misuse of an idempotency key) is a bug or a
misconfiguration, and the SDK's error propagates.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import stripe

from lms_payment.domain.errors import Precondition, UpstreamUnavailable, WebhookRejected
from lms_payment.domain.model import Money, Provider
from lms_payment.domain.providers import (
    EventKind,
    OpenedPayment,
    OpenedSubscription,
    PaymentState,
    PaymentStatus,
    ProviderEvent,
    RefundState,
    RefundStatus,
    SubscriptionStatus,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

SIGNATURE_HEADER = "stripe-signature"
SUCCEEDED = "payment_intent.succeeded"
FAILED = "payment_intent.payment_failed"
REFUND_EVENTS = frozenset({"refund.created", "refund.updated", "refund.failed"})
SUBSCRIPTION_EVENTS = frozenset(
    {"customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted"}
)
INVOICE_PAID = "invoice.paid"

# Stripe's `reason` on a refund only takes these; the service's own text goes in metadata.
REFUND_REASON = "requested_by_customer"
_METADATA_VALUE_MAX = 500  # Stripe's limit on a metadata value

_SUBSCRIPTION_STATUS = {
    "active": SubscriptionStatus.ACTIVE,
    "trialing": SubscriptionStatus.ACTIVE,
    "past_due": SubscriptionStatus.PAST_DUE,
    "unpaid": SubscriptionStatus.PAST_DUE,
    # A trial that ended without a payment method: not paying, may still resume.
    "paused": SubscriptionStatus.PAST_DUE,
    "canceled": SubscriptionStatus.CANCELED,
    "incomplete_expired": SubscriptionStatus.CANCELED,
    "incomplete": SubscriptionStatus.INCOMPLETE,
}
_REFUND_STATUS = {
    "succeeded": RefundStatus.SUCCEEDED,
    "pending": RefundStatus.PENDING,
    "requires_action": RefundStatus.PENDING,
    "failed": RefundStatus.FAILED,
    "canceled": RefundStatus.FAILED,
}
# What Stripe answers when a refund is larger than what is left to refund.
_REFUND_TOO_LARGE = frozenset({"amount_too_large", "charge_already_refunded"})
_UNAVAILABLE = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)


class StripeGateway:
    provider = Provider.STRIPE
    public_key_id = ""  # the app ships its own publishable key

    def __init__(
        self,
        *,
        api_key: str,
        webhook_secret: str,
        api_base: str = "",
        tolerance_s: int = 300,
        max_network_retries: int = 2,
    ) -> None:
        self._client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base} if api_base else None,
            http_client=stripe.HTTPXClient(),
            max_network_retries=max_network_retries,
        )
        self._webhook_secret = webhook_secret
        self._tolerance_s = tolerance_s

    async def _call(self, what: str, subject: str, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except _UNAVAILABLE as exc:
            log.warning("stripe_unavailable call=%s subject=%s error=%s", what, subject, type(exc).__name__)
            raise UpstreamUnavailable("the payment provider did not answer; retry") from exc

    # Payments

    async def open_payment(
        self, *, order_id: str, amount: Money, user_id: str, idempotency_key: str
    ) -> OpenedPayment:
        intent = await self._call(
            "open_payment",
            order_id,
            lambda: self._client.v1.payment_intents.create_async(
                params={
                    "amount": amount.amount_minor,
                    "currency": amount.currency.lower(),
                    "automatic_payment_methods": {"enabled": True},
                    "metadata": {"order_id": order_id, "user_id": user_id},
                },
                options={"idempotency_key": idempotency_key},
            ),
        )
        return OpenedPayment(intent.id, intent.client_secret or "")

    async def fetch_payment(self, provider_payment_id: str) -> PaymentState:
        intent = await self._call(
            "fetch_payment",
            provider_payment_id,
            lambda: self._client.v1.payment_intents.retrieve_async(provider_payment_id),
        )
        return _payment_state(intent.to_dict())

    async def refund(
        self,
        *,
        provider_payment_id: str,
        transaction_id: str,
        amount: Money,
        idempotency_key: str,
        reason: str,
    ) -> RefundState:
        # transaction_id is the PaymentIntent id for Stripe: the intent is what is refunded.
        metadata = {"refund_key": idempotency_key[:_METADATA_VALUE_MAX]}
        if reason:
            metadata["reason"] = reason[:_METADATA_VALUE_MAX]
        try:
            refund = await self._call(
                "refund",
                provider_payment_id,
                lambda: self._client.v1.refunds.create_async(
                    params={
                        "payment_intent": provider_payment_id,
                        "amount": amount.amount_minor,
                        "reason": REFUND_REASON,
                        "metadata": metadata,
                    },
                    options={"idempotency_key": idempotency_key},
                ),
            )
        except stripe.InvalidRequestError as exc:
            if exc.code in _REFUND_TOO_LARGE:
                raise Precondition(
                    "REFUND_EXCEEDS_PAYMENT",
                    f"the refund of {amount.amount_minor} {amount.currency} exceeds what is still "
                    f"refundable on {provider_payment_id}",
                ) from exc
            raise
        return _refund_state(refund.to_dict())

    async def fetch_refund(self, provider_refund_id: str, *, provider_payment_id: str) -> RefundState:
        # Stripe refund ids are global; provider_payment_id is what Razorpay needs.
        refund = await self._call(
            "fetch_refund",
            provider_refund_id,
            lambda: self._client.v1.refunds.retrieve_async(provider_refund_id),
        )
        return _refund_state(refund.to_dict())

    # Subscriptions

    async def open_subscription(
        self,
        *,
        subscription_id: str,
        user_id: str,
        price_id: str,
        customer_id: str,
        idempotency_key: str,
    ) -> OpenedSubscription:
        if not customer_id:
            customer = await self._call(
                "create_customer",
                subscription_id,
                lambda: self._client.v1.customers.create_async(
                    params={"metadata": {"user_id": user_id}},
                    options={"idempotency_key": f"{idempotency_key}-customer"},
                ),
            )
            customer_id = customer.id
        subscription = await self._call(
            "open_subscription",
            subscription_id,
            lambda: self._client.v1.subscriptions.create_async(
                params={
                    "customer": customer_id,
                    "items": [{"price": price_id}],
                    # Wait for the first payment: the app confirms the invoice's PaymentIntent.
                    "payment_behavior": "default_incomplete",
                    # Keep the card the first invoice is paid with, so renewals can charge it.
                    "payment_settings": {"save_default_payment_method": "on_subscription"},
                    "metadata": {"subscription_id": subscription_id, "user_id": user_id},
                    "expand": ["latest_invoice.confirmation_secret"],
                },
                options={"idempotency_key": idempotency_key},
            ),
        )
        return _opened_subscription(subscription.to_dict())

    async def cancel_subscription(self, provider_subscription_id: str) -> OpenedSubscription:
        # The SDK gives the update an Idempotency-Key of its own, kept across its retries;
        # setting the flag twice is harmless anyway.
        try:
            subscription = await self._call(
                "cancel_subscription",
                provider_subscription_id,
                lambda: self._client.v1.subscriptions.update_async(
                    provider_subscription_id, params={"cancel_at_period_end": True}
                ),
            )
        except stripe.InvalidRequestError:
            # Already ended (canceled at Stripe, or the first payment never came): report it.
            subscription = await self._call(
                "fetch_subscription",
                provider_subscription_id,
                lambda: self._client.v1.subscriptions.retrieve_async(provider_subscription_id),
            )
            if _SUBSCRIPTION_STATUS.get(str(subscription.status)) is not SubscriptionStatus.CANCELED:
                raise
        return _opened_subscription(subscription.to_dict())

    # Webhooks

    def verify_webhook(self, payload: bytes, headers: dict[str, str]) -> ProviderEvent:
        signature = headers.get(SIGNATURE_HEADER, "")
        if not signature:
            raise WebhookRejected("missing Stripe-Signature header")
        try:
            event = stripe.Webhook.construct_event(
                payload, signature, self._webhook_secret, tolerance=self._tolerance_s
            )
        except stripe.SignatureVerificationError as exc:
            raise WebhookRejected("bad Stripe-Signature") from exc
        except ValueError as exc:  # not JSON
            raise WebhookRejected("the body is not a Stripe event") from exc
        return _to_provider_event(event)


# Reading Stripe objects (plain dicts)


def _id(value: Any) -> str:
    """An expandable field: the id string, or the expanded object's id."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def _money(amount: Any, currency: Any) -> Money:
    return Money(int(amount or 0), str(currency).upper())


def _timestamp(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if value else None


def _payment_state(intent: dict[str, Any]) -> PaymentState:
    status = intent.get("status")
    error = intent.get("last_payment_error") or {}
    if status == "succeeded":
        return PaymentState(
            intent["id"],
            PaymentStatus.SUCCEEDED,
            amount=_money(intent.get("amount_received"), intent["currency"]),
            transaction_id=intent["id"],
        )
    if status == "canceled":
        return PaymentState(intent["id"], PaymentStatus.CANCELED)
    if status == "requires_payment_method" and error:
        return PaymentState(intent["id"], PaymentStatus.FAILED, failure_reason=_failure(error))
    return PaymentState(intent["id"], PaymentStatus.PENDING)


def _failure(error: dict[str, Any]) -> str:
    return str(error.get("message") or error.get("code") or "payment failed")


def _refund_status(refund: dict[str, Any]) -> RefundStatus:
    return _REFUND_STATUS.get(str(refund.get("status")), RefundStatus.PENDING)


def _refund_failure(refund: dict[str, Any], status: RefundStatus) -> str:
    if status is not RefundStatus.FAILED:
        return ""
    return str(refund.get("failure_reason") or refund.get("status") or "refund failed")


def _refund_state(refund: dict[str, Any]) -> RefundState:
    status = _refund_status(refund)
    return RefundState(
        refund["id"],
        status,
        _money(refund.get("amount"), refund["currency"]),
        failure_reason=_refund_failure(refund, status),
    )


def _period_end(subscription: dict[str, Any]) -> datetime | None:
    if subscription.get("current_period_end"):  # API versions before 2025-03-31.basil
        return _timestamp(subscription["current_period_end"])
    items = (subscription.get("items") or {}).get("data") or []
    return _timestamp(items[0].get("current_period_end")) if items else None


def _client_secret(subscription: dict[str, Any]) -> str:
    invoice = subscription.get("latest_invoice")
    if not isinstance(invoice, dict):
        return ""
    secret = invoice.get("confirmation_secret") or {}
    return str(secret.get("client_secret") or "")


def _opened_subscription(subscription: dict[str, Any]) -> OpenedSubscription:
    return OpenedSubscription(
        provider_subscription_id=subscription["id"],
        provider_customer_id=_id(subscription.get("customer")),
        client_secret=_client_secret(subscription),
        # An unknown (newer) status grants nothing.
        status=_SUBSCRIPTION_STATUS.get(str(subscription.get("status")), SubscriptionStatus.INCOMPLETE),
        current_period_end=_period_end(subscription),
    )


def _invoice_subscription(invoice: dict[str, Any]) -> str:
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return _id(details.get("subscription")) or _id(invoice.get("subscription"))


# Events


def _to_provider_event(event: stripe.Event) -> ProviderEvent:
    obj = event.data.object.to_dict()
    if event.type in (SUCCEEDED, FAILED):
        return _payment_event(event, obj)
    if event.type in REFUND_EVENTS:
        return _refund_event(event, obj)
    if event.type in SUBSCRIPTION_EVENTS:
        return _subscription_event(event, obj)
    if event.type == INVOICE_PAID:
        return _invoice_event(event, obj)
    return ProviderEvent(Provider.STRIPE, event.id, event.type, EventKind.IGNORED)


def _payment_event(event: stripe.Event, intent: dict[str, Any]) -> ProviderEvent:
    succeeded = event.type == SUCCEEDED
    metadata = intent.get("metadata") or {}
    return ProviderEvent(
        Provider.STRIPE,
        event.id,
        event.type,
        EventKind.PAYMENT_SUCCEEDED if succeeded else EventKind.PAYMENT_FAILED,
        provider_payment_id=intent["id"],
        order_id=metadata.get("order_id", ""),
        amount=_money(intent["amount_received" if succeeded else "amount"], intent["currency"]),
        failure_reason="" if succeeded else _failure(intent.get("last_payment_error") or {}),
    )


def _refund_event(event: stripe.Event, refund: dict[str, Any]) -> ProviderEvent:
    status = RefundStatus.FAILED if event.type == "refund.failed" else _refund_status(refund)
    kind = {
        RefundStatus.SUCCEEDED: EventKind.REFUND_SUCCEEDED,
        RefundStatus.FAILED: EventKind.REFUND_FAILED,
        RefundStatus.PENDING: EventKind.IGNORED,  # the outcome comes in a later event
    }[status]
    metadata = refund.get("metadata") or {}
    return ProviderEvent(
        Provider.STRIPE,
        event.id,
        event.type,
        kind,
        provider_refund_id=refund["id"],
        provider_payment_id=_id(refund.get("payment_intent")),
        order_id=metadata.get("order_id", ""),
        amount=_money(refund.get("amount"), refund["currency"]),
        failure_reason=_refund_failure(refund, status),
    )


def _subscription_event(event: stripe.Event, subscription: dict[str, Any]) -> ProviderEvent:
    status = (
        SubscriptionStatus.CANCELED
        if event.type == "customer.subscription.deleted"
        else _SUBSCRIPTION_STATUS.get(str(subscription.get("status")))
    )
    if status is None:
        log.warning(
            "stripe_unknown_subscription_status event=%s status=%s", event.id, subscription.get("status")
        )
        return ProviderEvent(Provider.STRIPE, event.id, event.type, EventKind.IGNORED)
    return ProviderEvent(
        Provider.STRIPE,
        event.id,
        event.type,
        EventKind.SUBSCRIPTION_CHANGED,
        provider_subscription_id=subscription["id"],
        subscription_status=status,
        current_period_end=_period_end(subscription),
        cancel_at_period_end=bool(subscription.get("cancel_at_period_end")),
    )


def _invoice_event(event: stripe.Event, invoice: dict[str, Any]) -> ProviderEvent:
    subscription_id = _invoice_subscription(invoice)
    if not subscription_id:  # a one-off invoice: nothing the service bills
        return ProviderEvent(Provider.STRIPE, event.id, event.type, EventKind.IGNORED)
    return ProviderEvent(
        Provider.STRIPE,
        event.id,
        event.type,
        EventKind.INVOICE_PAID,
        provider_subscription_id=subscription_id,
        amount=_money(invoice.get("amount_paid"), invoice["currency"]),
        invoice_id=invoice["id"],
    )
