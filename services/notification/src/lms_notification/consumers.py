"""The events that trigger notifications: one short function per event (proto -> trigger),
like the servicer for RPCs. Each runs in the consumer's unit of work, with its inbox row."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any, cast

from google.protobuf.message import Message

from lms.course.v1 import events_pb2 as course_events
from lms.payment.v1 import events_pb2 as payment_events
from lms.user.v1 import events_pb2 as user_events
from lms_kit.domain import utc_now
from lms_kit.events import EventContext
from lms_notification import mappers
from lms_notification.handlers.ports import NotificationUnitOfWork
from lms_notification.handlers.triggers import Triggers, stale_event

log = logging.getLogger(__name__)

Handler = Callable[[Any, EventContext], Awaitable[None]]


def _uow(ctx: EventContext) -> NotificationUnitOfWork:
    return cast(NotificationUnitOfWork, ctx.uow)


def fresh_only(handlers: Mapping[type[Message], Handler], max_age: timedelta) -> dict[type[Message], Handler]:
    """Events older than `max_age` notify nobody (they still teach addresses, titles and
    learners): a consumer created for the first time reads its stream from the start, and
    days-old links or welcomes must not be mailed then."""

    def guard(handler: Handler) -> Handler:
        async def handle(event: Any, ctx: EventContext) -> None:
            stale = ctx.occurred_at is not None and utc_now() - ctx.occurred_at > max_age
            if stale:
                log.info("trigger_stale_event event_id=%s type=%s", ctx.event_id, ctx.event_type)
            token = stale_event.set(stale)
            try:
                await handler(event, ctx)
            finally:
                stale_event.reset(token)

        return handle

    return {kind: guard(handler) for kind, handler in handlers.items()}


def user_handlers(triggers: Triggers) -> Mapping[type[Message], Handler]:
    async def registered(event: user_events.UserRegistered, ctx: EventContext) -> None:
        await triggers.user_registered(_uow(ctx), event.user_id, event.email, event.display_name)

    async def verification(event: user_events.EmailVerificationRequested, ctx: EventContext) -> None:
        await triggers.verification_requested(
            _uow(ctx),
            event.user_id,
            event.email,
            event.display_name,
            event.verification_url,
            event.token,
            mappers.expire_text(event),
        )

    async def reset(event: user_events.PasswordResetRequested, ctx: EventContext) -> None:
        await triggers.password_reset_requested(
            _uow(ctx),
            event.user_id,
            event.email,
            event.display_name,
            event.reset_url,
            event.token,
            mappers.expire_text(event),
        )

    async def taken_email(
        event: user_events.RegistrationAttemptedForExistingAccount, ctx: EventContext
    ) -> None:
        await triggers.registration_attempted(
            _uow(ctx),
            event.user_id,
            event.email,
            event.display_name,
            event.reset_url,
            event.token,
            mappers.expire_text(event),
        )

    async def teacher_decided(event: user_events.TeacherApplicationDecided, ctx: EventContext) -> None:
        await triggers.teacher_application_decided(
            _uow(ctx), event.application, event.user_id, event.approved, event.note
        )

    async def followed(event: user_events.UserFollowed, ctx: EventContext) -> None:
        await triggers.user_followed(_uow(ctx), event.follower_user_id, event.followee_user_id)

    return {
        user_events.UserRegistered: registered,
        user_events.EmailVerificationRequested: verification,
        user_events.PasswordResetRequested: reset,
        user_events.RegistrationAttemptedForExistingAccount: taken_email,
        user_events.TeacherApplicationDecided: teacher_decided,
        user_events.UserFollowed: followed,
    }


def course_handlers(triggers: Triggers) -> Mapping[type[Message], Handler]:
    async def published(event: course_events.CoursePublished, ctx: EventContext) -> None:
        await triggers.course_published(_uow(ctx), event.course_id, event.owner_id, event.title)

    async def enrolled(event: course_events.EnrollmentCreated, ctx: EventContext) -> None:
        await triggers.enrolled(_uow(ctx), event.course_id, event.user_id)

    async def lecture(event: course_events.LectureCompleted, ctx: EventContext) -> None:
        at = mappers.moment(event, "complete_time") or ctx.occurred_at or utc_now()
        await triggers.lecture_completed(_uow(ctx), event.course_id, event.user_id, at)

    async def ended(event: course_events.EnrollmentEnded, ctx: EventContext) -> None:
        await triggers.enrolment_ended(_uow(ctx), event.course_id, event.user_id)

    async def completed(event: course_events.CourseCompleted, ctx: EventContext) -> None:
        await triggers.course_completed(_uow(ctx), event.course_id, event.user_id)

    async def reviewed(event: course_events.ReviewPosted, ctx: EventContext) -> None:
        await triggers.review_posted(_uow(ctx), event.course_id, event.user_id, event.rating, event.edited)

    return {
        course_events.CoursePublished: published,
        course_events.EnrollmentCreated: enrolled,
        course_events.EnrollmentEnded: ended,
        course_events.LectureCompleted: lecture,
        course_events.CourseCompleted: completed,
        course_events.ReviewPosted: reviewed,
    }


def payment_handlers(triggers: Triggers) -> Mapping[type[Message], Handler]:
    async def paid(event: payment_events.OrderPaid, ctx: EventContext) -> None:
        await triggers.order_paid(
            _uow(ctx), event.order_id, event.user_id, event.course_id, mappers.money_text(event.amount)
        )

    async def refunded(event: payment_events.OrderRefunded, ctx: EventContext) -> None:
        await triggers.order_refunded(
            _uow(ctx),
            event.order_id,
            event.refund_id,
            event.user_id,
            event.course_id,
            mappers.money_text(event.amount),
            event.reason,
        )

    async def payout(event: payment_events.PayoutCompleted, ctx: EventContext) -> None:
        await triggers.payout_completed(
            _uow(ctx), event.payout_id, event.user_id, mappers.money_text(event.amount), event.paid
        )

    return {
        payment_events.OrderPaid: paid,
        payment_events.OrderRefunded: refunded,
        payment_events.PayoutCompleted: payout,
    }
