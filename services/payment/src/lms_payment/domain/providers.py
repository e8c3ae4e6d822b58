"""What the order logic needs from a payment provider: one interface, so a new provider
(PayPal, say) is an adapter plus an enum value, never a change to the handlers.

Every method that creates something at the provider takes an idempotency key: the same
key creates it once, however often a crash or a retry repeats the call. Vendor types never
leave the adapter; handlers see only the dataclasses below.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from lms_kit.domain.money import Money
from lms_payment.domain.model import Provider, RefundStatus


@dataclass(frozen=True, slots=True)
class OpenedPayment:
    """A payment opened with the provider.

    provider_payment_id: Stripe PaymentIntent `pi_...`; Razorpay order `order_...`.
    client_secret: what the app confirms it with (Stripe); empty for Razorpay.
    """

    provider_payment_id: str
    client_secret: str


class PaymentStatus(enum.StrEnum):
    PENDING = "pending"  # not paid yet (requires action, processing, created)
    SUCCEEDED = "succeeded"  # captured: the money is received
    FAILED = "failed"  # the last attempt failed; it may still succeed later
    CANCELED = "canceled"  # will never be paid


@dataclass(frozen=True, slots=True)
class PaymentState:
    """What the provider says about a payment now (reconciliation, Razorpay checkout)."""

    provider_payment_id: str
    status: PaymentStatus
    amount: Money | None = None  # the amount received when SUCCEEDED
    transaction_id: str = ""  # Razorpay `pay_...`; Stripe: the PaymentIntent id
    failure_reason: str = ""


@dataclass(frozen=True, slots=True)
class RefundState:
    """A refund at the provider."""

    provider_refund_id: str
    status: RefundStatus
    amount: Money
    failure_reason: str = ""


class SubscriptionStatus(enum.StrEnum):
    INCOMPLETE = "incomplete"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"


@dataclass(frozen=True, slots=True)
class OpenedSubscription:
    provider_subscription_id: str
    provider_customer_id: str
    client_secret: str  # for the first invoice's payment; empty if nothing to confirm
    status: SubscriptionStatus
    current_period_end: datetime | None


class EventKind(enum.StrEnum):
    PAYMENT_SUCCEEDED = "payment_succeeded"
    PAYMENT_FAILED = "payment_failed"
    REFUND_SUCCEEDED = "refund_succeeded"
    REFUND_FAILED = "refund_failed"
    SUBSCRIPTION_CHANGED = "subscription_changed"
    INVOICE_PAID = "invoice_paid"
    IGNORED = "ignored"  # any other type: recorded, nothing else


@dataclass(frozen=True, slots=True)
class ProviderEvent:
    """A verified webhook event, reduced to what the handlers act on. Which fields are set
    depends on `kind`:

    payment_*: provider_payment_id (Stripe `pi_`, Razorpay `order_`), order_id (from the
      metadata/notes the service attached), amount, transaction_id, failure_reason.
    refund_*: provider_refund_id, provider_payment_id, amount (of this refund), failure_reason.
    subscription_changed: provider_subscription_id, subscription_status, current_period_end,
      cancel_at_period_end.
    invoice_paid: provider_subscription_id, amount, invoice_id.
    """

    provider: Provider
    event_id: str
    event_type: str
    kind: EventKind
    provider_payment_id: str = ""
    order_id: str = ""
    amount: Money | None = None
    transaction_id: str = ""
    failure_reason: str = ""
    provider_refund_id: str = ""
    provider_subscription_id: str = ""
    subscription_status: SubscriptionStatus | None = None
    current_period_end: datetime | None = None
    cancel_at_period_end: bool = False
    invoice_id: str = ""


class PaymentGateway(Protocol):
    provider: Provider
    # What the app needs to open checkout (Razorpay key_id); "" when the app ships its own.
    public_key_id: str

    async def open_payment(
        self, *, order_id: str, amount: Money, user_id: str, idempotency_key: str
    ) -> OpenedPayment:
        """Open a payment for `amount`; the same `idempotency_key` opens it once.
        Raises UpstreamUnavailable when the provider does not answer."""
        ...

    async def fetch_payment(self, provider_payment_id: str) -> PaymentState:
        """The payment's state now (the reconciliation job asks this)."""
        ...

    async def refund(
        self,
        *,
        provider_payment_id: str,
        transaction_id: str,
        amount: Money,
        idempotency_key: str,
        reason: str,
    ) -> RefundState:
        """Refund `amount` of a captured payment; the same key refunds once."""
        ...

    async def fetch_refund(self, provider_refund_id: str, *, provider_payment_id: str) -> RefundState:
        """A refund's state now (reconciliation of refunds stuck in pending)."""
        ...

    def verify_webhook(self, payload: bytes, headers: dict[str, str]) -> ProviderEvent:
        """The event a signed webhook carries; raises WebhookRejected if the signature is bad.
        `headers` has lower-case names."""
        ...


@runtime_checkable
class CheckoutVerifier(Protocol):
    """Providers whose checkout returns a signature the server must check (Razorpay)."""

    async def confirm_checkout(
        self, *, provider_payment_id: str, transaction_id: str, signature: str
    ) -> PaymentState:
        """Verify the checkout signature for (order, payment) and fetch the payment.
        Raises CheckoutRejected for a bad signature."""
        ...


@runtime_checkable
class SubscriptionGateway(Protocol):
    """Providers that bill plans (Stripe)."""

    async def open_subscription(
        self,
        *,
        subscription_id: str,
        user_id: str,
        price_id: str,
        customer_id: str,
        idempotency_key: str,
    ) -> OpenedSubscription:
        """Create the subscription (and its customer when `customer_id` is empty), waiting for
        the first payment. The same key creates one."""
        ...

    async def cancel_subscription(self, provider_subscription_id: str) -> OpenedSubscription:
        """Cancel at the end of the current period."""
        ...
