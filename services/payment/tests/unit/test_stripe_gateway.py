"""The Stripe adapter with the real SDK against the stand-in: payments read back, refunds
(idempotent, never beyond what was received, pending then settled), subscriptions (customer
and subscription made once per key, the first invoice's client secret, cancel at period
end), and every webhook kind it maps, verified with real signatures. Nothing here touches
the handlers or a database."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import stripe

from lms_devkit.standins.stripe import StripeStandIn, decode_form
from lms_kit.domain.money import Money
from lms_payment.adapters.stripe_gateway import StripeGateway
from lms_payment.domain.errors import (
    ProviderRefusedRefund,
    UpstreamUnavailable,
    WebhookMalformed,
    WebhookRejected,
)
from lms_payment.domain.model import Provider
from lms_payment.domain.providers import (
    EventKind,
    PaymentStatus,
    RefundState,
    RefundStatus,
    SubscriptionStatus,
)

PRICE = "price_pro_monthly"


@pytest.fixture(scope="module")
def standin():
    server = StripeStandIn().start()
    server.add_price(PRICE, 1500, "usd", "month")
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _reset(standin):
    yield
    standin.refund_outcome = "succeeded"
    standin.outage = None


@pytest.fixture
def gateway(standin) -> StripeGateway:
    return StripeGateway(
        api_key=standin.api_key,
        webhook_secret=standin.webhook_secret,
        api_base=standin.api_base,
        max_network_retries=0,
    )


def key() -> str:
    return f"test-{uuid.uuid4().hex}"


def verify(gateway: StripeGateway, standin: StripeStandIn, payload: bytes):
    return gateway.verify_webhook(payload, {"stripe-signature": standin.sign(payload)})


async def paid_intent(gateway, standin, amount: int = 5000, order_id: str = "o-1") -> str:
    opened = await gateway.open_payment(
        order_id=order_id, amount=Money(amount, "USD"), user_id="u-1", idempotency_key=key()
    )
    standin.pay(opened.provider_payment_id)
    return opened.provider_payment_id


async def refund(gateway, intent_id: str, amount: int, idempotency_key: str | None = None, reason="asked"):
    return await gateway.refund(
        provider_payment_id=intent_id,
        transaction_id=intent_id,
        amount=Money(amount, "USD"),
        idempotency_key=idempotency_key or key(),
        reason=reason,
    )


async def subscription(gateway, customer_id: str = "", idempotency_key: str | None = None, user="u-sub"):
    return await gateway.open_subscription(
        subscription_id=f"s-{uuid.uuid4().hex[:8]}",
        user_id=user,
        price_id=PRICE,
        customer_id=customer_id,
        idempotency_key=idempotency_key or key(),
    )


def posts(standin, path: str) -> list[dict]:
    return [r for r in standin.requests if r["method"] == "POST" and r["path"] == path]


# The stand-in's form decoding matches the SDK's encoding


def test_form_decoding_rebuilds_the_sdks_nested_params():
    assert decode_form(
        [
            ("items[0][price]", "price_a"),
            ("items[0][quantity]", "2"),
            ("expand[0]", "latest_invoice.confirmation_secret"),
            ("metadata[0]", "kept as a key"),
            ("metadata[user_id]", "u"),
            ("flag", "true"),
            ("tags[]", "a"),
            ("tags[]", "b"),
        ]
    ) == {
        "items": [{"price": "price_a", "quantity": "2"}],
        "expand": ["latest_invoice.confirmation_secret"],
        "metadata": {"0": "kept as a key", "user_id": "u"},
        "flag": "true",
        "tags": ["a", "b"],
    }


# fetch_payment


async def test_fetch_payment_reports_pending_until_paid_then_succeeded_with_the_amount_received(
    gateway, standin
):
    opened = await gateway.open_payment(
        order_id="o-f", amount=Money(4200, "USD"), user_id="u", idempotency_key=key()
    )
    pending = await gateway.fetch_payment(opened.provider_payment_id)
    assert (pending.status, pending.amount) == (PaymentStatus.PENDING, None)
    standin.pay(opened.provider_payment_id)
    paid = await gateway.fetch_payment(opened.provider_payment_id)
    assert paid.status is PaymentStatus.SUCCEEDED
    assert paid.amount == Money(4200, "USD")
    assert paid.transaction_id == opened.provider_payment_id


async def test_fetch_payment_reports_a_declined_attempt_as_failed_with_the_card_message(gateway, standin):
    opened = await gateway.open_payment(
        order_id="o-d", amount=Money(100, "USD"), user_id="u", idempotency_key=key()
    )
    standin.decline(opened.provider_payment_id, message="Insufficient funds.")
    state = await gateway.fetch_payment(opened.provider_payment_id)
    assert (state.status, state.failure_reason) == (PaymentStatus.FAILED, "Insufficient funds.")


async def test_fetch_payment_reports_a_canceled_intent_as_canceled(gateway, standin):
    opened = await gateway.open_payment(
        order_id="o-c", amount=Money(100, "USD"), user_id="u", idempotency_key=key()
    )
    standin.intents[opened.provider_payment_id]["status"] = "canceled"
    assert (await gateway.fetch_payment(opened.provider_payment_id)).status is PaymentStatus.CANCELED


# refund / fetch_refund


async def test_refund_sends_stripes_reason_enum_and_the_free_text_in_metadata(gateway, standin):
    intent_id = await paid_intent(gateway, standin)
    idem = key()
    state = await refund(
        gateway, intent_id, 1200, idempotency_key=idem, reason="course was not what I expected"
    )
    assert state.status is RefundStatus.SUCCEEDED
    assert state.amount == Money(1200, "USD")
    assert state.provider_refund_id.startswith("re_")
    sent = posts(standin, "/v1/refunds")[-1]
    assert sent["headers"]["idempotency-key"] == idem
    assert sent["form"]["payment_intent"] == intent_id
    assert sent["form"]["amount"] == "1200"
    assert sent["form"]["reason"] == "requested_by_customer"
    assert sent["form"]["metadata[reason]"] == "course was not what I expected"
    stored = standin.refunds[state.provider_refund_id]
    assert (stored["payment_intent"], stored["amount"]) == (intent_id, 1200)


async def test_refund_retried_with_the_same_key_makes_one_refund(gateway, standin):
    intent_id = await paid_intent(gateway, standin, amount=3000)
    idem = key()
    first = await refund(gateway, intent_id, 3000, idempotency_key=idem)
    again = await refund(gateway, intent_id, 3000, idempotency_key=idem)
    assert again == first
    assert [r for r in standin.refunds.values() if r["payment_intent"] == intent_id] == [
        standin.refunds[first.provider_refund_id]
    ]
    assert standin.refundable(intent_id) == 0


async def test_the_same_refund_key_with_another_amount_is_an_idempotency_error(gateway, standin):
    intent_id = await paid_intent(gateway, standin)
    idem = key()
    await refund(gateway, intent_id, 100, idempotency_key=idem)
    with pytest.raises(stripe.IdempotencyError):
        await refund(gateway, intent_id, 200, idempotency_key=idem)


async def test_refunds_beyond_what_remains_are_refused_as_refund_exceeds_payment(gateway, standin):
    intent_id = await paid_intent(gateway, standin, amount=5000)
    await refund(gateway, intent_id, 3000)
    with pytest.raises(ProviderRefusedRefund) as too_large:
        await refund(gateway, intent_id, 2001)
    assert too_large.value.reason == "REFUND_EXCEEDS_PAYMENT"
    assert (await refund(gateway, intent_id, 2000)).status is RefundStatus.SUCCEEDED
    with pytest.raises(ProviderRefusedRefund) as nothing_left:
        await refund(gateway, intent_id, 1)
    assert nothing_left.value.reason == "REFUND_EXCEEDS_PAYMENT"
    assert sum(r["amount"] for r in standin.refunds.values() if r["payment_intent"] == intent_id) == 5000


async def test_the_stand_in_refuses_to_refund_an_unpaid_intent_or_take_a_free_text_reason(gateway, standin):
    opened = await gateway.open_payment(
        order_id="o-u", amount=Money(100, "USD"), user_id="u", idempotency_key=key()
    )
    with pytest.raises(stripe.InvalidRequestError) as unpaid:
        await refund(gateway, opened.provider_payment_id, 100)
    assert unpaid.value.code == "payment_intent_unexpected_state"
    standin.pay(opened.provider_payment_id)
    client = stripe.StripeClient(
        standin.api_key, base_addresses={"api": standin.api_base}, http_client=stripe.HTTPXClient()
    )
    with pytest.raises(stripe.InvalidRequestError) as bad_reason:
        await client.v1.refunds.create_async(
            params={"payment_intent": opened.provider_payment_id, "reason": "because"},
            options={"idempotency_key": key()},
        )
    assert bad_reason.value.param == "reason"


async def test_a_pending_refund_is_reported_pending_and_then_settled_by_fetch_and_webhook(gateway, standin):
    intent_id = await paid_intent(gateway, standin)
    standin.refund_outcome = "pending"
    pending = await refund(gateway, intent_id, 500)
    assert pending.status is RefundStatus.PENDING
    assert (await gateway.fetch_refund(pending.provider_refund_id, provider_payment_id=intent_id)).status is (
        RefundStatus.PENDING
    )
    # A pending refund holds its amount.
    assert standin.refundable(intent_id) == 4500

    event = verify(gateway, standin, standin.refund_event(pending.provider_refund_id, "succeeded"))
    assert (event.kind, event.event_type) == (EventKind.REFUND_SUCCEEDED, "refund.updated")
    assert event.provider == Provider.STRIPE
    assert event.provider_refund_id == pending.provider_refund_id
    assert event.provider_payment_id == intent_id
    assert event.amount == Money(500, "USD")
    settled = await gateway.fetch_refund(pending.provider_refund_id, provider_payment_id=intent_id)
    assert settled == RefundState(pending.provider_refund_id, RefundStatus.SUCCEEDED, Money(500, "USD"))


async def test_a_failed_refund_maps_to_refund_failed_with_the_reason_and_frees_the_amount(gateway, standin):
    intent_id = await paid_intent(gateway, standin, amount=800)
    standin.refund_outcome = "pending"
    pending = await refund(gateway, intent_id, 800)
    event = verify(
        gateway,
        standin,
        standin.refund_event(pending.provider_refund_id, "failed", failure_reason="lost_or_stolen_card"),
    )
    assert (event.kind, event.event_type) == (EventKind.REFUND_FAILED, "refund.failed")
    assert event.failure_reason == "lost_or_stolen_card"
    assert event.amount == Money(800, "USD")
    fetched = await gateway.fetch_refund(pending.provider_refund_id, provider_payment_id=intent_id)
    assert (fetched.status, fetched.failure_reason) == (RefundStatus.FAILED, "lost_or_stolen_card")
    assert standin.refundable(intent_id) == 800


async def test_a_canceled_refund_update_maps_to_refund_failed(gateway, standin):
    intent_id = await paid_intent(gateway, standin)
    standin.refund_outcome = "requires_action"
    pending = await refund(gateway, intent_id, 100)
    assert pending.status is RefundStatus.PENDING
    event = verify(gateway, standin, standin.refund_event(pending.provider_refund_id, "canceled"))
    assert (event.kind, event.event_type) == (EventKind.REFUND_FAILED, "refund.updated")
    assert event.failure_reason


async def test_refund_created_events_map_by_the_refunds_status_and_pending_ones_are_ignored(gateway, standin):
    intent_id = await paid_intent(gateway, standin)
    standin.refund_outcome = "pending"
    pending = await refund(gateway, intent_id, 100)
    standin.refund_outcome = "succeeded"
    done = await refund(gateway, intent_id, 100)
    ignored = verify(
        gateway, standin, standin.refund_event(pending.provider_refund_id, event_type="refund.created")
    )
    assert ignored.kind is EventKind.IGNORED
    created = verify(
        gateway, standin, standin.refund_event(done.provider_refund_id, event_type="refund.created")
    )
    assert (created.kind, created.provider_refund_id) == (EventKind.REFUND_SUCCEEDED, done.provider_refund_id)


async def test_a_refund_event_carries_the_order_id_from_the_refunds_metadata(gateway, standin):
    intent_id = await paid_intent(gateway, standin)
    done = await refund(gateway, intent_id, 100)
    payload = standin.refund_event(
        done.provider_refund_id, event_type="refund.created", metadata={"order_id": "o-77"}
    )
    assert verify(gateway, standin, payload).order_id == "o-77"


async def test_a_tampered_refund_event_is_rejected(gateway, standin):
    intent_id = await paid_intent(gateway, standin, amount=900)
    standin.refund_outcome = "pending"
    pending = await refund(gateway, intent_id, 100)
    payload = standin.refund_event(pending.provider_refund_id, "succeeded")
    signature = standin.sign(payload)
    tampered = payload.replace(b'"amount":100', b'"amount":900')
    assert tampered != payload
    with pytest.raises(WebhookRejected):
        gateway.verify_webhook(tampered, {"stripe-signature": signature})
    with pytest.raises(WebhookRejected):
        gateway.verify_webhook(payload, {"stripe-signature": standin.sign(payload, secret="whsec_attacker")})


# Subscriptions


async def test_open_subscription_creates_the_customer_and_returns_the_first_invoices_client_secret(
    gateway, standin
):
    idem = key()
    before = datetime.now(UTC)
    opened = await subscription(gateway, idempotency_key=idem, user="u-42")
    assert opened.status is SubscriptionStatus.INCOMPLETE
    assert opened.provider_subscription_id.startswith("sub_")
    assert opened.provider_customer_id.startswith("cus_")
    stored = standin.subscriptions[opened.provider_subscription_id]
    invoice = standin.invoices[stored["latest_invoice"]]
    assert opened.client_secret == standin.intents[invoice["_payment_intent"]]["client_secret"]
    assert invoice["amount_due"] == 1500
    assert before + timedelta(days=27) < opened.current_period_end < before + timedelta(days=32)

    customer_post = posts(standin, "/v1/customers")[-1]
    assert customer_post["headers"]["idempotency-key"] == f"{idem}-customer"
    assert customer_post["form"] == {"metadata[user_id]": "u-42"}
    sub_post = posts(standin, "/v1/subscriptions")[-1]
    assert sub_post["headers"]["idempotency-key"] == idem
    assert sub_post["form"]["customer"] == opened.provider_customer_id
    assert sub_post["form"]["items[0][price]"] == PRICE
    assert sub_post["form"]["expand[0]"] == "latest_invoice.confirmation_secret"
    assert sub_post["form"]["payment_behavior"] == "default_incomplete"
    assert sub_post["form"]["metadata[user_id]"] == "u-42"
    assert stored["metadata"]["subscription_id"] == sub_post["form"]["metadata[subscription_id]"]


async def test_open_subscription_retried_with_the_same_key_makes_one_customer_and_one_subscription(
    gateway, standin
):
    idem = key()
    customers, subscriptions = len(standin.customers), len(standin.subscriptions)
    args = {"subscription_id": "s-retry", "user_id": "u-r", "price_id": PRICE, "customer_id": ""}
    first = await gateway.open_subscription(**args, idempotency_key=idem)
    again = await gateway.open_subscription(**args, idempotency_key=idem)
    assert again == first
    assert (len(standin.customers), len(standin.subscriptions)) == (customers + 1, subscriptions + 1)


async def test_open_subscription_for_a_known_customer_creates_no_customer(gateway, standin):
    first = await subscription(gateway)
    customers = len(standin.customers)
    second = await subscription(gateway, customer_id=first.provider_customer_id)
    assert second.provider_customer_id == first.provider_customer_id
    assert second.provider_subscription_id != first.provider_subscription_id
    assert len(standin.customers) == customers


async def test_the_stand_in_refuses_a_subscription_to_an_unknown_price(gateway, standin):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await gateway.open_subscription(
            subscription_id="s-x", user_id="u", price_id="price_nope", customer_id="", idempotency_key=key()
        )
    assert (refused.value.code, refused.value.param) == ("resource_missing", "items[0][price]")


async def test_the_confirmation_secret_is_only_returned_when_expanded(gateway, standin):
    opened = await subscription(gateway)
    client = stripe.StripeClient(
        standin.api_key, base_addresses={"api": standin.api_base}, http_client=stripe.HTTPXClient()
    )
    plain = await client.v1.subscriptions.retrieve_async(
        opened.provider_subscription_id, params={"expand": ["latest_invoice"]}
    )
    assert plain.latest_invoice.to_dict().get("confirmation_secret") is None
    expanded = await client.v1.subscriptions.retrieve_async(
        opened.provider_subscription_id, params={"expand": ["latest_invoice.confirmation_secret"]}
    )
    assert expanded.latest_invoice.confirmation_secret.client_secret == opened.client_secret


async def test_cancel_subscription_sets_cancel_at_period_end_and_is_safe_to_repeat(gateway, standin):
    opened = await subscription(gateway)
    standin.activate(opened.provider_subscription_id)
    canceled = await gateway.cancel_subscription(opened.provider_subscription_id)
    assert standin.subscriptions[opened.provider_subscription_id]["cancel_at_period_end"] is True
    assert canceled.status is SubscriptionStatus.ACTIVE  # until the period ends
    assert canceled.current_period_end == opened.current_period_end
    assert canceled.client_secret == ""
    sent = posts(standin, f"/v1/subscriptions/{opened.provider_subscription_id}")[-1]
    assert sent["form"] == {"cancel_at_period_end": "true"}
    assert sent["headers"]["idempotency-key"]
    assert (
        await gateway.cancel_subscription(opened.provider_subscription_id)
    ).status is SubscriptionStatus.ACTIVE


async def test_cancel_subscription_of_an_ended_subscription_reports_it_canceled(gateway, standin):
    opened = await subscription(gateway)
    standin.cancel_now(opened.provider_subscription_id)
    assert (
        await gateway.cancel_subscription(opened.provider_subscription_id)
    ).status is SubscriptionStatus.CANCELED


# Subscription and invoice webhooks


async def test_first_invoice_paid_maps_to_invoice_paid_and_an_active_subscription(gateway, standin):
    opened = await subscription(gateway)
    invoice_paid, updated = standin.activate(opened.provider_subscription_id)
    paid = verify(gateway, standin, invoice_paid)
    assert paid.kind is EventKind.INVOICE_PAID
    assert paid.provider_subscription_id == opened.provider_subscription_id
    assert paid.amount == Money(1500, "USD")
    assert paid.invoice_id == standin.subscriptions[opened.provider_subscription_id]["latest_invoice"]
    changed = verify(gateway, standin, updated)
    assert changed.kind is EventKind.SUBSCRIPTION_CHANGED
    assert changed.event_type == "customer.subscription.updated"
    assert changed.provider_subscription_id == opened.provider_subscription_id
    assert changed.subscription_status is SubscriptionStatus.ACTIVE
    assert changed.current_period_end == opened.current_period_end
    assert changed.cancel_at_period_end is False


async def test_renewals_move_the_period_end_and_a_failed_one_is_past_due_until_paid(gateway, standin):
    opened = await subscription(gateway)
    standin.activate(opened.provider_subscription_id)
    paid, renewed = standin.renew(opened.provider_subscription_id)
    renewal = verify(gateway, standin, renewed)
    assert renewal.subscription_status is SubscriptionStatus.ACTIVE
    assert renewal.current_period_end > opened.current_period_end + timedelta(days=27)
    assert verify(gateway, standin, paid).kind is EventKind.INVOICE_PAID

    failed = verify(gateway, standin, standin.renewal_failed(opened.provider_subscription_id))
    assert failed.subscription_status is SubscriptionStatus.PAST_DUE
    assert failed.current_period_end > renewal.current_period_end
    invoice_paid, updated = standin.activate(opened.provider_subscription_id)
    assert verify(gateway, standin, updated).subscription_status is SubscriptionStatus.ACTIVE
    assert (
        verify(gateway, standin, invoice_paid).invoice_id
        == standin.subscriptions[opened.provider_subscription_id]["latest_invoice"]
    )


async def test_cancel_at_period_end_and_the_end_itself_map_to_subscription_changed(gateway, standin):
    opened = await subscription(gateway)
    standin.activate(opened.provider_subscription_id)
    await gateway.cancel_subscription(opened.provider_subscription_id)
    updated = verify(
        gateway,
        standin,
        standin.subscription_event(opened.provider_subscription_id, "customer.subscription.updated"),
    )
    assert (updated.subscription_status, updated.cancel_at_period_end) == (SubscriptionStatus.ACTIVE, True)
    deleted = verify(gateway, standin, standin.cancel_now(opened.provider_subscription_id))
    assert (deleted.kind, deleted.event_type) == (
        EventKind.SUBSCRIPTION_CHANGED,
        "customer.subscription.deleted",
    )
    assert deleted.subscription_status is SubscriptionStatus.CANCELED


@pytest.mark.parametrize(
    ("stripe_status", "status"),
    [
        ("active", SubscriptionStatus.ACTIVE),
        ("trialing", SubscriptionStatus.ACTIVE),
        ("past_due", SubscriptionStatus.PAST_DUE),
        ("unpaid", SubscriptionStatus.PAST_DUE),
        ("canceled", SubscriptionStatus.CANCELED),
        ("incomplete_expired", SubscriptionStatus.CANCELED),
        ("incomplete", SubscriptionStatus.INCOMPLETE),
    ],
)
async def test_every_stripe_subscription_status_maps_to_the_services_status(
    gateway, standin, stripe_status, status
):
    opened = await subscription(gateway)
    payload = standin.subscription_event(
        opened.provider_subscription_id, "customer.subscription.created", status=stripe_status
    )
    assert verify(gateway, standin, payload).subscription_status is status


async def test_a_subscription_status_the_adapter_does_not_know_is_ignored(gateway, standin):
    opened = await subscription(gateway)
    payload = standin.subscription_event(
        opened.provider_subscription_id, "customer.subscription.updated", status="some_future_status"
    )
    assert verify(gateway, standin, payload).kind is EventKind.IGNORED


async def test_older_api_shapes_period_end_on_the_subscription_and_invoice_subscription_are_read(
    gateway, standin
):
    opened = await subscription(gateway)
    end = int(time.time()) + 86400 * 10
    legacy_sub = standin.subscription_event(
        opened.provider_subscription_id,
        "customer.subscription.updated",
        current_period_end=end,
        items={"object": "list", "data": [{"id": "si_1", "object": "subscription_item"}]},
    )
    assert verify(gateway, standin, legacy_sub).current_period_end == datetime.fromtimestamp(end, UTC)
    legacy_invoice = {
        "id": "evt_legacy",
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "type": "invoice.paid",
        "livemode": False,
        "data": {
            "object": {
                "id": "in_legacy",
                "object": "invoice",
                "subscription": opened.provider_subscription_id,
                "amount_paid": 1500,
                "currency": "usd",
                "status": "paid",
            }
        },
    }
    event = verify(gateway, standin, json.dumps(legacy_invoice).encode())
    assert (event.kind, event.provider_subscription_id, event.invoice_id) == (
        EventKind.INVOICE_PAID,
        opened.provider_subscription_id,
        "in_legacy",
    )
    assert event.amount == Money(1500, "USD")


async def test_other_event_types_and_one_off_invoices_stay_ignored(gateway, standin):
    intent_id = await paid_intent(gateway, standin)
    assert verify(gateway, standin, standin.event("charge.refunded", intent_id)).kind is EventKind.IGNORED
    assert (
        verify(gateway, standin, standin.event("payment_intent.created", intent_id)).kind is EventKind.IGNORED
    )
    one_off = {
        "id": "evt_one_off",
        "object": "event",
        "type": "invoice.paid",
        "created": int(time.time()),
        "data": {
            "object": {"id": "in_1", "object": "invoice", "parent": None, "amount_paid": 5, "currency": "usd"}
        },
    }
    assert verify(gateway, standin, json.dumps(one_off).encode()).kind is EventKind.IGNORED


async def test_payment_events_still_map_as_before(gateway, standin):
    opened = await gateway.open_payment(
        order_id="o-pay", amount=Money(700, "USD"), user_id="u", idempotency_key=key()
    )
    failed = verify(gateway, standin, standin.decline(opened.provider_payment_id))
    assert (failed.kind, failed.order_id, failed.failure_reason) == (
        EventKind.PAYMENT_FAILED,
        "o-pay",
        "Your card was declined.",
    )
    paid = verify(gateway, standin, standin.pay(opened.provider_payment_id))
    assert (paid.kind, paid.amount, paid.provider_payment_id) == (
        EventKind.PAYMENT_SUCCEEDED,
        Money(700, "USD"),
        opened.provider_payment_id,
    )


# Keys and outages


async def test_a_wrong_api_key_is_refused_by_every_call(standin, gateway):
    intent_id = await paid_intent(gateway, standin)
    wrong = StripeGateway(
        api_key="sk_test_wrong",
        webhook_secret=standin.webhook_secret,
        api_base=standin.api_base,
        max_network_retries=0,
    )
    calls = [
        wrong.fetch_payment(intent_id),
        refund(wrong, intent_id, 100),
        wrong.fetch_refund("re_x", provider_payment_id=intent_id),
        subscription(wrong),
        wrong.cancel_subscription("sub_x"),
    ]
    for call in calls:
        with pytest.raises(stripe.AuthenticationError):
            await call
    assert standin.refundable(intent_id) == 5000


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_stripe_errors_and_rate_limits_are_upstream_unavailable(gateway, standin, status):
    intent_id = await paid_intent(gateway, standin)
    standin.outage = status
    calls = [
        gateway.fetch_payment(intent_id),
        refund(gateway, intent_id, 100),
        gateway.fetch_refund("re_x", provider_payment_id=intent_id),
        subscription(gateway),
        gateway.cancel_subscription("sub_x"),
    ]
    for call in calls:
        with pytest.raises(UpstreamUnavailable):
            await call


async def test_an_unreachable_stripe_is_upstream_unavailable(standin):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = StripeGateway(
        api_key=standin.api_key,
        webhook_secret=standin.webhook_secret,
        api_base=f"http://127.0.0.1:{port}",
        max_network_retries=0,
    )
    with pytest.raises(UpstreamUnavailable):
        await down.fetch_payment("pi_x")
    with pytest.raises(UpstreamUnavailable):
        await subscription(down)


def test_the_stand_in_requires_an_idempotency_key_on_every_post(standin):
    for path in ("/v1/refunds", "/v1/customers", "/v1/subscriptions", "/v1/subscriptions/sub_x"):
        request = urllib.request.Request(
            standin.api_base + path,
            data=b"metadata[a]=b",
            method="POST",
            headers={
                "Authorization": f"Bearer {standin.api_key}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 400
        assert json.loads(refused.value.read())["error"]["param"] == "Idempotency-Key"


def test_the_stand_in_refuses_unknown_parameters(standin):
    request = urllib.request.Request(
        standin.api_base + "/v1/customers",
        data=b"emial=a%40b.c",
        method="POST",
        headers={"Authorization": f"Bearer {standin.api_key}", "Idempotency-Key": key()},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    error = json.loads(refused.value.read())["error"]
    assert (refused.value.code, error["code"], error["param"]) == (400, "parameter_unknown", "emial")


@pytest.mark.parametrize(
    "body", [b"{}", b'{"id": "evt_1"}', b'{"id": "evt_2", "type": "payment_intent.succeeded"}']
)
def test_a_signed_body_that_is_not_a_stripe_event_is_invalid_not_a_crash(gateway, standin, body):
    with pytest.raises(WebhookMalformed) as refused:
        verify(gateway, standin, body)
    assert refused.value.reason == "WEBHOOK_PAYLOAD_INVALID"


def test_a_signature_dated_in_the_future_is_refused_like_a_stale_one(gateway, standin):
    payload = json.dumps({"id": "evt_future", "type": "charge.updated", "data": {"object": {}}}).encode()
    ahead = int(time.time()) + 3_600
    with pytest.raises(WebhookRejected):
        gateway.verify_webhook(payload, {"stripe-signature": standin.sign(payload, timestamp=ahead)})
    stale = int(time.time()) - 3_600
    with pytest.raises(WebhookRejected):
        gateway.verify_webhook(payload, {"stripe-signature": standin.sign(payload, timestamp=stale)})
    assert verify(gateway, standin, payload).event_id == "evt_future"  # now: accepted
