"""Steps the payment gRPC tests share: a paid course, an order, a provider's webhook, waiting
for the saga, reading the outbox and the ledger."""

from __future__ import annotations

import asyncio
import time
import uuid

import sqlalchemy as sa
from google.api import httpbody_pb2

from lms.course.v1 import course_pb2
from lms.payment.v1 import payment_pb2
from lms_devkit.course import People, published_course
from lms_kit.events.schema import outbox


def uid() -> str:
    return uuid.uuid4().hex


async def paid_course(mesh, price: int = 4900, **fields):
    """A published course at `price` cents; returns (course, teacher metadata, teacher id)."""
    teacher_id = f"t-{uid()}"
    teacher = People(mesh.mint).teacher(teacher_id)
    course, _ = await published_course(mesh.courses, teacher, price=price, title="Paid course", **fields)
    return course, teacher, teacher_id


async def order_for(mesh, learner_id: str, course_name: str, request_id: str | None = None, **fields):
    return await mesh.payments.CreateOrder(
        payment_pb2.CreateOrderRequest(course=course_name, request_id=request_id or uid(), **fields),
        metadata=mesh.learner(learner_id),
    )


async def stripe_webhook(mesh, payload: bytes, signature: str | None = None):
    return await mesh.payments.HandleStripeWebhook(
        payment_pb2.HandleStripeWebhookRequest(
            body=httpbody_pb2.HttpBody(content_type="application/json", data=payload)
        ),
        metadata=(("stripe-signature", signature or mesh.stripe.sign(payload)),),
    )


async def razorpay_webhook(mesh, payload: bytes, *, event_id: str | None = None):
    return await mesh.payments.HandleRazorpayWebhook(
        payment_pb2.HandleRazorpayWebhookRequest(
            body=httpbody_pb2.HttpBody(content_type="application/json", data=payload)
        ),
        metadata=(
            ("x-razorpay-signature", mesh.razorpay.sign(payload)),
            ("x-razorpay-event-id", event_id or mesh.razorpay.new_event_id()),
        ),
    )


async def wait_for_order(mesh, name: str, predicate, *, within_s: float = 15.0):
    """The order once `predicate(order)` holds (or as it is when time runs out)."""
    deadline = time.monotonic() + within_s
    while True:
        order = await mesh.payments.GetOrder(payment_pb2.GetOrderRequest(name=name), metadata=mesh.admin())
        if predicate(order) or time.monotonic() > deadline:
            return order
        await asyncio.sleep(0.05)


async def wait_for_state(mesh, name: str, state: int, *, within_s: float = 15.0):
    return await wait_for_order(mesh, name, lambda o: o.state == state, within_s=within_s)


async def bought(mesh, learner_id: str, course_name: str, **fields):
    """An order paid through Stripe and fulfilled by the saga."""
    order = await order_for(mesh, learner_id, course_name, **fields)
    await stripe_webhook(mesh, mesh.stripe.pay(order.provider_payment_id))
    done = await wait_for_state(mesh, order.name, payment_pb2.ORDER_STATE_FULFILLED)
    assert done.state == payment_pb2.ORDER_STATE_FULFILLED, done
    return done


async def enrolment_state(mesh, teacher, course_name: str, learner_id: str) -> int:
    enrolment = await mesh.courses.GetEnrollment(
        course_pb2.GetEnrollmentRequest(name=f"{course_name}/enrollments/{learner_id}"), metadata=teacher
    )
    return enrolment.state


async def events_of(mesh, event_type, **match) -> list:
    """The events of `event_type` in the payment outbox whose fields equal `match`."""
    async with mesh.database.session() as session:
        rows = (
            await session.execute(
                sa.select(outbox.c.payload)
                .where(outbox.c.subject == event_type.DESCRIPTOR.full_name)
                .order_by(outbox.c.sequence)
            )
        ).scalars()
        found = map(event_type.FromString, rows)
        return [e for e in found if all(getattr(e, k) == v for k, v in match.items())]


async def ledger_totals(mesh) -> dict[str, int]:
    balance = await mesh.payments.GetLedgerBalance(
        payment_pb2.GetLedgerBalanceRequest(), metadata=mesh.admin()
    )
    return {m.currency_code: m.amount_minor for m in balance.totals}


async def earnings(mesh, user_id: str) -> dict[str, tuple[int, int, int]]:
    """{currency: (available, in_payout, paid_out)} of a user."""
    found = await mesh.payments.GetEarnings(
        payment_pb2.GetEarningsRequest(name=f"users/{user_id}/earnings"), metadata=mesh.admin()
    )
    return {
        b.available.currency_code: (
            b.available.amount_minor,
            b.in_payout.amount_minor,
            b.paid_out.amount_minor,
        )
        for b in found.balances
    }


def usd(minor: int):
    from lms.type.v1 import money_pb2

    return money_pb2.Money(currency_code="USD", amount_minor=minor)
