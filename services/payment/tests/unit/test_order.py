"""The order aggregate: money, allowed transitions, idempotent repeats."""

from datetime import UTC, datetime

import pytest

from lms_payment.domain.errors import IllegalTransition
from lms_payment.domain.model import Money, Order, OrderFulfilled, OrderPaid, OrderState, Provider

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
    with pytest.raises(TypeError):
        Money(19.99, "USD")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Money(1999, "usd")
    assert Money(1999, "USD") == PRICE


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
    assert [type(e) for e in order.events] == [OrderPaid, OrderFulfilled]


def test_payment_for_another_amount_or_currency_is_refused():
    order = pending()
    for wrong in (Money(1, "USD"), Money(1999, "EUR")):
        with pytest.raises(ValueError):
            order.mark_paid(wrong, NOW)
    assert order.state is OrderState.PENDING and not order.events


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
    with pytest.raises(IllegalTransition):
        pending().refund(NOW)


def test_paid_and_fulfilled_orders_can_be_refunded_once_and_then_nothing_else():
    order = pending()
    order.mark_paid(PRICE, NOW)
    assert order.refund(NOW) is True
    assert order.refund(NOW) is False
    with pytest.raises(IllegalTransition):
        order.fulfil(NOW)


async def test_without_a_configured_provider_every_webhook_is_refused_before_any_write():
    from lms_payment.domain.errors import WebhookRejected
    from lms_payment.handlers import PaymentHandlers

    def no_database():
        raise AssertionError("a refused webhook must not open a unit of work")

    handlers = PaymentHandlers(no_database, catalog=None, gateways={})  # type: ignore[arg-type]
    with pytest.raises(WebhookRejected):
        await handlers.handle_webhook(Provider.STRIPE, b"{}", {"stripe-signature": "t=1,v1=00"})


async def test_without_a_configured_provider_no_order_is_placed():
    from lms_payment.domain.errors import Precondition
    from lms_payment.handlers import PaymentHandlers

    def no_database():
        raise AssertionError("a refused order must not open a unit of work")

    handlers = PaymentHandlers(no_database, catalog=None, gateways={})  # type: ignore[arg-type]
    with pytest.raises(Precondition) as refused:
        await handlers.create_order(
            user_id="u1", course_id="c1", provider=Provider.STRIPE, request_id="req-0001"
        )
    assert refused.value.reason == "PROVIDER_NOT_CONFIGURED"
