"""The SQL unit of work on PostgreSQL: what the repositories load or add is tracked, its
events reach the outbox in the commit's transaction and never without it; and a whole sale
(coupon, payment webhook, fulfilment, partial refund, payout) through the use cases on the
real repositories balances the books."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet

from lms.payment.v1 import events_pb2
from lms_kit.domain import Actor
from lms_kit.domain.money import Money
from lms_kit.events.schema import outbox
from lms_payment.adapters.stripe_gateway import StripeGateway
from lms_payment.adapters.unit_of_work import SqlPaymentUnitOfWork
from lms_payment.domain.model import CourseOffer, Order, OrderState, Provider
from lms_payment.handlers import Deps, Handlers
from lms_payment.handlers.results import NewCoupon

KEYS = MultiFernet([Fernet(Fernet.generate_key())])


async def outbox_events(database, event_type, order_id: str) -> list:
    async with database.session() as session:
        rows = (
            await session.execute(
                sa.select(outbox.c.payload).where(outbox.c.subject == event_type.DESCRIPTOR.full_name)
            )
        ).scalars()
        return [e for e in map(event_type.FromString, rows) if e.order_id == order_id]


def new_order() -> Order:
    return Order.place(
        order_id=str(uuid.uuid4()),
        user_id="learner-1",
        course_id="c1",
        price=Money(2_500, "USD"),
        provider=Provider.STRIPE,
        request_id=f"req-{uuid.uuid4().hex[:12]}",
        now=datetime.now(UTC),
    )


async def test_events_of_what_the_repositories_saw_reach_the_outbox_only_with_the_commit(database):
    order = new_order()
    async with SqlPaymentUnitOfWork(database) as uow:
        assert await uow.orders.add(order)
        order.mark_paid(order.amount, datetime.now(UTC))  # raised after add: still collected
        await uow.orders.save(order)
        await uow.commit()
        assert [type(e).__name__ for e in uow.committed_events] == ["OrderPaid"]
    assert len(await outbox_events(database, events_pb2.OrderPaid, order.id)) == 1

    async with SqlPaymentUnitOfWork(database) as uow:
        loaded = await uow.orders.get(order.id, for_update=True)
        assert loaded is not None and loaded.fulfil(datetime.now(UTC))
        await uow.orders.save(loaded)
        # left without commit: the row and the event are dropped together

    async with SqlPaymentUnitOfWork(database) as uow:
        again = await uow.orders.get(order.id)
    assert again is not None and again.state is OrderState.PAID
    assert await outbox_events(database, events_pb2.OrderFulfilled, order.id) == []


class Catalog:
    """The course service as a fake: one published course, enrolments recorded."""

    def __init__(self) -> None:
        self.enrolled: list[str] = []

    async def offer(self, course_id: str) -> CourseOffer:
        return CourseOffer(course_id, Money(10_000, "USD"), True, teacher_id="teacher-uow")

    async def enroll_paid(self, *, course_id: str, user_id: str, order_id: str) -> None:
        self.enrolled.append(order_id)

    async def revoke(self, *, order_id: str, reason: str) -> None:
        pass


async def test_a_sale_with_a_coupon_a_refund_and_a_payout_balances_the_books(database, stripe_standin):
    catalog = Catalog()
    stripe = StripeGateway(
        api_key=stripe_standin.api_key,
        webhook_secret=stripe_standin.webhook_secret,
        api_base=stripe_standin.api_base,
    )
    handlers = Handlers.build(
        Deps(
            uow=lambda: SqlPaymentUnitOfWork(database, KEYS),
            catalog=catalog,
            gateways={Provider.STRIPE: stripe},
        )
    )
    code = f"UOW{uuid.uuid4().hex[:8].upper()}"
    await handlers.coupons.create(NewCoupon(code, percent_off=10, max_redemptions=1))
    order = await handlers.orders.create_order(
        user_id="learner-uow",
        course_id="c1",
        provider=Provider.STRIPE,
        request_id=f"req-{uuid.uuid4().hex[:12]}",
        coupon_code=code.lower(),
    )
    assert order.amount == Money(9_000, "USD")
    payload = stripe_standin.pay(order.provider_payment_id)
    headers = {"stripe-signature": stripe_standin.sign(payload)}
    assert await handlers.webhooks.handle(Provider.STRIPE, payload, headers) is True
    async with SqlPaymentUnitOfWork(database, KEYS) as uow:  # the saga's step, as the consumer runs it
        assert await handlers.saga.fulfil(order.id, uow) is True
        await uow.commit()
    assert catalog.enrolled == [order.id]

    admin = Actor.user("admin-1", "admin")
    refund = await handlers.refunds.refund_order(
        admin, order.id, amount=Money(3_000, "USD"), reason="part", request_id=f"refund-{uuid.uuid4().hex}"
    )
    assert refund.state.value == "succeeded"
    await handlers.payouts.set_account(
        "teacher-uow", holder_name="T", account_number="12345678", bank_code="BANK1", country_code="US"
    )
    await handlers.payouts.request("teacher-uow", Money(1_000, "USD"), f"payout-{uuid.uuid4().hex}")

    assert set((await handlers.earnings.totals()).totals.values()) == {0}
    after = await handlers.orders.get_order(order.id, admin)
    assert (after.state, after.refunded_minor) == (OrderState.FULFILLED, 3_000)
    assert [e.full for e in await outbox_events(database, events_pb2.OrderRefunded, order.id)] == [False]
