"""Coupons over gRPC on PostgreSQL: discounts, validity, course scope, and redemption limits
that hold under concurrent checkouts."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import grpc
from google.protobuf import timestamp_pb2

from lms.payment.v1 import payment_pb2
from lms.type.v1 import money_pb2
from lms_devkit.course import fails
from lms_kit.testing.harness import error_reason, field_violations
from lms_payment.handlers.reconcile import Reconciler

from .support import order_for, paid_course, uid, usd, wait_for_state


def ts(moment: datetime) -> timestamp_pb2.Timestamp:
    out = timestamp_pb2.Timestamp()
    out.FromDatetime(moment)
    return out


async def coupon(mesh, **fields) -> payment_pb2.Coupon:
    code = fields.pop("code", f"C{uid()[:10].upper()}")
    return await mesh.payments.CreateCoupon(
        payment_pb2.CreateCouponRequest(coupon=payment_pb2.Coupon(name=f"coupons/{code}", **fields)),
        metadata=mesh.admin(),
    )


def code_of(c: payment_pb2.Coupon) -> str:
    return c.name.split("/")[1]


async def test_fifty_concurrent_checkouts_against_a_coupon_limited_to_ten_redeem_it_exactly_ten_times(mesh):
    course, _, _ = await paid_course(mesh, price=10_000)
    limited = await coupon(mesh, percent_off=20, max_redemptions=10)

    results = await asyncio.gather(
        *(order_for(mesh, f"learner-{uid()}", course.name, coupon_code=code_of(limited)) for _ in range(50)),
        return_exceptions=True,
    )

    placed = [r for r in results if isinstance(r, payment_pb2.Order)]
    refused = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(placed) == 10 and len(refused) == 40
    assert {error_reason(e) for e in refused} == {"COUPON_EXHAUSTED"}
    assert {o.amount.amount_minor for o in placed} == {8_000}
    assert {o.discount.amount_minor for o in placed} == {2_000}
    after = await mesh.payments.GetCoupon(
        payment_pb2.GetCouponRequest(name=limited.name), metadata=mesh.admin()
    )
    assert after.redemption_count == 10


async def test_one_learner_racing_checkouts_stays_within_the_per_learner_limit(mesh):
    course, _, _ = await paid_course(mesh, price=5_000)
    once_each = await coupon(mesh, amount_off=usd(1_000), max_redemptions_per_user=1)
    learner = f"learner-{uid()}"

    results = await asyncio.gather(
        *(order_for(mesh, learner, course.name, coupon_code=code_of(once_each)) for _ in range(8)),
        return_exceptions=True,
    )

    assert sum(isinstance(r, payment_pb2.Order) for r in results) == 1
    assert {error_reason(r) for r in results if isinstance(r, grpc.aio.AioRpcError)} == {"COUPON_EXHAUSTED"}
    other = await order_for(mesh, f"learner-{uid()}", course.name, coupon_code=code_of(once_each).lower())
    assert other.amount.amount_minor == 4_000  # codes are case-insensitive for learners


async def test_a_coupon_outside_its_window_for_another_course_or_deactivated_is_refused(mesh):
    course, _, _ = await paid_course(mesh)
    other_course, _, _ = await paid_course(mesh)
    now = datetime.now(UTC)
    future = await coupon(mesh, percent_off=10, start_time=ts(now + timedelta(days=1)))
    past = await coupon(mesh, percent_off=10, end_time=ts(now - timedelta(seconds=1)))
    scoped = await coupon(mesh, percent_off=10, course=other_course.name)
    euros = await coupon(mesh, amount_off=money_pb2.Money(currency_code="EUR", amount_minor=100))
    stopped = await coupon(mesh, percent_off=10)
    await mesh.payments.DeactivateCoupon(
        payment_pb2.DeactivateCouponRequest(name=stopped.name), metadata=mesh.admin()
    )

    for used, reason in (
        (future, "COUPON_EXPIRED"),
        (past, "COUPON_EXPIRED"),
        (scoped, "COUPON_NOT_APPLICABLE"),
        (euros, "COUPON_NOT_APPLICABLE"),
        (stopped, "COUPON_EXPIRED"),
    ):
        error = await fails(order_for(mesh, f"learner-{uid()}", course.name, coupon_code=code_of(used)))
        assert (error.code(), error_reason(error)) == (grpc.StatusCode.FAILED_PRECONDITION, reason), used.name
    unknown = await fails(order_for(mesh, f"learner-{uid()}", course.name, coupon_code="NOSUCHCODE"))
    assert (unknown.code(), error_reason(unknown)) == (grpc.StatusCode.NOT_FOUND, "COUPON_NOT_FOUND")

    preview = await mesh.payments.PreviewPrice(
        payment_pb2.PreviewPriceRequest(course=other_course.name, coupon_code=code_of(scoped)),
        metadata=mesh.learner("someone"),
    )
    assert (preview.list_price.amount_minor, preview.discount.amount_minor, preview.amount.amount_minor) == (
        4_900,
        490,
        4_410,
    )


async def test_bad_coupons_are_refused_with_every_field_named(mesh):
    error = await fails(
        mesh.payments.CreateCoupon(
            payment_pb2.CreateCouponRequest(
                coupon=payment_pb2.Coupon(
                    name="coupons/OK-CODE",
                    percent_off=150,
                    start_time=ts(datetime(2027, 1, 2, tzinfo=UTC)),
                    end_time=ts(datetime(2027, 1, 1, tzinfo=UTC)),
                )
            ),
            metadata=mesh.admin(),
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(field_violations(error)) == {"coupon.percent_off", "coupon.end_time"}
    taken = await coupon(mesh, percent_off=5)
    again = await fails(coupon(mesh, code=code_of(taken), percent_off=5))
    assert (again.code(), error_reason(again)) == (grpc.StatusCode.ALREADY_EXISTS, "ALREADY_EXISTS")
    not_admin = await fails(
        mesh.payments.CreateCoupon(
            payment_pb2.CreateCouponRequest(coupon=payment_pb2.Coupon(name="coupons/MINE", percent_off=5)),
            metadata=mesh.learner("sneaky"),
        )
    )
    assert not_admin.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_a_coupon_for_the_whole_price_makes_a_free_order_that_is_fulfilled_without_a_provider(mesh):
    course, _, _ = await paid_course(mesh, price=3_000)
    everything = await coupon(mesh, percent_off=100)
    before = len(mesh.stripe.intents)

    order = await order_for(mesh, f"learner-{uid()}", course.name, coupon_code=code_of(everything))

    assert order.provider == payment_pb2.PAYMENT_PROVIDER_FREE and order.amount.amount_minor == 0
    assert order.state == payment_pb2.ORDER_STATE_PAID and not order.client_secret
    assert len(mesh.stripe.intents) == before  # nothing was opened at Stripe
    done = await wait_for_state(mesh, order.name, payment_pb2.ORDER_STATE_FULFILLED)
    assert done.state == payment_pb2.ORDER_STATE_FULFILLED


async def test_an_expired_order_gives_its_redemption_back(mesh):
    course, _, _ = await paid_course(mesh)
    single = await coupon(mesh, percent_off=50, max_redemptions=1)
    order = await order_for(mesh, f"learner-{uid()}", course.name, coupon_code=code_of(single))
    refused = await fails(order_for(mesh, f"learner-{uid()}", course.name, coupon_code=code_of(single)))
    assert error_reason(refused) == "COUPON_EXHAUSTED"

    # A day later: the reconciliation job finds it unpaid at Stripe and expires it.
    deps = mesh.handlers.deps
    later = replace(deps, clock=lambda: datetime.now(UTC) + timedelta(days=2))
    report = await Reconciler(later, mesh.handlers.refunds).run(timedelta(0))
    assert report.expired >= 1
    expired = await mesh.payments.GetOrder(
        payment_pb2.GetOrderRequest(name=order.name), metadata=mesh.admin()
    )
    assert expired.state == payment_pb2.ORDER_STATE_EXPIRED

    again = await order_for(mesh, f"learner-{uid()}", course.name, coupon_code=code_of(single))
    assert again.amount.amount_minor == 2_450
