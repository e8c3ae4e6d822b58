"""The Razorpay adapter: the official SDK against the local stand-in, which checks what
Razorpay checks (keys, request shape, amounts, refund limits, idempotency) and signs webhooks
and checkouts independently of the SDK."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lms_devkit.standins.razorpay import RazorpayStandIn, razorpay_signature
from lms_kit.domain.money import Money
from lms_payment.adapters.razorpay_gateway import RazorpayGateway, RazorpayRefused
from lms_payment.domain.errors import CheckoutRejected, UpstreamUnavailable, WebhookRejected
from lms_payment.domain.model import Provider
from lms_payment.domain.providers import EventKind, PaymentStatus, RefundStatus

PRICE = Money(49900, "INR")


@pytest.fixture(scope="module")
def standin():
    standin = RazorpayStandIn().start()
    yield standin
    standin.stop()


@pytest.fixture(autouse=True)
def reset_switches(standin):
    yield
    standin.refunds_pending = False
    standin.unavailable = 0


def gateway_for(standin: RazorpayStandIn, **overrides: str) -> RazorpayGateway:
    settings = {
        "key_id": standin.key_id,
        "key_secret": standin.key_secret,
        "webhook_secret": standin.webhook_secret,
        "api_base": standin.api_base,
    } | overrides
    return RazorpayGateway(
        key_id=settings["key_id"],
        key_secret=settings["key_secret"],
        webhook_secret=settings["webhook_secret"],
        api_base=settings["api_base"],
    )


@pytest.fixture
def gateway(standin) -> RazorpayGateway:
    return gateway_for(standin)


def new_order_id() -> str:
    return str(uuid.uuid4())


async def open_order(gateway: RazorpayGateway, order_id: str | None = None, amount: Money = PRICE) -> str:
    order_id = order_id or new_order_id()
    opened = await gateway.open_payment(
        order_id=order_id, amount=amount, user_id="u1", idempotency_key=f"order-{order_id}"
    )
    return opened.provider_payment_id


def posts(standin: RazorpayStandIn, path: str) -> list[dict]:
    return [r for r in standin.requests if r["method"] == "POST" and r["path"] == path]


# Opening payments


async def test_open_payment_creates_a_razorpay_order_with_the_price_receipt_and_notes(standin, gateway):
    order_id = new_order_id()
    opened = await gateway.open_payment(
        order_id=order_id, amount=PRICE, user_id="u1", idempotency_key=f"order-{order_id}"
    )
    assert opened.provider_payment_id.startswith("order_")
    assert opened.client_secret == ""
    order = standin.orders[opened.provider_payment_id]
    assert (order["amount"], order["currency"], order["receipt"]) == (49900, "INR", order_id)
    assert order["notes"] == {"order_id": order_id, "user_id": "u1"}
    sent = posts(standin, "/v1/orders")[-1]
    assert sent["body"]["amount"] == 49900 and isinstance(sent["body"]["amount"], int)
    assert sent["headers"]["content-type"].startswith("application/json")
    assert gateway.provider is Provider.RAZORPAY
    assert gateway.public_key_id == standin.key_id


async def test_a_retried_open_payment_reuses_the_order_found_by_its_receipt(standin, gateway):
    order_id = new_order_id()
    before = len(posts(standin, "/v1/orders"))
    first = await open_order(gateway, order_id)
    again = await open_order(gateway_for(standin), order_id)  # e.g. another replica, after a crash
    assert again == first
    assert len(posts(standin, "/v1/orders")) == before + 1
    assert [o["id"] for o in standin.orders.values() if o["receipt"] == order_id] == [first]
    lookups = [r for r in standin.requests if r["method"] == "GET" and r["path"] == "/v1/orders"]
    assert lookups[-1]["query"]["receipt"] == order_id


async def test_an_order_under_the_same_receipt_with_another_price_is_not_reused(gateway):
    order_id = new_order_id()
    first = await open_order(gateway, order_id, Money(10000, "INR"))
    assert await open_order(gateway, order_id, PRICE) != first


async def test_a_wrong_key_secret_is_refused_with_razorpays_401(standin):
    with pytest.raises(RazorpayRefused) as refused:
        await open_order(gateway_for(standin, key_secret="not-the-secret"))
    assert refused.value.status == 401
    assert refused.value.description == "Authentication failed"


async def test_an_amount_below_razorpays_minimum_is_refused(standin, gateway):
    order_id = new_order_id()
    # The lookup finds nothing; the create is refused by Razorpay's INR 1.00 minimum.
    with pytest.raises(RazorpayRefused) as refused:
        await open_order(gateway, order_id, Money(99, "INR"))
    assert refused.value.status == 400 and "atleast" in refused.value.description


async def test_an_order_id_longer_than_a_receipt_is_refused_before_razorpay_is_asked(standin, gateway):
    before = len(standin.requests)
    with pytest.raises(ValueError):
        await open_order(gateway, "o" * 41)
    assert len(standin.requests) == before


async def test_razorpay_answering_5xx_is_upstream_unavailable(standin, gateway):
    standin.unavailable = 1
    with pytest.raises(UpstreamUnavailable):
        await open_order(gateway)


async def test_an_unreachable_razorpay_is_upstream_unavailable(standin):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(UpstreamUnavailable):
        await open_order(gateway_for(standin, api_base=f"http://127.0.0.1:{port}"))


# Reading payments


async def test_fetch_payment_is_pending_before_pay_and_succeeded_with_the_capture_after(standin, gateway):
    razorpay_order = await open_order(gateway)
    assert (await gateway.fetch_payment(razorpay_order)).status is PaymentStatus.PENDING
    payment_id, _ = standin.pay(razorpay_order)
    state = await gateway.fetch_payment(razorpay_order)
    assert state.status is PaymentStatus.SUCCEEDED
    assert state.amount == PRICE
    assert state.transaction_id == payment_id
    assert state.provider_payment_id == razorpay_order


async def test_an_authorized_but_uncaptured_payment_is_still_pending(standin, gateway):
    razorpay_order = await open_order(gateway)
    standin.authorize(razorpay_order)
    assert (await gateway.fetch_payment(razorpay_order)).status is PaymentStatus.PENDING


async def test_fetch_payment_is_failed_with_razorpays_description_when_the_attempt_failed(standin, gateway):
    razorpay_order = await open_order(gateway)
    payment_id = standin.fail(razorpay_order, "Your payment was declined by the bank.")
    state = await gateway.fetch_payment(razorpay_order)
    assert state.status is PaymentStatus.FAILED
    assert state.failure_reason == "Your payment was declined by the bank."
    assert state.transaction_id == payment_id


async def test_a_failed_attempt_followed_by_a_capture_is_succeeded(standin, gateway):
    razorpay_order = await open_order(gateway)
    standin.fail(razorpay_order)
    payment_id, _ = standin.pay(razorpay_order)
    state = await gateway.fetch_payment(razorpay_order)
    assert (state.status, state.transaction_id) == (PaymentStatus.SUCCEEDED, payment_id)


# Refunds


async def paid_order(standin: RazorpayStandIn, gateway: RazorpayGateway) -> tuple[str, str]:
    razorpay_order = await open_order(gateway)
    payment_id, _ = standin.pay(razorpay_order)
    return razorpay_order, payment_id


async def test_a_full_refund_is_processed_and_leaves_the_payment_refunded(standin, gateway):
    razorpay_order, payment_id = await paid_order(standin, gateway)
    refund = await gateway.refund(
        provider_payment_id=razorpay_order,
        transaction_id=payment_id,
        amount=PRICE,
        idempotency_key="refund-full-0001",
        reason="requested_by_customer",
    )
    assert refund.status is RefundStatus.SUCCEEDED
    assert refund.amount == PRICE
    assert refund.provider_refund_id.startswith("rfnd_")
    assert standin.payments[payment_id]["status"] == "refunded"
    sent = posts(standin, f"/v1/payments/{payment_id}/refund")[-1]
    assert sent["headers"]["x-refund-idempotency"] == "refund-full-0001"
    order_id = standin.orders[razorpay_order]["receipt"]
    assert sent["body"]["notes"] == {"order_id": order_id, "reason": "requested_by_customer"}


async def test_partial_refunds_add_up_and_a_refund_beyond_what_is_left_is_refused(standin, gateway):
    razorpay_order, payment_id = await paid_order(standin, gateway)

    async def refund(amount: int, key: str):
        return await gateway.refund(
            provider_payment_id=razorpay_order,
            transaction_id=payment_id,
            amount=Money(amount, "INR"),
            idempotency_key=key,
            reason="partial",
        )

    assert (await refund(20000, "refund-part-0001")).amount == Money(20000, "INR")
    assert standin.payments[payment_id]["refund_status"] == "partial"
    with pytest.raises(RazorpayRefused) as refused:
        await refund(29901, "refund-part-0002")  # 29900 are left
    assert refused.value.status == 400
    assert (await refund(29900, "refund-part-0003")).status is RefundStatus.SUCCEEDED
    assert standin.payments[payment_id]["status"] == "refunded"


async def test_a_retried_refund_with_the_same_key_refunds_once(standin, gateway):
    razorpay_order, payment_id = await paid_order(standin, gateway)
    calls = [
        gateway.refund(
            provider_payment_id=razorpay_order,
            transaction_id=payment_id,
            amount=Money(10000, "INR"),
            idempotency_key="refund:order-1:1",  # not a key Razorpay accepts: hashed to one
            reason="duplicate",
        )
        for _ in range(2)
    ]
    first, again = [await call for call in calls]
    assert first.provider_refund_id == again.provider_refund_id
    assert [r for r in standin.refunds.values() if r["payment_id"] == payment_id] == [
        standin.refunds[first.provider_refund_id]
    ]
    assert standin.payments[payment_id]["amount_refunded"] == 10000


async def test_a_pending_refund_is_reconciled_by_fetch_refund_and_its_webhook(standin, gateway):
    razorpay_order, payment_id = await paid_order(standin, gateway)
    standin.refunds_pending = True
    refund = await gateway.refund(
        provider_payment_id=razorpay_order,
        transaction_id=payment_id,
        amount=PRICE,
        idempotency_key="refund-pending-01",
        reason="course_unavailable",
    )
    assert refund.status is RefundStatus.PENDING
    fetched = await gateway.fetch_refund(refund.provider_refund_id, provider_payment_id=razorpay_order)
    assert fetched.status is RefundStatus.PENDING
    body = standin.settle_refund(refund.provider_refund_id)
    event = gateway.verify_webhook(body, standin.webhook_headers(body))
    assert (event.kind, event.provider_refund_id) == (EventKind.REFUND_SUCCEEDED, refund.provider_refund_id)
    fetched = await gateway.fetch_refund(refund.provider_refund_id, provider_payment_id=razorpay_order)
    assert fetched.status is RefundStatus.SUCCEEDED


async def test_refunding_a_payment_of_another_order_is_refused_before_any_refund_is_sent(standin, gateway):
    razorpay_order, _ = await paid_order(standin, gateway)
    _, other_payment = await paid_order(standin, gateway)
    with pytest.raises(ValueError):
        await gateway.refund(
            provider_payment_id=razorpay_order,
            transaction_id=other_payment,
            amount=PRICE,
            idempotency_key="refund-wrong-0001",
            reason="x",
        )
    assert posts(standin, f"/v1/payments/{other_payment}/refund") == []


# Webhooks: the signature


async def captured_event(standin: RazorpayStandIn, gateway: RazorpayGateway) -> bytes:
    razorpay_order = await open_order(gateway)
    payment_id, _ = standin.pay(razorpay_order)
    return standin.event("payment.captured", payment_id)


async def test_verify_webhook_accepts_a_correctly_signed_body(standin, gateway):
    body = await captured_event(standin, gateway)
    event = gateway.verify_webhook(body, standin.webhook_headers(body, event_id="evt-1"))
    assert (event.provider, event.event_id, event.event_type) == (
        Provider.RAZORPAY,
        "evt-1",
        "payment.captured",
    )


async def test_verify_webhook_rejects_a_tampered_body(standin, gateway):
    body = await captured_event(standin, gateway)
    headers = standin.webhook_headers(body)
    with pytest.raises(WebhookRejected):
        gateway.verify_webhook(body.replace(b'"amount":49900', b'"amount":100'), headers)


async def test_verify_webhook_rejects_a_body_signed_with_another_secret(standin, gateway):
    body = await captured_event(standin, gateway)
    with pytest.raises(WebhookRejected):
        gateway.verify_webhook(body, standin.webhook_headers(body, signature=standin.sign(body, "other")))


async def test_verify_webhook_rejects_a_missing_signature(standin, gateway):
    body = await captured_event(standin, gateway)
    headers = standin.webhook_headers(body)
    del headers["x-razorpay-signature"]
    with pytest.raises(WebhookRejected):
        gateway.verify_webhook(body, headers)


async def test_verify_webhook_rejects_a_missing_event_id(standin, gateway):
    body = await captured_event(standin, gateway)
    headers = standin.webhook_headers(body)
    del headers["x-razorpay-event-id"]
    with pytest.raises(WebhookRejected):
        gateway.verify_webhook(body, headers)


def test_verify_webhook_rejects_a_signed_body_that_is_not_json(standin, gateway):
    with pytest.raises(WebhookRejected):
        gateway.verify_webhook(b"not json", standin.webhook_headers(b"not json"))


def test_verify_webhook_rejects_a_non_ascii_signature_and_a_non_utf8_body(standin, gateway):
    with pytest.raises(WebhookRejected):
        gateway.verify_webhook(b"{}", standin.webhook_headers(b"{}", signature="\u00e9" * 64))
    with pytest.raises(WebhookRejected):
        gateway.verify_webhook(b"\xff{}", standin.webhook_headers(b"\xff{}"))


def test_verify_webhook_rejects_everything_without_a_webhook_secret(standin):
    gateway = gateway_for(standin, webhook_secret="")
    body = b'{"event":"payment.captured"}'
    with pytest.raises(WebhookRejected):
        # signed with the empty key, which anyone can compute
        gateway.verify_webhook(body, standin.webhook_headers(body, signature=razorpay_signature(body, "")))


# Webhooks: what the events mean


def verified(standin: RazorpayStandIn, gateway: RazorpayGateway, body: bytes):
    return gateway.verify_webhook(body, standin.webhook_headers(body))


async def test_payment_captured_is_payment_succeeded_for_the_razorpay_order(standin, gateway):
    order_id = new_order_id()
    razorpay_order = await open_order(gateway, order_id)
    payment_id, _ = standin.pay(razorpay_order, notes={"order_id": order_id})  # Checkout's notes
    event = verified(standin, gateway, standin.event("payment.captured", payment_id))
    assert event.kind is EventKind.PAYMENT_SUCCEEDED
    assert (event.provider_payment_id, event.transaction_id) == (razorpay_order, payment_id)
    assert (event.order_id, event.amount) == (order_id, PRICE)


async def test_order_paid_is_payment_succeeded_with_the_order_id_from_the_orders_notes(standin, gateway):
    order_id = new_order_id()
    razorpay_order = await open_order(gateway, order_id)
    payment_id, _ = standin.pay(razorpay_order)  # no Checkout notes: payment notes are []
    event = verified(standin, gateway, standin.event("order.paid", payment_id))
    assert event.kind is EventKind.PAYMENT_SUCCEEDED
    assert (event.provider_payment_id, event.transaction_id, event.order_id) == (
        razorpay_order,
        payment_id,
        order_id,
    )
    assert event.amount == PRICE


async def test_payment_failed_is_payment_failed_with_razorpays_description(standin, gateway):
    razorpay_order = await open_order(gateway)
    payment_id = standin.fail(razorpay_order, "Payment was cancelled by the customer.")
    event = verified(standin, gateway, standin.event("payment.failed", payment_id))
    assert event.kind is EventKind.PAYMENT_FAILED
    assert (event.provider_payment_id, event.transaction_id) == (razorpay_order, payment_id)
    assert event.failure_reason == "Payment was cancelled by the customer."


async def test_refund_events_name_the_refund_the_razorpay_order_the_payment_and_the_order(standin, gateway):
    order_id = new_order_id()
    razorpay_order = await open_order(gateway, order_id)
    payment_id, _ = standin.pay(razorpay_order)
    standin.refunds_pending = True
    refund = await gateway.refund(
        provider_payment_id=razorpay_order,
        transaction_id=payment_id,
        amount=Money(10000, "INR"),
        idempotency_key="refund-events-01",
        reason="x",
    )
    processed = verified(standin, gateway, standin.event("refund.processed", refund.provider_refund_id))
    assert processed.kind is EventKind.REFUND_SUCCEEDED
    assert processed.provider_refund_id == refund.provider_refund_id
    assert (processed.provider_payment_id, processed.transaction_id) == (razorpay_order, payment_id)
    assert (processed.order_id, processed.amount) == (order_id, Money(10000, "INR"))
    failed = verified(standin, gateway, standin.settle_refund(refund.provider_refund_id, processed=False))
    assert (failed.kind, failed.provider_refund_id) == (EventKind.REFUND_FAILED, refund.provider_refund_id)
    assert failed.failure_reason
    assert standin.payments[payment_id]["amount_refunded"] == 0  # a failed refund gives its amount back


async def test_an_auto_refund_of_an_uncaptured_payment_is_ignored(standin, gateway):
    razorpay_order, payment_id = await paid_order(standin, gateway)
    refund = await gateway.refund(
        provider_payment_id=razorpay_order,
        transaction_id=payment_id,
        amount=PRICE,
        idempotency_key="refund-auto-0001",
        reason="x",
    )
    body = json.loads(standin.event("refund.processed", refund.provider_refund_id))
    body["payload"]["payment"]["entity"]["captured"] = False
    raw = json.dumps(body).encode()
    assert verified(standin, gateway, raw).kind is EventKind.IGNORED


async def test_other_event_types_are_ignored(standin, gateway):
    razorpay_order = await open_order(gateway)
    payment_id, _ = standin.authorize(razorpay_order)
    event = verified(standin, gateway, standin.event("payment.authorized", payment_id))
    assert (event.kind, event.event_type) == (EventKind.IGNORED, "payment.authorized")


def test_a_signed_mapped_event_without_its_entities_is_rejected_as_malformed(standin, gateway):
    from lms_payment.domain.errors import WebhookMalformed

    body = b'{"entity":"event","event":"payment.captured","payload":{}}'
    with pytest.raises(WebhookMalformed) as refused:
        verified(standin, gateway, body)
    assert refused.value.reason == "WEBHOOK_PAYLOAD_INVALID"


async def test_deliver_posts_the_body_with_razorpays_headers(standin, gateway):
    received: dict = {}

    class Receiver(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            received["body"] = self.rfile.read(int(self.headers["Content-Length"]))
            received["headers"] = {k.lower(): v for k, v in self.headers.items()}
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        body = await captured_event(standin, gateway)
        url = f"http://127.0.0.1:{server.server_address[1]}/v1/webhooks/razorpay"
        status, _ = standin.deliver(url, body, event_id="evt-deliver")
    finally:
        server.shutdown()
        server.server_close()
    assert status == 200
    assert received["body"] == body
    assert gateway.verify_webhook(received["body"], received["headers"]).event_id == "evt-deliver"


# Checkout


async def test_confirm_checkout_accepts_the_signature_checkout_hands_the_app(standin, gateway):
    razorpay_order = await open_order(gateway)
    payment_id, signature = standin.pay(razorpay_order)
    state = await gateway.confirm_checkout(
        provider_payment_id=razorpay_order, transaction_id=payment_id, signature=signature
    )
    assert (state.status, state.amount, state.transaction_id) == (PaymentStatus.SUCCEEDED, PRICE, payment_id)
    assert state.provider_payment_id == razorpay_order


async def test_confirm_checkout_rejects_a_forged_signature(standin, gateway):
    razorpay_order = await open_order(gateway)
    payment_id, _ = standin.pay(razorpay_order)
    forged = standin.sign(f"{razorpay_order}|{payment_id}".encode(), "guessed-secret")
    with pytest.raises(CheckoutRejected):
        await gateway.confirm_checkout(
            provider_payment_id=razorpay_order, transaction_id=payment_id, signature=forged
        )


async def test_confirm_checkout_rejects_a_payment_of_another_order(standin, gateway):
    razorpay_order = await open_order(gateway)
    other_order = await open_order(gateway)
    other_payment, other_signature = standin.pay(other_order)
    # Another order's checkout result presented for this order: the signature does not match...
    with pytest.raises(CheckoutRejected):
        await gateway.confirm_checkout(
            provider_payment_id=razorpay_order, transaction_id=other_payment, signature=other_signature
        )
    # ...and even a correctly signed pair is refused when Razorpay says the payment is another order's.
    with pytest.raises(CheckoutRejected):
        await gateway.confirm_checkout(
            provider_payment_id=razorpay_order,
            transaction_id=other_payment,
            signature=standin.checkout_signature(razorpay_order, other_payment),
        )


@pytest.mark.parametrize(
    "body", [b"{}", b'{"event": "payment.captured"}', b'{"event": "refund.processed", "payload": {}}']
)
def test_a_signed_razorpay_body_of_an_unknown_shape_is_invalid_not_a_crash(gateway, standin, body):
    from lms_payment.domain.errors import WebhookMalformed

    headers = {"x-razorpay-signature": standin.sign(body), "x-razorpay-event-id": "evt_shape"}
    with pytest.raises(WebhookMalformed) as refused:
        gateway.verify_webhook(body, headers)
    assert refused.value.reason == "WEBHOOK_PAYLOAD_INVALID"
