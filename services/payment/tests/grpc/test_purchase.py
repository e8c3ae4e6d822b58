"""A purchase end to end over gRPC: order at the course's price -> Stripe PaymentIntent (SDK ->
stand-in) -> signed webhook -> OrderPaid (outbox -> JetStream) -> EnrollPaid -> fulfilled.
Plus the webhook's guarantees: replays, out-of-order events, bad signatures."""

from __future__ import annotations

import asyncio
import time
import uuid

import grpc
import pytest
import sqlalchemy as sa
from google.api import httpbody_pb2

from lms.course.v1 import course_pb2
from lms.payment.v1 import events_pb2, payment_pb2
from lms_devkit.course import People, fails, published_course
from lms_kit.events.schema import outbox
from lms_kit.testing.harness import error_reason
from lms_payment.adapters.tables import provider_events


def uid() -> str:
    return uuid.uuid4().hex


async def paid_course(mesh, price: int = 4900):
    teacher = People(mesh.mint).teacher(f"t-{uid()}")
    course, _ = await published_course(mesh.courses, teacher, price=price, title="Paid course")
    return course, teacher


async def order_for(mesh, learner_id: str, course_name: str, request_id: str | None = None):
    return await mesh.payments.CreateOrder(
        payment_pb2.CreateOrderRequest(course=course_name, request_id=request_id or uid()),
        metadata=mesh.mint.bearer(learner_id, roles=["student"]),
    )


async def webhook(mesh, payload: bytes, signature: str | None = None):
    return await mesh.payments.HandleStripeWebhook(
        payment_pb2.HandleStripeWebhookRequest(
            body=httpbody_pb2.HttpBody(content_type="application/json", data=payload)
        ),
        metadata=(("stripe-signature", signature or mesh.stripe.sign(payload)),),
    )


async def wait_for_state(mesh, learner_id: str, name: str, state: int, *, within_s: float = 15.0):
    deadline = time.monotonic() + within_s
    while True:
        order = await mesh.payments.GetOrder(
            payment_pb2.GetOrderRequest(name=name), metadata=mesh.mint.bearer(learner_id)
        )
        if order.state == state or time.monotonic() > deadline:
            return order
        await asyncio.sleep(0.05)


async def events_of(mesh, event_type, order_id: str) -> list:
    async with mesh.database.session() as session:
        rows = (
            await session.execute(
                sa.select(outbox.c.payload).where(outbox.c.subject == event_type.DESCRIPTOR.full_name)
            )
        ).scalars()
        return [e for e in map(event_type.FromString, rows) if e.order_id == order_id]


async def test_order_freezes_the_course_price_and_opens_one_payment_intent(mesh):
    course, teacher = await paid_course(mesh, price=4900)
    order = await order_for(mesh, "learner-a", course.name, request_id="req-freeze-1")
    assert order.state == payment_pb2.ORDER_STATE_PENDING
    assert (order.amount.amount_minor, order.amount.currency_code) == (4900, "USD")
    assert order.client_secret.startswith(order.provider_payment_id + "_secret_")
    intent = mesh.stripe.intents[order.provider_payment_id]
    assert (intent["amount"], intent["currency"], intent["metadata"]["order_id"]) == (
        4900,
        "usd",
        order.name.split("/")[1],
    )
    sent = [
        r
        for r in mesh.stripe.requests
        if r["form"].get("metadata[order_id]") == intent["metadata"]["order_id"]
    ]
    assert sent[0]["headers"]["idempotency-key"] == f"order-{intent['metadata']['order_id']}"

    # The price changes afterwards; the order keeps the old one, and a retry returns the same order.
    await mesh.courses.UpdateCourse(
        course_pb2.UpdateCourseRequest(
            course=course_pb2.Course(name=course.name, price={"currency_code": "USD", "amount_minor": 9900}),
            update_mask={"paths": ["price"]},
        ),
        metadata=teacher,
    )
    again = await order_for(mesh, "learner-a", course.name, request_id="req-freeze-1")
    assert again.name == order.name and again.amount.amount_minor == 4900
    assert again.provider_payment_id == order.provider_payment_id


async def test_free_and_unknown_courses_cannot_be_ordered(mesh):
    teacher = People(mesh.mint).teacher("t-free")
    free, _ = await published_course(mesh.courses, teacher, title="Free")
    error = await fails(order_for(mesh, "learner-b", free.name))
    assert (error.code(), error_reason(error)) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "COURSE_NOT_PURCHASABLE",
    )
    error = await fails(order_for(mesh, "learner-b", "courses/nope"))
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.NOT_FOUND, "COURSE_NOT_FOUND")


async def test_paid_webhook_enrols_the_learner_and_fulfils_the_order_once(mesh):
    course, teacher = await paid_course(mesh)
    learner = f"learner-{uid()}"
    order = await order_for(mesh, learner, course.name)
    payload = mesh.stripe.pay(order.provider_payment_id)

    assert (await webhook(mesh, payload)).handled is True
    assert (await webhook(mesh, payload)).handled is False  # replay: 200, nothing happens

    done = await wait_for_state(mesh, learner, order.name, payment_pb2.ORDER_STATE_FULFILLED)
    assert done.state == payment_pb2.ORDER_STATE_FULFILLED
    assert done.client_secret == ""
    enrolment = await mesh.courses.GetEnrollment(
        course_pb2.GetEnrollmentRequest(name=f"{course.name}/enrollments/{learner}"), metadata=teacher
    )
    assert enrolment.state == course_pb2.ENROLLMENT_STATE_ACTIVE
    order_id = order.name.split("/")[1]
    assert len(await events_of(mesh, events_pb2.OrderPaid, order_id)) == 1
    assert len(await events_of(mesh, events_pb2.OrderFulfilled, order_id)) == 1

    # A second delivery of the same payment under a new event id changes nothing either.
    assert (
        await webhook(mesh, mesh.stripe.event("payment_intent.succeeded", order.provider_payment_id))
    ).handled is False
    assert len(await events_of(mesh, events_pb2.OrderPaid, order_id)) == 1


async def test_concurrent_duplicate_webhooks_pay_the_order_once(mesh):
    course, _ = await paid_course(mesh)
    order = await order_for(mesh, "learner-dup", course.name)
    payload = mesh.stripe.pay(order.provider_payment_id)
    replies = await asyncio.gather(*(webhook(mesh, payload) for _ in range(8)))
    assert sorted(r.handled for r in replies) == [False] * 7 + [True]
    assert len(await events_of(mesh, events_pb2.OrderPaid, order.name.split("/")[1])) == 1


async def test_a_late_failure_after_success_does_not_undo_the_payment(mesh):
    course, _ = await paid_course(mesh)
    learner = f"learner-{uid()}"
    order = await order_for(mesh, learner, course.name)
    failed = mesh.stripe.decline(order.provider_payment_id)
    succeeded = mesh.stripe.pay(order.provider_payment_id)
    assert (await webhook(mesh, succeeded)).handled is True
    assert (await webhook(mesh, failed)).handled is False  # arrived out of order
    done = await wait_for_state(mesh, learner, order.name, payment_pb2.ORDER_STATE_FULFILLED)
    assert done.state == payment_pb2.ORDER_STATE_FULFILLED


async def test_failure_then_success_with_another_card_still_pays(mesh):
    course, _ = await paid_course(mesh)
    learner = f"learner-{uid()}"
    order = await order_for(mesh, learner, course.name)
    assert (await webhook(mesh, mesh.stripe.decline(order.provider_payment_id))).handled is True
    failed = await mesh.payments.GetOrder(
        payment_pb2.GetOrderRequest(name=order.name), metadata=mesh.mint.bearer(learner)
    )
    assert failed.state == payment_pb2.ORDER_STATE_FAILED and "declined" in failed.failure_reason
    assert (await webhook(mesh, mesh.stripe.pay(order.provider_payment_id))).handled is True
    done = await wait_for_state(mesh, learner, order.name, payment_pb2.ORDER_STATE_FULFILLED)
    assert done.state == payment_pb2.ORDER_STATE_FULFILLED


@pytest.mark.parametrize(
    "tamper",
    ["body", "secret", "stale", "missing"],
)
async def test_bad_signatures_are_refused_and_change_nothing(mesh, tamper):
    course, _ = await paid_course(mesh)
    learner = f"learner-{uid()}"
    order = await order_for(mesh, learner, course.name)
    payload = mesh.stripe.pay(order.provider_payment_id)
    signature = {
        "body": mesh.stripe.sign(payload),
        "secret": mesh.stripe.sign(payload, secret="whsec_attacker"),
        "stale": mesh.stripe.sign(payload, timestamp=int(time.time()) - 3600),
        "missing": "",
    }[tamper]
    sent = (
        payload.replace(b'"amount_received":4900', b'"amount_received":4901') if tamper == "body" else payload
    )
    call = mesh.payments.HandleStripeWebhook(
        payment_pb2.HandleStripeWebhookRequest(
            body=httpbody_pb2.HttpBody(content_type="application/json", data=sent)
        ),
        metadata=(("stripe-signature", signature),) if signature else (),
    )
    error = await fails(call)
    assert (error.code(), error_reason(error)) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "WEBHOOK_SIGNATURE_INVALID",
    )
    still = await mesh.payments.GetOrder(
        payment_pb2.GetOrderRequest(name=order.name), metadata=mesh.mint.bearer(learner)
    )
    assert still.state == payment_pb2.ORDER_STATE_PENDING
    # The genuine delivery afterwards is still applied: the refused one left no trace.
    assert (await webhook(mesh, payload)).handled is True


async def test_unknown_event_types_are_recorded_and_ignored(mesh):
    course, _ = await paid_course(mesh)
    order = await order_for(mesh, "learner-unknown", course.name)
    payload = mesh.stripe.event("payment_intent.created", order.provider_payment_id)
    assert (await webhook(mesh, payload)).handled is False
    event_id = __import__("json").loads(payload)["id"]
    async with mesh.database.session() as session:
        outcome = (
            await session.execute(
                sa.select(provider_events.c.outcome).where(provider_events.c.event_id == event_id)
            )
        ).scalar()
    assert outcome == "ignored"


async def test_orders_are_visible_only_to_their_learner_and_admins(mesh):
    course, _ = await paid_course(mesh)
    order = await order_for(mesh, "learner-own", course.name)
    request = payment_pb2.GetOrderRequest(name=order.name)
    error = await fails(mesh.payments.GetOrder(request, metadata=mesh.mint.bearer("someone-else")))
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.NOT_FOUND, "ORDER_NOT_FOUND")
    admin = await mesh.payments.GetOrder(request, metadata=mesh.mint.bearer("root", roles=["admin"]))
    assert admin.name == order.name
