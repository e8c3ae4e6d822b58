"""Stripe behind the PaymentGateway and SubscriptionGateway interfaces: PaymentIntents,
Refunds, Customers and Subscriptions through the official SDK, webhooks verified with
`stripe.Webhook.construct_event` (HMAC-SHA256 with a timestamp tolerance). The same code
runs against Stripe and against the local stand-in; only `api_base` differs. What Stripe
answers is read by stripe_objects.py.

Errors: no answer, 5xx, 409 and rate limits -> UpstreamUnavailable (retry later); a refund
larger than what is still refundable -> ProviderRefusedRefund (REFUND_EXCEEDS_PAYMENT).
Anything else Stripe refuses (bad key, unknown id, misuse of an idempotency key) is a bug or a
misconfiguration, and the SDK's error propagates.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import stripe

from lms_kit.domain.money import Money
from lms_payment.adapters import stripe_objects
from lms_payment.domain.errors import (
    ProviderRefusedRefund,
    UpstreamUnavailable,
    WebhookMalformed,
    WebhookRejected,
)
from lms_payment.domain.model import Provider
from lms_payment.domain.providers import (
    OpenedPayment,
    OpenedSubscription,
    PaymentState,
    ProviderEvent,
    RefundState,
    SubscriptionStatus,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

SIGNATURE_HEADER = "stripe-signature"
# Stripe's `reason` on a refund only takes these; the service's own text goes in metadata.
REFUND_REASON = "requested_by_customer"
_METADATA_VALUE_MAX = 500  # Stripe's limit on a metadata value

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
        return stripe_objects.payment_state(intent.to_dict())

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
                raise ProviderRefusedRefund(
                    f"the refund of {amount.amount_minor} {amount.currency} exceeds what is still "
                    f"refundable on {provider_payment_id}",
                ) from exc
            raise
        return stripe_objects.refund_state(refund.to_dict())

    async def fetch_refund(self, provider_refund_id: str, *, provider_payment_id: str) -> RefundState:
        # Stripe refund ids are global; provider_payment_id is what Razorpay needs.
        refund = await self._call(
            "fetch_refund",
            provider_refund_id,
            lambda: self._client.v1.refunds.retrieve_async(provider_refund_id),
        )
        return stripe_objects.refund_state(refund.to_dict())

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
        return stripe_objects.opened_subscription(subscription.to_dict())

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
            if (
                stripe_objects.SUBSCRIPTION_STATUS.get(str(subscription.status))
                is not SubscriptionStatus.CANCELED
            ):
                raise
        return stripe_objects.opened_subscription(subscription.to_dict())

    # Webhooks

    def verify_webhook(self, payload: bytes, headers: dict[str, str]) -> ProviderEvent:
        signature = headers.get(SIGNATURE_HEADER, "")
        if not signature:
            raise WebhookRejected("missing Stripe-Signature header")
        # Stripe's SDK refuses only timestamps too old; one from the future is as suspect.
        if _signed_at(signature) > time.time() + self._tolerance_s:
            raise WebhookRejected("the Stripe-Signature timestamp is in the future")
        try:
            event = stripe.Webhook.construct_event(
                payload, signature, self._webhook_secret, tolerance=self._tolerance_s
            )
        except stripe.SignatureVerificationError as exc:
            raise WebhookRejected("bad Stripe-Signature") from exc
        except ValueError as exc:  # not JSON
            raise WebhookRejected("the body is not a Stripe event") from exc
        try:
            return stripe_objects.provider_event(event)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            log.warning(
                "webhook_malformed provider=stripe event_id=%s bytes=%d error=%s",
                getattr(event, "id", ""),
                len(payload),
                type(exc).__name__,
            )
            raise WebhookMalformed("the signed body is not a Stripe event of a known shape") from exc


def _signed_at(signature: str) -> int:
    """The `t=` of a Stripe-Signature header (0 when absent or not a number)."""
    for part in signature.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            return int(value)
    return 0
