"""The ledger's arithmetic and the coupon rules, as pure functions."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms_kit.domain.money import Money
from lms_payment.domain import ledger
from lms_payment.domain.coupons import Coupon
from lms_payment.domain.errors import CouponRefused
from lms_payment.domain.model import Order, Provider, Referral

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def sold(amount: int, fee_bps: int, commission_bps: int) -> Order:
    order = Order.place(
        order_id="o1",
        user_id="learner",
        course_id="c1",
        price=Money(amount, "USD"),
        provider=Provider.STRIPE,
        request_id="req-00001",
        now=NOW,
        teacher_id="teacher",
        platform_fee_bps=fee_bps,
        referral=Referral("CODE", "affiliate", commission_bps) if commission_bps else None,
    )
    order.mark_paid(order.amount, NOW)
    return order


def balances(transactions) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for transaction in transactions:
        for entry in transaction.entries:
            out[entry.account] += entry.amount.amount_minor
    return {k: v for k, v in out.items() if v}


def test_an_unbalanced_transaction_cannot_be_made():
    with pytest.raises(ValueError):
        ledger.Transaction("t", "k", "r", NOW, [ledger.Entry("a", Money(1, "USD"), ledger.EntryKind.SALE)])


@given(
    amount=st.integers(min_value=1, max_value=10_000_000),
    fee_bps=st.integers(min_value=0, max_value=10_000),
    commission_bps=st.integers(min_value=0, max_value=10_000),
    cuts=st.lists(st.floats(min_value=0.0, max_value=1.0), max_size=6),
)
def test_refunding_a_sale_in_any_parts_reverses_every_leg_exactly(amount, fee_bps, commission_bps, cuts):
    order = sold(amount, fee_bps, commission_bps)
    sale = ledger.sale(order, NOW)
    split = ledger.split_sale(amount, fee_bps, commission_bps)
    assert split.teacher + split.platform + split.commission == amount
    assert split.commission <= amount * fee_bps // 10_000  # the commission comes out of the fee

    # Refund in parts at the given cut points, then the rest.
    points = sorted({int(amount * c) for c in cuts} | {amount})
    done, books = 0, [sale]
    for point in points:
        part = point - done
        if part <= 0:
            continue
        books.append(
            ledger.refund_reversal(
                order,
                sale.entries,
                refunded_before=done,
                refund=Money(part, "USD"),
                refund_id=f"r{point}",
                now=NOW,
            )
        )
        done = point
    assert done == amount
    assert balances(books) == {}  # every account back to zero


def test_percent_coupons_round_half_up_and_fixed_ones_never_go_below_zero():
    percent = Coupon("PCT15", NOW, percent_off=15)
    assert percent.discount_for(Money(999, "USD"), "c1", NOW) == Money(150, "USD")
    fixed = Coupon("FIXED", NOW, amount_off=Money(5_000, "USD"))
    assert fixed.discount_for(Money(1_999, "USD"), "c1", NOW) == Money(1_999, "USD")


@pytest.mark.parametrize(
    ("coupon", "reason"),
    [
        (Coupon("LATER", NOW, percent_off=10, starts_at=NOW + timedelta(hours=1)), "COUPON_EXPIRED"),
        (Coupon("ENDED", NOW, percent_off=10, ends_at=NOW), "COUPON_EXPIRED"),
        (Coupon("OFF", NOW, percent_off=10, active=False), "COUPON_EXPIRED"),
        (Coupon("OTHER", NOW, percent_off=10, course_id="c2"), "COUPON_NOT_APPLICABLE"),
        (Coupon("EUROS", NOW, amount_off=Money(100, "EUR")), "COUPON_NOT_APPLICABLE"),
        (Coupon("USED", NOW, percent_off=10, max_redemptions=2, redemption_count=2), "COUPON_EXHAUSTED"),
    ],
)
def test_a_coupon_that_does_not_apply_says_why(coupon, reason):
    with pytest.raises(CouponRefused) as refused:
        coupon.discount_for(Money(1_000, "USD"), "c1", NOW)
    assert refused.value.reason == reason


def test_a_coupon_is_either_a_percentage_or_an_amount():
    for bad in (
        {"percent_off": 0},
        {"percent_off": 101},
        {"percent_off": 10, "amount_off": Money(1, "USD")},
        {"amount_off": Money(0, "USD")},
    ):
        with pytest.raises(ValueError):
            Coupon("BAD", NOW, **bad)
