"""The order aggregate: money, allowed transitions, idempotent repeats."""

from datetime import UTC, datetime

import pytest

from lms.type.v1 import money_pb2
from lms_kit.domain import Invalid
from lms_kit.domain.money import Money
from lms_payment.domain.errors import IllegalTransition, OrderNotPaid, RefundTooLarge
from lms_payment.domain.model import (
    Order,
    OrderFulfilled,
    OrderPaid,
    OrderRefunded,
    OrderState,
    Provider,
    Referral,
)
from lms_payment.mappers import money_from_request

NOW = datetime(2026, 11, 25, tzinfo=UTC)
PRICE = Money(1999, "USD")


def pending() -> Order:
    return Order.place(
        order_id="o1",
        user_id="u1",
        course_id="c1",
        price=PRICE,
        provider=Provider.STRIPE,
        request_id="req-0001",
        now=NOW,
    )


def test_money_is_integer_minor_units_with_an_iso_currency():
    # Money enters the service in requests: the wire type takes no float, and the mapper
    # refuses anything but an upper-case ISO 4217 code, naming the field.
    with pytest.raises(TypeError):
        money_pb2.Money(currency_code="USD", amount_minor=19.99)  # type: ignore[arg-type]
    with pytest.raises(Invalid) as refused:
        money_from_request(money_pb2.Money(currency_code="usd", amount_minor=1999), "amount")
    assert [v.field for v in refused.value.violations] == ["amount.currency_code"]
    assert money_from_request(money_pb2.Money(currency_code="USD", amount_minor=1999), "amount") == PRICE


def test_an_order_needs_a_positive_price():
    with pytest.raises(ValueError):
        Order.place(
            order_id="o",
            user_id="u",
            course_id="c",
            price=Money(0, "USD"),
            provider=Provider.STRIPE,
            request_id="r",
            now=NOW,
        )


def test_pending_paid_fulfilled_raises_each_event_once():
    order = pending()
    assert order.mark_paid(PRICE, NOW) is True
    assert order.mark_paid(PRICE, NOW) is False  # a replayed confirmation
    assert order.fulfil(NOW) is True
    assert order.fulfil(NOW) is False
    assert order.mark_paid(PRICE, NOW) is False  # a late confirmation after fulfilment
    assert order.state is OrderState.FULFILLED
    assert [type(e) for e in order.pending_events] == [OrderPaid, OrderFulfilled]


def test_payment_for_another_amount_or_currency_is_refused():
    order = pending()
    for wrong in (Money(1, "USD"), Money(1999, "EUR")):
        with pytest.raises(ValueError):
            order.mark_paid(wrong, NOW)
    assert order.state is OrderState.PENDING and not order.pending_events


def test_a_late_failure_does_not_undo_a_payment():
    order = pending()
    order.mark_paid(PRICE, NOW)
    assert order.fail("card_declined", NOW) is False
    assert order.state is OrderState.PAID


def test_a_failed_order_cannot_be_fulfilled_but_a_later_success_still_pays_it():
    order = pending()
    assert order.fail("card_declined", NOW) is True
    with pytest.raises(IllegalTransition):
        order.fulfil(NOW)
    assert order.mark_paid(PRICE, NOW) is True  # the learner retried with another card
    assert order.state is OrderState.PAID


def test_a_pending_order_cannot_be_fulfilled_or_refunded():
    with pytest.raises(IllegalTransition):
        pending().fulfil(NOW)
    with pytest.raises(OrderNotPaid) as refused:
        pending().reserve_refund(PRICE)
    assert refused.value.reason == "ORDER_NOT_PAID"


def test_partial_refunds_never_return_more_than_was_paid_and_the_last_one_refunds_the_order():
    order = pending()
    order.mark_paid(PRICE, NOW)
    order.reserve_refund(Money(999, "USD"))
    with pytest.raises(RefundTooLarge) as too_large:
        order.reserve_refund(Money(1001, "USD"))  # 999 pending + 1001 > 1999
    assert too_large.value.refundable_minor == 1000
    assert order.refund_succeeded("r1", Money(999, "USD"), NOW, reason="part", automatic=False) is False
    assert order.state is OrderState.PAID and order.refunded == Money(999, "USD")
    order.reserve_refund(Money(1000, "USD"))
    assert order.refund_succeeded("r2", Money(1000, "USD"), NOW, reason="rest", automatic=False) is True
    assert order.state is OrderState.REFUNDED and order.refundable == Money(0, "USD")
    assert [e.full for e in order.pending_events if isinstance(e, OrderRefunded)] == [False, True]
    with pytest.raises(IllegalTransition):
        order.fulfil(NOW)


def test_a_failed_refund_makes_its_amount_refundable_again():
    order = pending()
    order.mark_paid(PRICE, NOW)
    order.reserve_refund(PRICE)
    assert order.refundable.is_zero
    order.refund_failed("r1", PRICE, "insufficient balance", NOW)
    assert order.refundable == PRICE and order.state is OrderState.PAID


def test_a_coupon_that_covers_the_price_makes_a_free_order_paid_at_once():
    order = Order.place(
        order_id="o2",
        user_id="u1",
        course_id="c1",
        price=PRICE,
        discount=PRICE,
        provider=Provider.STRIPE,
        request_id="req-0002",
        now=NOW,
    )
    assert order.provider is Provider.FREE and order.amount.is_zero
    assert order.mark_paid(order.amount, NOW) is True  # nothing to collect
    assert order.state is OrderState.PAID


def test_a_payment_that_lands_after_expiry_still_pays_the_order():
    order = pending()
    assert order.expire(NOW) is True
    assert order.mark_paid(PRICE, NOW) is True
    assert order.state is OrderState.PAID


def test_a_learner_cannot_refer_themselves():
    with pytest.raises(ValueError):
        Order.place(
            order_id="o3",
            user_id="u1",
            course_id="c1",
            price=PRICE,
            provider=Provider.STRIPE,
            request_id="req-0003",
            now=NOW,
            referral=Referral("CODE1", "u1", 1000),
        )


def deps_without_database(**gateways):
    from lms_payment.handlers import Deps

    def no_database():
        raise AssertionError("a refused request must not open a unit of work")

    return Deps(uow=no_database, catalog=None, gateways=gateways)  # type: ignore[arg-type]


async def test_without_a_configured_provider_every_webhook_is_refused_before_any_write():
    from lms_payment.domain.errors import WebhookRejected
    from lms_payment.handlers.webhooks import WebhookHandlers

    with pytest.raises(WebhookRejected):
        await WebhookHandlers(deps_without_database()).handle(
            Provider.STRIPE, b"{}", {"stripe-signature": "t=1,v1=00"}
        )
