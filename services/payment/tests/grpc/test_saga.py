"""The enrolment saga's hard cases: the course service refuses the enrolment (the order is
refunded automatically and the learner is told why), and the course service is down while
orders are paid (they are enrolled exactly once when it is back)."""

from __future__ import annotations

import asyncio
import socket

from lms.course.v1 import course_pb2
from lms.payment.v1 import events_pb2, payment_pb2
from lms_course.server import SERVICE as COURSE_SERVICE
from lms_devkit.course import People, published_course
from lms_kit.testing.plugin import served

from .support import (
    enrolment_state,
    events_of,
    ledger_totals,
    order_for,
    stripe_webhook,
    uid,
    wait_for_state,
)


async def test_an_enrolment_the_course_refuses_is_refunded_automatically_with_the_reason(mesh):
    teacher = People(mesh.mint).teacher(f"t-{uid()}")
    basics, _ = await published_course(mesh.courses, teacher, title="Basics first")
    course, _ = await published_course(
        mesh.courses, teacher, title="Advanced", price=3_000, prerequisites=[basics.name]
    )
    learner = f"learner-{uid()}"
    # The order is taken (payment does not judge prerequisites); EnrollPaid refuses for good.
    order = await order_for(mesh, learner, course.name)

    await stripe_webhook(mesh, mesh.stripe.pay(order.provider_payment_id))
    done = await wait_for_state(mesh, order.name, payment_pb2.ORDER_STATE_REFUNDED)

    assert done.state == payment_pb2.ORDER_STATE_REFUNDED
    assert done.state_reason == "enrolment refused: PREREQUISITES_NOT_MET"
    assert done.refunded_amount.amount_minor == 3_000
    assert mesh.stripe.refundable(order.provider_payment_id) == 0  # the money went back at Stripe
    order_id = order.name.split("/")[1]
    [told] = await events_of(mesh, events_pb2.OrderRefunded, order_id=order_id)
    assert told.automatic and told.full and told.reason == done.state_reason
    assert await events_of(mesh, events_pb2.OrderFulfilled, order_id=order_id) == []
    assert set((await ledger_totals(mesh)).values()) <= {0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_orders_paid_while_the_course_service_is_down_are_enrolled_once_when_it_is_back(
    mesh, another_payment_service
):
    port = free_port()
    course_settings = {"database_url": mesh.extra["course_url"], "grpc_port": port}
    teacher = People(mesh.mint).teacher(f"t-{uid()}")
    course, _ = await published_course(mesh.courses, teacher, price=1_500, title="Down and up")
    learners = [f"learner-{uid()}" for _ in range(3)]

    async with another_payment_service(course_target=f"127.0.0.1:{port}") as other:
        async with served(COURSE_SERVICE, mesh.mint, **course_settings):  # up while the orders are placed
            orders = [await order_for(other, learner, course.name) for learner in learners]
        # Down: every enrolment attempt fails, the saga backs off and tries again.
        for order in orders:
            await stripe_webhook(other, mesh.stripe.pay(order.provider_payment_id))
        await asyncio.sleep(1.5)
        for order in orders:
            still = await other.payments.GetOrder(
                payment_pb2.GetOrderRequest(name=order.name), metadata=mesh.admin()
            )
            assert still.state == payment_pb2.ORDER_STATE_PAID

        async with served(COURSE_SERVICE, mesh.mint, **course_settings):  # back on the same address
            for order in orders:
                done = await wait_for_state(other, order.name, payment_pb2.ORDER_STATE_FULFILLED, within_s=30)
                assert done.state == payment_pb2.ORDER_STATE_FULFILLED
        for learner in learners:
            assert (
                await enrolment_state(mesh, teacher, course.name, learner)
                == course_pb2.ENROLLMENT_STATE_ACTIVE
            )
        enrolments = await mesh.courses.ListCourseEnrollments(
            course_pb2.ListCourseEnrollmentsRequest(parent=course.name, page_size=100), metadata=teacher
        )
        assert sorted(e.user.split("/")[1] for e in enrolments.enrollments) == sorted(learners)
        for order in orders:
            fulfilled = await events_of(other, events_pb2.OrderFulfilled, order_id=order.name.split("/")[1])
            assert len(fulfilled) == 1
