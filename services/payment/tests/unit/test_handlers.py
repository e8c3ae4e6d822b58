"""The use cases against in-memory fakes: what they commit, the events their aggregates
raise (collected by the unit of work, never by hand), and what they refuse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms_kit.domain import Actor, Invalid
from lms_kit.domain.money import Money
from lms_kit.testing.fakes import UncommittedWork
from lms_payment.domain.coupons import Coupon
from lms_payment.domain.earnings import PayoutAccount, PayoutCompleted, PayoutState
from lms_payment.domain.errors import (
    CouponExhausted,
    CouponNotFound,
    CourseNotPurchasable,
    CoursePriceInvalid,
    ProviderNotConfigured,
    WebhookRejected,
)
from lms_payment.domain.model import OrderFulfilled, OrderPaid, OrderRefunded, OrderState, Provider
from lms_payment.domain.providers import OpenedSubscription, SubscriptionStatus
from lms_payment.domain.subscriptions import Subscription, SubscriptionChangedEvent
from lms_payment.handlers import Deps, Handlers
from lms_payment.handlers.coupons import CouponHandlers
from lms_payment.handlers.results import NewCoupon

from .fakes import PRICE, FakeCatalog, FakeGateway, FakePaymentUnitOfWork, new_store

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)
ADMIN = Actor.user("admin-1", "admin")


def setup():
    store = new_store()
    catalog, stripe = FakeCatalog(), FakeGateway()
    deps = Deps(
        uow=lambda: FakePaymentUnitOfWork(store),
        catalog=catalog,
        gateways={Provider.STRIPE: stripe},
        clock=lambda: NOW,
    )
    return Handlers.build(deps), store, catalog, stripe


class ForgetfulCoupons(CouponHandlers):
    """DeactivateCoupon as someone might write it: the change is made, the commit forgotten."""

    async def deactivate(self, code: str) -> Coupon:
        async with self._deps.uow() as uow:
            await uow.coupons.deactivate(code)
        return await self.get(code)


async def test_a_use_case_that_forgets_to_commit_fails_instead_of_passing_silently():
    handlers, store, _, _ = setup()
    await handlers.coupons.create(NewCoupon("SPRING", percent_off=10))

    with pytest.raises(UncommittedWork):
        await ForgetfulCoupons(handlers.deps).deactivate("SPRING")

    assert store.state.coupons["SPRING"].active  # nothing of the forgotten change was kept
    assert not (await handlers.coupons.deactivate("SPRING")).active  # the real one commits


async def test_an_order_paid_by_webhook_raises_order_paid_once_and_books_the_sale():
    handlers, store, _, stripe = setup()
    order = await handlers.orders.create_order(
        user_id="learner-1", course_id="c1", provider=Provider.STRIPE, request_id="req-00001"
    )
    assert order.provider_payment_id == f"pi_{order.id}" and stripe.opened == [f"order-{order.id}"]

    payload = stripe.paid(order)
    assert await handlers.webhooks.handle(Provider.STRIPE, payload, {"signature": "good"}) is True
    assert await handlers.webhooks.handle(Provider.STRIPE, payload, {"signature": "good"}) is False

    assert [e.order_id for e in store.events_of(OrderPaid)] == [order.id]
    assert store.state.orders[order.id].state is OrderState.PAID
    ledger = await handlers.earnings.totals()
    assert ledger.totals == {"USD": 0} and ledger.entry_count == 3  # provider, teacher, platform


async def test_a_bad_signature_is_refused_before_anything_is_written():
    handlers, store, _, _ = setup()
    with pytest.raises(WebhookRejected):
        await handlers.webhooks.handle(Provider.STRIPE, b"forged", {"signature": "bad"})
    assert store.commits == 0 and store.events == []


async def test_the_saga_fulfils_a_paid_order_in_the_consumers_unit_of_work():
    handlers, store, catalog, stripe = setup()
    order = await handlers.orders.create_order(
        user_id="learner-1", course_id="c1", provider=Provider.STRIPE, request_id="req-00002"
    )
    await handlers.webhooks.handle(Provider.STRIPE, stripe.paid(order), {"signature": "good"})

    async with handlers.deps.uow() as uow:  # what the event consumer does, with its inbox row
        assert await handlers.saga.fulfil(order.id, uow) is True
        await uow.commit()

    assert catalog.enrolled == [order.id]
    assert [e.order_id for e in store.events_of(OrderFulfilled)] == [order.id]


async def test_an_enrolment_refused_for_good_is_refunded_automatically_with_the_reason():
    handlers, store, catalog, stripe = setup()
    order = await handlers.orders.create_order(
        user_id="learner-1", course_id="c1", provider=Provider.STRIPE, request_id="req-00003"
    )
    await handlers.webhooks.handle(Provider.STRIPE, stripe.paid(order), {"signature": "good"})
    catalog.refusal = "PREREQUISITES_NOT_MET"

    async with handlers.deps.uow() as uow:
        assert await handlers.saga.fulfil(order.id, uow) is False
        await uow.commit()

    [refunded] = store.events_of(OrderRefunded)
    assert (refunded.full, refunded.automatic) == (True, True)
    assert refunded.reason == "enrolment refused: PREREQUISITES_NOT_MET"
    assert store.state.orders[order.id].state is OrderState.REFUNDED
    assert stripe.refunded == [(f"refund-{refunded.refund_id}", Money(10_000, "USD"))]
    assert (await handlers.earnings.totals()).totals == {"USD": 0}


async def test_a_coupon_for_the_whole_price_pays_the_order_at_once_and_counts_its_redemption():
    handlers, store, _, stripe = setup()
    await handlers.coupons.create(NewCoupon("FREEBIE", percent_off=100, max_redemptions=1))

    order = await handlers.orders.create_order(
        user_id="learner-1",
        course_id="c1",
        provider=Provider.STRIPE,
        request_id="req-00004",
        coupon_code="freebie",
    )

    assert (order.provider, order.state, order.amount) == (Provider.FREE, OrderState.PAID, Money(0, "USD"))
    assert stripe.opened == [] and [e.order_id for e in store.events_of(OrderPaid)] == [order.id]
    assert store.state.coupons["FREEBIE"].redemption_count == 1
    with pytest.raises(CouponExhausted):
        await handlers.orders.create_order(
            user_id="learner-2",
            course_id="c1",
            provider=Provider.STRIPE,
            request_id="req-00005",
            coupon_code="FREEBIE",
        )
    assert len(store.state.orders) == 1  # the refused order rolled back with its redemption


async def test_completing_a_batch_raises_payout_completed_for_each_payout_once():
    handlers, store, _, stripe = setup()
    order = await handlers.orders.create_order(
        user_id="learner-1", course_id="c1", provider=Provider.STRIPE, request_id="req-00006"
    )
    await handlers.webhooks.handle(Provider.STRIPE, stripe.paid(order), {"signature": "good"})
    await handlers.payouts.set_account(
        "teacher-1", holder_name="T", account_number="12345678", bank_code="B1", country_code="GB"
    )
    with pytest.raises(Invalid):
        await handlers.payouts.request("teacher-1", Money(0, "USD"), "payout-0")
    paid = await handlers.payouts.request("teacher-1", Money(4_000, "USD"), "payout-1")
    failed = await handlers.payouts.request("teacher-1", Money(1_000, "USD"), "payout-2")
    batch, _ = await handlers.payouts.create_batch("USD", "batch-1")

    await handlers.payouts.complete_batch(batch.id, {failed.id: ""})
    await handlers.payouts.complete_batch(batch.id, {failed.id: ""})  # a retry: nothing more

    assert sorted(
        (e.payout_id, e.paid, e.failure_reason) for e in store.events_of(PayoutCompleted)
    ) == sorted([(paid.id, True, ""), (failed.id, False, "transfer failed")])
    assert store.state.payouts[paid.id].state is PayoutState.PAID
    [balance] = await handlers.earnings.balances("teacher-1")
    assert (balance.available, balance.in_payout, balance.paid_out) == (7_000 - 4_000, 0, 4_000)
    assert store.state.payout_accounts["teacher-1"] == PayoutAccount(
        "teacher-1", "T", "12345678", "B1", "GB", NOW
    )


def test_a_subscription_opened_at_the_provider_raises_nothing_and_its_changes_do():
    subscription = Subscription("s1", "u1", "plan-1", "stripe", "req-1", NOW)
    opened = OpenedSubscription("sub_1", "cus_1", "secret", SubscriptionStatus.INCOMPLETE, None)

    assert subscription.opened(opened, NOW) is True
    assert subscription.opened(opened, NOW) is False
    assert subscription.pending_events == ()
    end = NOW + timedelta(days=30)
    assert subscription.apply(SubscriptionStatus.ACTIVE, end, False, NOW) is True
    assert subscription.apply(SubscriptionStatus.ACTIVE, end, False, NOW) is False
    assert subscription.pending_events == (
        SubscriptionChangedEvent("s1", "u1", "plan-1", SubscriptionStatus.ACTIVE, end, NOW),
    )


async def test_an_admin_refund_of_part_of_a_paid_order_raises_a_partial_order_refunded():
    handlers, store, _, stripe = setup()
    order = await handlers.orders.create_order(
        user_id="learner-1", course_id="c1", provider=Provider.STRIPE, request_id="req-00007"
    )
    await handlers.webhooks.handle(Provider.STRIPE, stripe.paid(order), {"signature": "good"})

    refund = await handlers.refunds.refund_order(
        ADMIN, order.id, amount=Money(3_000, "USD"), reason="part", request_id="refund-1"
    )

    assert refund.state.value == "succeeded"
    [refunded] = store.events_of(OrderRefunded)
    assert (refunded.full, refunded.amount, refunded.total_refunded) == (
        False,
        Money(3_000, "USD"),
        Money(3_000, "USD"),
    )
    assert store.state.orders[order.id].refunded_minor == 3_000
    assert (await handlers.earnings.totals()).totals == {"USD": 0}


def setup_without_providers():
    store = new_store()
    catalog = FakeCatalog()
    deps = Deps(uow=lambda: FakePaymentUnitOfWork(store), catalog=catalog, gateways={}, clock=lambda: NOW)
    return Handlers.build(deps), store, catalog


async def test_an_order_a_coupon_makes_free_is_paid_at_once_with_no_provider_configured():
    handlers, store, _ = setup_without_providers()
    await handlers.coupons.create(NewCoupon("ALLFREE", percent_off=100))

    order = await handlers.orders.create_order(
        user_id="learner-1",
        course_id="c1",
        provider=Provider.STRIPE,
        request_id="req-00010",
        coupon_code="allfree",
    )

    assert (order.provider, order.state) == (Provider.FREE, OrderState.PAID)
    assert [e.order_id for e in store.events_of(OrderPaid)] == [order.id]


async def test_course_and_price_are_checked_before_the_provider():
    handlers, store, catalog = setup_without_providers()
    catalog.price = None  # a free (or unpublished) course: not on sale
    with pytest.raises(CourseNotPurchasable):
        await handlers.orders.create_order(
            user_id="learner-1", course_id="c1", provider=Provider.STRIPE, request_id="req-00011"
        )
    catalog.price = Money(4_900, "USD")
    with pytest.raises(CouponNotFound):
        await handlers.orders.create_order(
            user_id="learner-1",
            course_id="c1",
            provider=Provider.STRIPE,
            request_id="req-00012",
            coupon_code="nope",
        )
    with pytest.raises(ProviderNotConfigured):  # only a paid order needs the provider
        await handlers.orders.create_order(
            user_id="learner-1", course_id="c1", provider=Provider.STRIPE, request_id="req-00013"
        )
    assert store.state.orders == {} and store.events == []


@pytest.mark.parametrize("stored", ["€", "US$", "XYZ", ""])
async def test_a_stored_price_in_an_unsupported_currency_is_a_clear_precondition_not_a_crash(stored):
    handlers, store, catalog, stripe = setup()
    catalog.price = Money(4_900, stored)
    for attempt in (
        handlers.orders.preview_price("c1", ""),
        handlers.orders.create_order(
            user_id="learner-1", course_id="c1", provider=Provider.STRIPE, request_id="req-00020"
        ),
    ):
        with pytest.raises(CoursePriceInvalid) as refused:
            await attempt
        assert refused.value.reason == "COURSE_PRICE_INVALID"
    assert store.state.orders == {} and stripe.opened == []


async def test_unverified_accounts_may_not_buy_where_the_deployment_requires_it_but_bad_courses_say_so_first():
    from dataclasses import replace

    from lms_kit.domain import EmailNotVerified

    handlers, store, catalog, stripe = setup()
    strict = Handlers.build(
        replace(handlers.deps, terms=replace(handlers.deps.terms, verified_email_required=True))
    )
    catalog.price = None  # not on sale: that is said before the email is asked for
    with pytest.raises(CourseNotPurchasable):
        await strict.orders.create_order(
            user_id="learner-1",
            course_id="c1",
            provider=Provider.STRIPE,
            request_id="req-00009",
            email_verified=False,
        )
    catalog.price = PRICE
    with pytest.raises(EmailNotVerified):
        await strict.orders.create_order(
            user_id="learner-1",
            course_id="c1",
            provider=Provider.STRIPE,
            request_id="req-00010",
            email_verified=False,
        )
    assert store.state.orders == {} and stripe.opened == []
    with pytest.raises(EmailNotVerified):
        await strict.subscriptions.subscribe(Actor.user("learner-1"), "plan-1", "req-00011")
    verified = await strict.orders.create_order(
        user_id="learner-1",
        course_id="c1",
        provider=Provider.STRIPE,
        request_id="req-00012",
        email_verified=True,
    )
    assert verified.provider_payment_id
