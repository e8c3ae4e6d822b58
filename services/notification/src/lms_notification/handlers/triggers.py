"""Notifications triggered by other services' events. Each runs in the consumer's unit of work
(with its inbox row) and carries an idempotency key from the event's business identity, so a
redelivered or re-published event notifies once."""

from __future__ import annotations

import hashlib
from contextvars import ContextVar
from datetime import datetime

from lms_notification.domain.model import Notification, Recipient
from lms_notification.handlers.ports import CourseInfo, NotificationUnitOfWork
from lms_notification.handlers.sending import SendCommand, Sending

# Set while an event too old to notify anyone is handled: what it teaches (addresses, course
# titles, learners) is still learnt, but nobody is told about it now.
stale_event: ContextVar[bool] = ContextVar("stale_event", default=False)


def _digest(secret_link_token: str) -> str:
    # Keys are visible to administrators: never the link's token itself.
    return hashlib.sha256(secret_link_token.encode()).hexdigest()[:32]


class Triggers:
    def __init__(self, sending: Sending) -> None:
        self._sending = sending

    async def _send(self, uow: NotificationUnitOfWork, command: SendCommand) -> None:
        if stale_event.get():
            return
        notification, created = await self._sending.enqueue(uow, command)
        if created:
            self._after_commit(uow, notification)

    def _after_commit(self, uow: NotificationUnitOfWork, notification: Notification) -> None:
        # The consumer commits after the handler returns; wake the workers then.
        uow.after_commit(lambda: self._sending.after_commit(notification))

    async def learn_user(
        self, uow: NotificationUnitOfWork, user_id: str, email: str, display_name: str
    ) -> None:
        recipient = await uow.recipients.get(user_id) or Recipient(user_id)
        recipient.email = email or recipient.email
        recipient.display_name = display_name or recipient.display_name
        await uow.recipients.save(recipient)

    async def user_registered(
        self, uow: NotificationUnitOfWork, user_id: str, email: str, display_name: str
    ) -> None:
        await self.learn_user(uow, user_id, email, display_name)
        await self._send(uow, SendCommand("welcome", user_id, f"welcome:{user_id}"))

    async def verification_requested(
        self,
        uow: NotificationUnitOfWork,
        user_id: str,
        email: str,
        display_name: str,
        url: str,
        token: str,
        expire_time: str,
    ) -> None:
        await self.learn_user(uow, user_id, "", display_name)
        await self._send(
            uow,
            SendCommand(
                "email_verification",
                user_id,
                f"email_verification:{user_id}:{_digest(token or url)}",
                {"verification_url": url, "expire_time": expire_time, "display_name": display_name},
                email=email,
            ),
        )

    async def password_reset_requested(
        self,
        uow: NotificationUnitOfWork,
        user_id: str,
        email: str,
        display_name: str,
        url: str,
        token: str,
        expire_time: str,
    ) -> None:
        await self.learn_user(uow, user_id, "", display_name)
        await self._send(
            uow,
            SendCommand(
                "password_reset",
                user_id,
                f"password_reset:{user_id}:{_digest(token or url)}",
                {"reset_url": url, "expire_time": expire_time, "display_name": display_name},
                email=email,
            ),
        )

    async def registration_attempted(
        self,
        uow: NotificationUnitOfWork,
        user_id: str,
        email: str,
        display_name: str,
        url: str,
        token: str,
        expire_time: str,
    ) -> None:
        """Someone registered with this account's email: tell the owner, with a reset link."""
        await self._send(
            uow,
            SendCommand(
                "account_exists",
                user_id,
                f"account_exists:{user_id}:{_digest(token or url)}",
                {"reset_url": url, "expire_time": expire_time, "display_name": display_name},
                email=email,
            ),
        )

    async def teacher_application_decided(
        self, uow: NotificationUnitOfWork, application: str, user_id: str, approved: bool, note: str
    ) -> None:
        """Tell the applicant how an administrator decided their application to teach, with
        the administrator's note. An application is decided once: its name is the key."""
        await self._send(
            uow,
            SendCommand(
                "teacher_application_approved" if approved else "teacher_application_declined",
                user_id,
                f"teacher_application_decided:{application}",
                {"note": note.strip()},
            ),
        )

    async def user_followed(self, uow: NotificationUnitOfWork, follower_id: str, followee_id: str) -> None:
        follower = await uow.recipients.get(follower_id)
        await self._send(
            uow,
            SendCommand(
                "new_follower",
                followee_id,
                f"new_follower:{follower_id}:{followee_id}",
                {"follower_name": follower.display_name if follower and follower.display_name else "Someone"},
            ),
        )

    async def course_published(
        self, uow: NotificationUnitOfWork, course_id: str, owner_id: str, title: str
    ) -> None:
        await uow.courses.save(CourseInfo(course_id, owner_id, title))

    async def _course(self, uow: NotificationUnitOfWork, course_id: str) -> dict[str, str]:
        course = await uow.courses.get(course_id)
        return {"course_id": course_id, "course_title": course.title if course else "your course"}

    async def enrolled(self, uow: NotificationUnitOfWork, course_id: str, user_id: str) -> None:
        await uow.audiences.add_learner(course_id, user_id)
        variables = await self._course(uow, course_id)
        await self._send(
            uow, SendCommand("enrolment", user_id, f"enrolment:{course_id}:{user_id}", variables)
        )

    async def lecture_completed(
        self, uow: NotificationUnitOfWork, course_id: str, user_id: str, at: datetime
    ) -> None:
        await uow.audiences.active(course_id, user_id, at)

    async def enrolment_ended(self, uow: NotificationUnitOfWork, course_id: str, user_id: str) -> None:
        await uow.audiences.remove_learner(course_id, user_id)

    async def course_completed(self, uow: NotificationUnitOfWork, course_id: str, user_id: str) -> None:
        variables = await self._course(uow, course_id)
        await self._send(
            uow,
            SendCommand("course_completed", user_id, f"course_completed:{course_id}:{user_id}", variables),
        )

    async def review_posted(
        self, uow: NotificationUnitOfWork, course_id: str, reviewer_id: str, rating: int, edited: bool
    ) -> None:
        course = await uow.courses.get(course_id)
        if edited or course is None or course.owner_id == reviewer_id:
            return  # only first reviews, to a teacher we know
        await self._send(
            uow,
            SendCommand(
                "new_review",
                course.owner_id,
                f"new_review:{course_id}:{reviewer_id}",
                {"course_id": course_id, "course_title": course.title, "rating": str(rating)},
            ),
        )

    async def order_paid(
        self, uow: NotificationUnitOfWork, order_id: str, user_id: str, course_id: str, amount: str
    ) -> None:
        variables = {**await self._course(uow, course_id), "order_id": order_id, "amount": amount}
        await self._send(uow, SendCommand("receipt", user_id, f"receipt:{order_id}", variables))

    async def order_refunded(
        self,
        uow: NotificationUnitOfWork,
        order_id: str,
        refund_id: str,
        user_id: str,
        course_id: str,
        amount: str,
        reason: str,
    ) -> None:
        variables = {
            **await self._course(uow, course_id),
            "order_id": order_id,
            "amount": amount,
            "reason": reason,
        }
        await self._send(uow, SendCommand("refund", user_id, f"refund:{refund_id or order_id}", variables))

    async def payout_completed(
        self, uow: NotificationUnitOfWork, payout_id: str, user_id: str, amount: str, paid: bool
    ) -> None:
        variables = {"payout_id": payout_id, "amount": amount, "outcome": "paid" if paid else "failed"}
        await self._send(uow, SendCommand("payout", user_id, f"payout:{payout_id}", variables))
