"""Refunds over gRPC against the Stripe stand-in: who may refund what, partial and full
refunds, refunds that settle later by webhook, and what a full refund does to the
enrolment and the ledger."""

from __future__ import annotations

import asyncio

import grpc

from lms.course.v1 import course_pb2
from lms.payment.v1 import events_pb2, payment_pb2
from lms.type.v1 import money_pb2
from lms_devkit.course import fails
from lms_kit.testing.harness import error_reason, field_violations

from .support import (
    bought,
    earnings,
    enrolment_state,
    events_of,
    ledger_totals,
    order_for,
    paid_course,
    stripe_webhook,
    uid,
    usd,
    wait_for_order,
)


async def refund(mesh, order_name: str, who, *, amount: int | None = None, request_id: str | None = None):
    request = payment_pb2.RefundOrderRequest(name=order_name, reason="test", request_id=request_id or uid())
    if amount is not None:
        request.amount.CopyFrom(usd(amount))
    return await mesh.payments.RefundOrder(request, metadata=who)


async def test_an_admin_refunds_in_parts_and_the_last_part_refunds_the_order_and_ends_the_enrolment(mesh):
    course, teacher, teacher_id = await paid_course(mesh, price=10_000)
    learner = f"learner-{uid()}"
    order = await bought(mesh, learner, course.name)

    first = await refund(mesh, order.name, mesh.admin(), amount=3_000, request_id="refund-part-1")
    assert first.state == payment_pb2.REFUND_STATE_SUCCEEDED and first.provider_refund_id.startswith("re_")
    again = await refund(mesh, order.name, mesh.admin(), amount=3_000, request_id="refund-part-1")
    assert again.name == first.name  # a retry is the same refund, and Stripe refunded once
    assert mesh.stripe.refundable(order.provider_payment_id) == 7_000

    too_much = await fails(refund(mesh, order.name, mesh.admin(), amount=7_001))
    assert (too_much.code(), error_reason(too_much)) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "REFUND_EXCEEDS_PAYMENT",
    )
    partly = await mesh.payments.GetOrder(payment_pb2.GetOrderRequest(name=order.name), metadata=mesh.admin())
    assert partly.state == payment_pb2.ORDER_STATE_FULFILLED and partly.refunded_amount.amount_minor == 3_000
    assert await enrolment_state(mesh, teacher, course.name, learner) == course_pb2.ENROLLMENT_STATE_ACTIVE

    rest = await refund(mesh, order.name, mesh.admin())  # unset amount: everything left
    assert rest.amount.amount_minor == 7_000
    done = await wait_for_order(mesh, order.name, lambda o: o.state == payment_pb2.ORDER_STATE_REFUNDED)
    assert done.refunded_amount.amount_minor == 10_000
    order_id = order.name.split("/")[1]
    assert [e.full for e in await events_of(mesh, events_pb2.OrderRefunded, order_id=order_id)] == [
        False,
        True,
    ]

    for _ in range(100):  # the saga revokes the enrolment after the OrderRefunded event
        if await enrolment_state(mesh, teacher, course.name, learner) != course_pb2.ENROLLMENT_STATE_ACTIVE:
            break
        await asyncio.sleep(0.05)
    assert await enrolment_state(mesh, teacher, course.name, learner) == course_pb2.ENROLLMENT_STATE_REVOKED
    # Every leg of the sale is taken back: the teacher keeps nothing, the books balance.
    assert (await earnings(mesh, teacher_id))["USD"][0] == 0
    assert set((await ledger_totals(mesh)).values()) <= {0}


async def test_a_learner_gets_a_full_refund_inside_the_window_but_not_a_partial_one(mesh):
    course, _, _ = await paid_course(mesh, price=2_500)
    learner = f"learner-{uid()}"
    order = await bought(mesh, learner, course.name)
    assert order.HasField("refundable_until")  # the platform default window

    partial = await fails(refund(mesh, order.name, mesh.learner(learner), amount=1_000))
    assert error_reason(partial) == "REFUND_WINDOW_CLOSED"
    someone_else = await fails(refund(mesh, order.name, mesh.learner(f"other-{uid()}")))
    assert someone_else.code() == grpc.StatusCode.NOT_FOUND

    full = await refund(mesh, order.name, mesh.learner(learner))
    assert full.state == payment_pb2.REFUND_STATE_SUCCEEDED and full.requester == f"users/{learner}"
    listed = await mesh.payments.ListRefunds(
        payment_pb2.ListRefundsRequest(parent=order.name), metadata=mesh.learner(learner)
    )
    assert [r.name for r in listed.refunds] == [full.name]


async def test_a_course_without_a_refund_window_refuses_learner_refunds_but_not_admin_ones(mesh):
    course, _, _ = await paid_course(mesh, price=2_500, refund_window_days=0)
    learner = f"learner-{uid()}"
    order = await bought(mesh, learner, course.name)
    assert not order.HasField("refundable_until")
    closed = await fails(refund(mesh, order.name, mesh.learner(learner)))
    assert (closed.code(), error_reason(closed)) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "REFUND_WINDOW_CLOSED",
    )
    assert (await refund(mesh, order.name, mesh.admin())).state == payment_pb2.REFUND_STATE_SUCCEEDED


async def test_a_pending_refund_settles_by_webhook_once_and_a_failed_one_frees_the_amount(mesh):
    course, _, _ = await paid_course(mesh, price=5_000)
    order = await bought(mesh, f"learner-{uid()}", course.name)
    mesh.stripe.refund_outcome = "pending"
    try:
        pending = await refund(mesh, order.name, mesh.admin(), amount=2_000)
        failing = await refund(mesh, order.name, mesh.admin(), amount=3_000)
    finally:
        mesh.stripe.refund_outcome = "succeeded"
    assert pending.state == failing.state == payment_pb2.REFUND_STATE_PENDING
    nothing_left = await fails(refund(mesh, order.name, mesh.admin(), amount=1))
    assert error_reason(nothing_left) == "REFUND_EXCEEDS_PAYMENT"

    succeeded = mesh.stripe.refund_event(pending.provider_refund_id, "succeeded")
    assert (await stripe_webhook(mesh, succeeded)).handled is True
    assert (await stripe_webhook(mesh, succeeded)).handled is False
    failed = mesh.stripe.refund_event(failing.provider_refund_id, "failed")
    assert (await stripe_webhook(mesh, failed)).handled is True

    after = await mesh.payments.GetOrder(payment_pb2.GetOrderRequest(name=order.name), metadata=mesh.admin())
    assert after.refunded_amount.amount_minor == 2_000 and after.state == payment_pb2.ORDER_STATE_FULFILLED
    receipt = await mesh.payments.GetReceipt(
        payment_pb2.GetReceiptRequest(name=f"{order.name}/receipt"), metadata=mesh.admin()
    )
    assert (receipt.amount_paid.amount_minor, receipt.amount_refunded.amount_minor) == (5_000, 2_000)
    assert [r.name for r in receipt.refunds] == [pending.name]
    # The failed 3,000 is refundable again.
    assert (
        await refund(mesh, order.name, mesh.admin(), amount=3_000)
    ).state == payment_pb2.REFUND_STATE_SUCCEEDED


async def test_an_unpaid_order_cannot_be_refunded_and_has_no_receipt(mesh):
    course, _, _ = await paid_course(mesh)
    learner = f"learner-{uid()}"
    order = await order_for(mesh, learner, course.name)
    error = await fails(refund(mesh, order.name, mesh.admin()))
    assert error_reason(error) == "ORDER_NOT_PAID"
    error = await fails(
        mesh.payments.GetReceipt(
            payment_pb2.GetReceiptRequest(name=f"{order.name}/receipt"), metadata=mesh.learner(learner)
        )
    )
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.FAILED_PRECONDITION, "ORDER_NOT_PAID")


async def test_refunds_of_nothing_or_in_another_currency_are_refused_with_the_field_named(mesh):
    course, _, _ = await paid_course(mesh, price=2_000)
    order = await bought(mesh, f"learner-{uid()}", course.name)
    for amount in (usd(0), usd(-5), money_pb2.Money(currency_code="EUR", amount_minor=100)):
        error = await fails(
            mesh.payments.RefundOrder(
                payment_pb2.RefundOrderRequest(name=order.name, amount=amount, request_id=uid()),
                metadata=mesh.admin(),
            )
        )
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "amount" in field_violations(error)
    await refund(mesh, order.name, mesh.admin())
    nothing_left = await fails(refund(mesh, order.name, mesh.admin()))
    assert error_reason(nothing_left) == "REFUND_EXCEEDS_PAYMENT"
