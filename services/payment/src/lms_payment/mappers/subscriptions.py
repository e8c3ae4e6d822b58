"""Plans, subscriptions and the course service's access check, proto <-> domain."""

from __future__ import annotations

from lms.payment.v1 import payment_pb2
from lms_kit.domain import FieldViolation, Invalid
from lms_kit.proto import last_id, money, set_times, timestamp
from lms_payment.domain.providers import SubscriptionStatus
from lms_payment.domain.subscriptions import Plan, Subscription
from lms_payment.handlers.results import AccessGrant, NewPlan
from lms_payment.mappers.common import (
    INTERVAL_FROM_PROTO,
    INTERVAL_TO_PROTO,
    SUBSCRIPTION_STATE_TO_PROTO,
    money_from_request,
)


def plan_to_proto(plan: Plan) -> payment_pb2.Plan:
    message = payment_pb2.Plan(
        name=f"plans/{plan.id}",
        display_name=plan.display_name,
        interval=INTERVAL_TO_PROTO[plan.interval],
        price=money(plan.price),
        courses=[f"courses/{c}" for c in plan.course_ids],
        all_courses=plan.all_courses,
        stripe_price_id=plan.stripe_price_id,
        active=plan.active,
    )
    set_times(message, create_time=plan.created_at)
    return message


def new_plan(plan_id: str, message: payment_pb2.Plan) -> NewPlan:
    """CreatePlan's plan, or INVALID_ARGUMENT naming each bad field."""
    price = money_from_request(message.price, "plan.price")
    violations = []
    if price.amount_minor <= 0:
        violations.append(FieldViolation("plan.price.amount_minor", "must be positive", "MIN"))
    if not message.all_courses and not message.courses:
        violations.append(FieldViolation("plan.courses", "name some courses or set all_courses", "REQUIRED"))
    if violations:
        raise Invalid(violations)
    return NewPlan(
        plan_id=plan_id,
        display_name=message.display_name,
        interval=INTERVAL_FROM_PROTO[message.interval],
        price=price,
        stripe_price_id=message.stripe_price_id,
        course_ids=tuple(dict.fromkeys(last_id(c) for c in message.courses)),
        all_courses=message.all_courses,
    )


def subscription_to_proto(subscription: Subscription) -> payment_pb2.Subscription:
    incomplete = subscription.state is SubscriptionStatus.INCOMPLETE
    message = payment_pb2.Subscription(
        name=f"subscriptions/{subscription.id}",
        user=f"users/{subscription.user_id}",
        plan=f"plans/{subscription.plan_id}",
        state=SUBSCRIPTION_STATE_TO_PROTO[subscription.state],
        provider_subscription_id=subscription.provider_subscription_id,
        client_secret=subscription.client_secret if incomplete else "",
        cancel_at_period_end=subscription.cancel_at_period_end,
    )
    set_times(
        message, current_period_end=subscription.current_period_end, create_time=subscription.created_at
    )
    return message


def access_to_proto(grant: AccessGrant | None) -> payment_pb2.CheckCourseAccessResponse:
    if grant is None:
        return payment_pb2.CheckCourseAccessResponse(granted=False)
    return payment_pb2.CheckCourseAccessResponse(
        granted=True,
        subscription=f"subscriptions/{grant.subscription.id}",
        access_until=timestamp(grant.until),
    )
