"""Plans and subscriptions over gRPC against the Stripe stand-in: the provider's events drive
the state, the ledger books each invoice once, and the course service's access check
follows the state."""

from __future__ import annotations

import grpc

from lms.payment.v1 import events_pb2, payment_pb2
from lms_devkit.course import fails
from lms_kit.testing.harness import error_reason

from .support import events_of, ledger_totals, paid_course, stripe_webhook, uid, usd


async def plan(mesh, course_names, *, price_id: str | None = None, all_courses: bool = False):
    price_id = price_id or f"price_{uid()[:12]}"
    mesh.stripe.add_price(price_id, 1_500, "usd", "month")
    return await mesh.payments.CreatePlan(
        payment_pb2.CreatePlanRequest(
            plan_id=f"plan-{uid()[:8]}",
            plan=payment_pb2.Plan(
                display_name="Monthly",
                interval=payment_pb2.BILLING_INTERVAL_MONTHLY,
                price=usd(1_500),
                courses=course_names,
                all_courses=all_courses,
                stripe_price_id=price_id,
            ),
        ),
        metadata=mesh.admin(),
    )


async def access(mesh, user_id: str, course_name: str) -> bool:
    answer = await mesh.payments.CheckCourseAccess(
        payment_pb2.CheckCourseAccessRequest(user=f"users/{user_id}", course=course_name),
        metadata=mesh.mint.service_bearer("course"),
    )
    return answer.granted


async def subscription(mesh, learner: str, name: str) -> payment_pb2.Subscription:
    return await mesh.payments.GetSubscription(
        payment_pb2.GetSubscriptionRequest(name=name), metadata=mesh.learner(learner)
    )


async def test_a_subscription_grants_access_while_active_or_past_due_and_not_after_cancellation(mesh):
    covered, _, _ = await paid_course(mesh)
    other, _, _ = await paid_course(mesh)
    monthly = await plan(mesh, [covered.name])
    learner = f"learner-{uid()}"

    created = await mesh.payments.CreateSubscription(
        payment_pb2.CreateSubscriptionRequest(plan=monthly.name, request_id="sub-request-1"),
        metadata=mesh.learner(learner),
    )
    assert created.state == payment_pb2.SUBSCRIPTION_STATE_INCOMPLETE and created.client_secret
    again = await mesh.payments.CreateSubscription(
        payment_pb2.CreateSubscriptionRequest(plan=monthly.name, request_id="sub-request-1"),
        metadata=mesh.learner(learner),
    )
    assert again.name == created.name
    made = [
        s
        for s in mesh.stripe.subscriptions.values()
        if s["metadata"].get("subscription_id") == created.name.split("/")[1]
    ]
    assert len(made) == 1  # one subscription at Stripe for both calls
    assert not await access(mesh, learner, covered.name)

    invoice_paid, updated = mesh.stripe.activate(created.provider_subscription_id)
    assert (await stripe_webhook(mesh, invoice_paid)).handled is True
    assert (await stripe_webhook(mesh, invoice_paid)).handled is False
    await stripe_webhook(mesh, updated)
    active = await subscription(mesh, learner, created.name)
    assert active.state == payment_pb2.SUBSCRIPTION_STATE_ACTIVE and active.HasField("current_period_end")
    assert await access(mesh, learner, covered.name)
    assert not await access(mesh, learner, other.name)  # not in the plan
    assert not await access(mesh, f"stranger-{uid()}", covered.name)

    await stripe_webhook(mesh, mesh.stripe.renewal_failed(created.provider_subscription_id))
    assert (await subscription(mesh, learner, created.name)).state == payment_pb2.SUBSCRIPTION_STATE_PAST_DUE
    assert await access(mesh, learner, covered.name)  # Stripe is still retrying

    deleted = mesh.stripe.cancel_now(created.provider_subscription_id)
    await stripe_webhook(mesh, deleted)
    # A stale "active" update arriving after the deletion changes nothing.
    await stripe_webhook(mesh, updated)
    assert (await subscription(mesh, learner, created.name)).state == payment_pb2.SUBSCRIPTION_STATE_CANCELED
    assert not await access(mesh, learner, covered.name)
    assert set((await ledger_totals(mesh)).values()) <= {0}
    changes = await events_of(
        mesh, events_pb2.SubscriptionChanged, subscription_id=created.name.split("/")[1]
    )
    assert [c.state for c in changes][-1] == "canceled"


async def test_cancelling_keeps_access_until_the_end_of_the_paid_period(mesh):
    course, _, _ = await paid_course(mesh)
    everything = await plan(mesh, [], all_courses=True)
    learner = f"learner-{uid()}"
    created = await mesh.payments.CreateSubscription(
        payment_pb2.CreateSubscriptionRequest(plan=everything.name, request_id=uid()),
        metadata=mesh.learner(learner),
    )
    for body in mesh.stripe.activate(created.provider_subscription_id):
        await stripe_webhook(mesh, body)

    cancelled = await mesh.payments.CancelSubscription(
        payment_pb2.CancelSubscriptionRequest(name=created.name), metadata=mesh.learner(learner)
    )
    assert cancelled.cancel_at_period_end and cancelled.state == payment_pb2.SUBSCRIPTION_STATE_ACTIVE
    assert mesh.stripe.subscriptions[created.provider_subscription_id]["cancel_at_period_end"] is True
    assert await access(mesh, learner, course.name)

    not_yours = await fails(
        mesh.payments.CancelSubscription(
            payment_pb2.CancelSubscriptionRequest(name=created.name), metadata=mesh.learner("other")
        )
    )
    assert (not_yours.code(), error_reason(not_yours)) == (
        grpc.StatusCode.NOT_FOUND,
        "SUBSCRIPTION_NOT_FOUND",
    )


async def test_only_the_course_service_may_ask_for_access_and_plans_are_public(mesh):
    course, _, _ = await paid_course(mesh)
    await plan(mesh, [course.name])
    denied = await fails(
        mesh.payments.CheckCourseAccess(
            payment_pb2.CheckCourseAccessRequest(user="users/me", course=course.name),
            metadata=mesh.learner("me"),
        )
    )
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    listed = await mesh.payments.ListPlans(payment_pb2.ListPlansRequest())
    assert listed.plans and all(p.active for p in listed.plans)
    missing = await fails(
        mesh.payments.CreateSubscription(
            payment_pb2.CreateSubscriptionRequest(plan="plans/nope-nope", request_id=uid()),
            metadata=mesh.learner("me"),
        )
    )
    assert (missing.code(), error_reason(missing)) == (grpc.StatusCode.NOT_FOUND, "PLAN_NOT_FOUND")
