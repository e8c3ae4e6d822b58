"""The reconciliation job (a lost webhook, a provider that was down during a refund) and the
order lists for learners and administrators."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import grpc

from lms.payment.v1 import payment_pb2
from lms_devkit.course import fails

from .support import bought, order_for, paid_course, stripe_webhook, uid, usd, wait_for_state


async def test_a_payment_whose_webhook_was_lost_is_found_by_reconciliation_and_fulfilled(mesh):
    course, _, _ = await paid_course(mesh)
    order = await order_for(mesh, f"learner-{uid()}", course.name)
    mesh.stripe.pay(order.provider_payment_id)  # paid at Stripe; the webhook never arrives
    await asyncio.sleep(1.1)

    report = await mesh.payments.ReconcileOrders(
        payment_pb2.ReconcileOrdersRequest(min_age_seconds=1), metadata=mesh.admin()
    )

    assert report.checked >= 1 and report.paid >= 1
    done = await wait_for_state(mesh, order.name, payment_pb2.ORDER_STATE_FULFILLED)
    assert done.state == payment_pb2.ORDER_STATE_FULFILLED
    # The webhook turns up late after all: a no-op.
    late = mesh.stripe.event("payment_intent.succeeded", order.provider_payment_id)
    assert (await stripe_webhook(mesh, late)).handled is False


async def test_a_refund_sent_while_the_provider_was_down_is_sent_again_with_the_same_key(mesh):
    course, _, _ = await paid_course(mesh, price=6_000)
    order = await bought(mesh, f"learner-{uid()}", course.name)
    mesh.stripe.outage = 503
    try:
        refund = await mesh.payments.RefundOrder(
            payment_pb2.RefundOrderRequest(name=order.name, amount=usd(1_000), request_id=uid()),
            metadata=mesh.admin(),
        )
    finally:
        mesh.stripe.outage = None
    assert refund.state == payment_pb2.REFUND_STATE_PENDING and not refund.provider_refund_id

    report = await mesh.handlers.reconciler.run(timedelta(0))

    assert report.refunds_settled >= 1
    listed = await mesh.payments.ListRefunds(
        payment_pb2.ListRefundsRequest(parent=order.name), metadata=mesh.admin()
    )
    assert [(r.name, r.state) for r in listed.refunds] == [(refund.name, payment_pb2.REFUND_STATE_SUCCEEDED)]
    assert mesh.stripe.refundable(order.provider_payment_id) == 5_000  # refunded once at Stripe


async def test_learners_page_through_their_orders_and_admins_search_by_state_and_provider(mesh):
    course, _, _ = await paid_course(mesh)
    learner = f"learner-{uid()}"
    placed = [await order_for(mesh, learner, course.name) for _ in range(3)]
    paid = await bought(mesh, learner, course.name)

    seen, token = [], ""
    while True:
        page = await mesh.payments.ListUserOrders(
            payment_pb2.ListUserOrdersRequest(parent=f"users/{learner}", page_size=2, page_token=token),
            metadata=mesh.learner(learner),
        )
        seen += [o.name for o in page.orders]
        token = page.next_page_token
        if not token:
            break
    assert seen == [paid.name, *(o.name for o in reversed(placed))]  # newest first, no gaps

    found = await mesh.payments.SearchOrders(
        payment_pb2.SearchOrdersRequest(
            user=f"users/{learner}",
            state=payment_pb2.ORDER_STATE_PENDING,
            provider=payment_pb2.PAYMENT_PROVIDER_STRIPE,
        ),
        metadata=mesh.admin(),
    )
    assert {o.name for o in found.orders} == {o.name for o in placed}

    for call in (
        mesh.payments.SearchOrders(payment_pb2.SearchOrdersRequest(), metadata=mesh.learner(learner)),
        mesh.payments.ListUserOrders(
            payment_pb2.ListUserOrdersRequest(parent="users/somebody-else"), metadata=mesh.learner(learner)
        ),
    ):
        assert (await fails(call)).code() == grpc.StatusCode.PERMISSION_DENIED
