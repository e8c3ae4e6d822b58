"""Stripe's objects and events (read as plain dicts, `to_dict()`) as the domain's values.

Both the current API's shapes and older ones are understood: a subscription's
`current_period_end` on its items (since 2025-03-31.basil) or on the subscription itself;
an invoice's subscription in `parent.subscription_details.subscription` (basil) or
`subscription`. Vendor types never leave the adapters.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import stripe

from lms_kit.domain.money import Money
from lms_payment.domain.model import Provider
from lms_payment.domain.providers import (
    EventKind,
    OpenedSubscription,
    PaymentState,
    PaymentStatus,
    ProviderEvent,
    RefundState,
    RefundStatus,
    SubscriptionStatus,
)

log = logging.getLogger(__name__)

SUCCEEDED = "payment_intent.succeeded"
FAILED = "payment_intent.payment_failed"
REFUND_EVENTS = frozenset({"refund.created", "refund.updated", "refund.failed"})
SUBSCRIPTION_EVENTS = frozenset(
    {"customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted"}
)
INVOICE_PAID = "invoice.paid"

SUBSCRIPTION_STATUS = {
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
REFUND_STATUS = {
    "succeeded": RefundStatus.SUCCEEDED,
    "pending": RefundStatus.PENDING,
    "requires_action": RefundStatus.PENDING,
    "failed": RefundStatus.FAILED,
    "canceled": RefundStatus.FAILED,
}


def _id(value: Any) -> str:
    """An expandable field: the id string, or the expanded object's id."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def _money(amount: Any, currency: Any) -> Money:
    return Money(int(amount or 0), str(currency).upper())


def _timestamp(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if value else None


def payment_state(intent: dict[str, Any]) -> PaymentState:
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
    return REFUND_STATUS.get(str(refund.get("status")), RefundStatus.PENDING)


def _refund_failure(refund: dict[str, Any], status: RefundStatus) -> str:
    if status is not RefundStatus.FAILED:
        return ""
    return str(refund.get("failure_reason") or refund.get("status") or "refund failed")


def refund_state(refund: dict[str, Any]) -> RefundState:
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


def opened_subscription(subscription: dict[str, Any]) -> OpenedSubscription:
    return OpenedSubscription(
        provider_subscription_id=subscription["id"],
        provider_customer_id=_id(subscription.get("customer")),
        client_secret=_client_secret(subscription),
        # An unknown (newer) status grants nothing.
        status=SUBSCRIPTION_STATUS.get(str(subscription.get("status")), SubscriptionStatus.INCOMPLETE),
        current_period_end=_period_end(subscription),
    )


def _invoice_subscription(invoice: dict[str, Any]) -> str:
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return _id(details.get("subscription")) or _id(invoice.get("subscription"))


# Events


def provider_event(event: stripe.Event) -> ProviderEvent:
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
        else SUBSCRIPTION_STATUS.get(str(subscription.get("status")))
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
