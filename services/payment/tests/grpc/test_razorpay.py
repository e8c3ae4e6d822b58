"""A purchase with Razorpay, end to end over gRPC: order -> Razorpay order (SDK -> stand-in)
-> Checkout -> signature confirmed, or a payment.captured webhook -> enrolled -> fulfilled;
refunds through Razorpay's API and its refund webhooks."""

from __future__ import annotations

import grpc
from google.api import httpbody_pb2

from lms.payment.v1 import events_pb2, payment_pb2
from lms_devkit.course import fails
from lms_kit.testing.harness import error_reason

from .support import (
    events_of,
    ledger_totals,
    order_for,
    paid_course,
    razorpay_webhook,
    uid,
    usd,
    wait_for_state,
)

RAZORPAY = payment_pb2.PAYMENT_PROVIDER_RAZORPAY


async def confirm(mesh, learner: str, order_name: str, payment_id: str, signature: str):
    return await mesh.payments.ConfirmRazorpayPayment(
        payment_pb2.ConfirmRazorpayPaymentRequest(
            name=order_name, razorpay_payment_id=payment_id, razorpay_signature=signature
        ),
        metadata=mesh.learner(learner),
    )


async def test_a_razorpay_checkout_confirmed_with_its_signature_pays_and_fulfils_the_order(mesh):
    course, _, _ = await paid_course(mesh, price=49_900)
    learner = f"learner-{uid()}"
    order = await order_for(mesh, learner, course.name, provider=RAZORPAY)
    assert order.provider_payment_id.startswith("order_")
    assert order.provider_key_id == mesh.razorpay.key_id and order.client_secret == ""
    at_razorpay = mesh.razorpay.orders[order.provider_payment_id]
    assert (at_razorpay["amount"], at_razorpay["receipt"]) == (49_900, order.name.split("/")[1])

    payment_id, signature = mesh.razorpay.pay(order.provider_payment_id)
    forged = await fails(confirm(mesh, learner, order.name, payment_id, "0" * 64))
    assert (forged.code(), error_reason(forged)) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "CHECKOUT_SIGNATURE_INVALID",
    )
    paid = await confirm(mesh, learner, order.name, payment_id, signature)
    assert paid.state == payment_pb2.ORDER_STATE_PAID and paid.provider_transaction_id == payment_id
    assert (await confirm(mesh, learner, order.name, payment_id, signature)).name == order.name

    # Razorpay's own webhook for the same payment arrives afterwards: nothing more happens.
    late = mesh.razorpay.event("payment.captured", payment_id)
    assert (await razorpay_webhook(mesh, late)).handled is False
    done = await wait_for_state(mesh, order.name, payment_pb2.ORDER_STATE_FULFILLED)
    assert done.state == payment_pb2.ORDER_STATE_FULFILLED
    assert len(await events_of(mesh, events_pb2.OrderPaid, order_id=order.name.split("/")[1])) == 1


async def test_a_lost_checkout_is_paid_by_the_webhook_and_a_replayed_event_id_changes_nothing(mesh):
    course, _, _ = await paid_course(mesh, price=10_000)
    order = await order_for(mesh, f"learner-{uid()}", course.name, provider=RAZORPAY)
    payment_id, _ = mesh.razorpay.pay(order.provider_payment_id)  # the app never came back

    body = mesh.razorpay.event("payment.captured", payment_id)
    event_id = mesh.razorpay.new_event_id()
    assert (await razorpay_webhook(mesh, body, event_id=event_id)).handled is True
    assert (await razorpay_webhook(mesh, body, event_id=event_id)).handled is False
    done = await wait_for_state(mesh, order.name, payment_pb2.ORDER_STATE_FULFILLED)
    assert done.provider_transaction_id == payment_id


async def test_a_tampered_razorpay_webhook_is_refused_and_changes_nothing(mesh):
    course, _, _ = await paid_course(mesh, price=10_000)
    order = await order_for(mesh, f"learner-{uid()}", course.name, provider=RAZORPAY)
    payment_id, _ = mesh.razorpay.pay(order.provider_payment_id)
    body = mesh.razorpay.event("payment.captured", payment_id)
    error = await fails(
        mesh.payments.HandleRazorpayWebhook(
            payment_pb2.HandleRazorpayWebhookRequest(
                body=httpbody_pb2.HttpBody(
                    content_type="application/json", data=body.replace(b"10000", b"10001")
                )
            ),
            metadata=(("x-razorpay-signature", mesh.razorpay.sign(body)), ("x-razorpay-event-id", "evt1")),
        )
    )
    assert (error.code(), error_reason(error)) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "WEBHOOK_SIGNATURE_INVALID",
    )
    still = await mesh.payments.GetOrder(payment_pb2.GetOrderRequest(name=order.name), metadata=mesh.admin())
    assert still.state == payment_pb2.ORDER_STATE_PENDING


async def test_a_razorpay_refund_settles_through_its_webhook_and_the_ledger_balances(mesh):
    course, _, _ = await paid_course(mesh, price=20_000)
    learner = f"learner-{uid()}"
    order = await order_for(mesh, learner, course.name, provider=RAZORPAY)
    payment_id, signature = mesh.razorpay.pay(order.provider_payment_id)
    await confirm(mesh, learner, order.name, payment_id, signature)
    await wait_for_state(mesh, order.name, payment_pb2.ORDER_STATE_FULFILLED)

    mesh.razorpay.refunds_pending = True
    try:
        refund = await mesh.payments.RefundOrder(
            payment_pb2.RefundOrderRequest(name=order.name, amount=usd(5_000), request_id=uid()),
            metadata=mesh.admin(),
        )
    finally:
        mesh.razorpay.refunds_pending = False
    assert refund.state == payment_pb2.REFUND_STATE_PENDING and refund.provider_refund_id.startswith("rfnd_")

    processed = mesh.razorpay.settle_refund(refund.provider_refund_id)
    assert (await razorpay_webhook(mesh, processed)).handled is True
    after = await mesh.payments.GetOrder(payment_pb2.GetOrderRequest(name=order.name), metadata=mesh.admin())
    assert after.refunded_amount.amount_minor == 5_000
    assert set((await ledger_totals(mesh)).values()) <= {0}


async def test_confirming_a_stripe_order_as_razorpay_is_refused(mesh):
    course, _, _ = await paid_course(mesh)
    learner = f"learner-{uid()}"
    order = await order_for(mesh, learner, course.name)
    error = await fails(confirm(mesh, learner, order.name, "pay_x", "0" * 64))
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.FAILED_PRECONDITION, "WRONG_PROVIDER")
