"""What the order logic needs from a payment provider: one interface per capability,
so a new provider (Razorpay, PayPal) is an adapter, not a change to the handlers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from lms_payment.domain.model import Money, Provider


@dataclass(frozen=True, slots=True)
class OpenedPayment:
    """A payment opened with the provider: its id and the secret the app confirms it with."""

    provider_payment_id: str
    client_secret: str


@dataclass(frozen=True, slots=True)
class ProviderEvent:
    """A verified webhook event, reduced to what the order logic acts on.

    kind: "payment_succeeded", "payment_failed" or "ignored" (any other type).
    """

    provider: Provider
    event_id: str
    event_type: str
    kind: str
    provider_payment_id: str = ""
    order_id: str = ""
    amount: Money | None = None
    failure_reason: str = ""


class PaymentGateway(Protocol):
    provider: Provider

    async def open_payment(
        self, *, order_id: str, amount: Money, user_id: str, idempotency_key: str
    ) -> OpenedPayment:
        """Open a payment for `amount`; the same `idempotency_key` opens it once."""
        ...

    def verify_webhook(self, payload: bytes, headers: dict[str, str]) -> ProviderEvent:
        """The event a signed webhook carries; raises WebhookRejected if the signature is bad."""
        ...
