"""Coupons, proto <-> domain."""

from __future__ import annotations

from lms.payment.v1 import payment_pb2
from lms_kit.domain import FieldViolation, Invalid
from lms_kit.domain.money import Money
from lms_kit.proto import from_timestamp, last_id, money, set_times
from lms_payment.domain.coupons import CODE, Coupon
from lms_payment.handlers.results import NewCoupon
from lms_payment.mappers.common import currency_violation


def coupon_to_proto(coupon: Coupon) -> payment_pb2.Coupon:
    message = payment_pb2.Coupon(
        name=f"coupons/{coupon.code}",
        course=f"courses/{coupon.course_id}" if coupon.course_id else "",
        max_redemptions=coupon.max_redemptions,
        max_redemptions_per_user=coupon.max_redemptions_per_user,
        redemption_count=coupon.redemption_count,
        active=coupon.active,
    )
    if coupon.amount_off is not None:
        message.amount_off.CopyFrom(money(coupon.amount_off))
    else:
        message.percent_off = coupon.percent_off
    set_times(message, start_time=coupon.starts_at, end_time=coupon.ends_at, create_time=coupon.created_at)
    return message


def new_coupon(message: payment_pb2.Coupon) -> NewCoupon:
    """CreateCoupon's coupon, or INVALID_ARGUMENT naming each bad field at once."""
    violations: list[FieldViolation] = []
    code = last_id(message.name).upper() if message.name.startswith("coupons/") else ""
    if not code:
        violations.append(FieldViolation("coupon.name", "must be coupons/{code}", "REQUIRED"))
    elif not CODE.match(code):
        violations.append(
            FieldViolation("coupon.name", "a code is 3 to 32 of A-Z, 0-9, '-' and '_'", "PATTERN")
        )
    which = message.WhichOneof("discount")
    if which is None:
        violations.append(FieldViolation("coupon.percent_off", "set percent_off or amount_off", "REQUIRED"))
    elif which == "percent_off" and not 1 <= message.percent_off <= 100:
        violations.append(FieldViolation("coupon.percent_off", "must be 1..100", "RANGE"))
    amount_off = None
    if which == "amount_off":
        amount_off = Money(message.amount_off.amount_minor, message.amount_off.currency_code)
        bad_currency = currency_violation(amount_off.currency, "coupon.amount_off.currency_code")
        if bad_currency is not None:
            violations.append(bad_currency)
        elif amount_off.amount_minor <= 0:
            violations.append(FieldViolation("coupon.amount_off.amount_minor", "must be positive", "MIN"))
    starts, ends = from_timestamp(message, "start_time"), from_timestamp(message, "end_time")
    if starts and ends and ends <= starts:
        violations.append(FieldViolation("coupon.end_time", "must be after start_time", "ORDER"))
    if violations:
        raise Invalid(violations)
    return NewCoupon(
        code=code,
        percent_off=message.percent_off if which == "percent_off" else 0,
        amount_off=amount_off,
        course_id=last_id(message.course),
        starts_at=starts,
        ends_at=ends,
        max_redemptions=message.max_redemptions,
        max_redemptions_per_user=message.max_redemptions_per_user,
    )
