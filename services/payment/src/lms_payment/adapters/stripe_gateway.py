"""Stripe behind the PaymentGateway interface: PaymentIntents through the official SDK,
webhooks verified with `stripe.Webhook.construct_event` (HMAC-SHA256 with a timestamp
tolerance). The same code runs against Stripe and against the local stand-in; only
`api_base` differs."""

from __future__ import annotations

import logging

import stripe

from lms_payment.domain.errors import UpstreamUnavailable, WebhookRejected
from lms_payment.domain.model import Money, Provider
from lms_payment.domain.providers import OpenedPayment, ProviderEvent

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "stripe-signature"
SUCCEEDED = "payment_intent.succeeded"
FAILED = "payment_intent.payment_failed"


class StripeGateway:
    provider = Provider.STRIPE

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

    async def open_payment(
        self, *, order_id: str, amount: Money, user_id: str, idempotency_key: str
    ) -> OpenedPayment:
        try:
            intent = await self._client.v1.payment_intents.create_async(
                params={
                    "amount": amount.amount_minor,
                    "currency": amount.currency.lower(),
                    "automatic_payment_methods": {"enabled": True},
                    "metadata": {"order_id": order_id, "user_id": user_id},
                },
                options={"idempotency_key": idempotency_key},
            )
        except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
            log.warning("stripe_unavailable order_id=%s error=%s", order_id, type(exc).__name__)
            raise UpstreamUnavailable("the payment provider did not answer; retry") from exc
        return OpenedPayment(intent.id, intent.client_secret or "")

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


def _to_provider_event(event: stripe.Event) -> ProviderEvent:
    kind = {SUCCEEDED: "payment_succeeded", FAILED: "payment_failed"}.get(event.type, "ignored")
    if kind == "ignored":
        return ProviderEvent(Provider.STRIPE, event.id, event.type, kind)
    intent = event.data.object.to_dict()
    metadata = intent.get("metadata") or {}
    amount = Money(
        int(intent["amount_received" if kind == "payment_succeeded" else "amount"]),
        str(intent["currency"]).upper(),
    )
    error = intent.get("last_payment_error") or {}
    return ProviderEvent(
        Provider.STRIPE,
        event.id,
        event.type,
        kind,
        provider_payment_id=intent["id"],
        order_id=metadata.get("order_id", ""),
        amount=amount,
        failure_reason=(error.get("message") or error.get("code") or "payment failed")
        if kind == "payment_failed"
        else "",
    )
