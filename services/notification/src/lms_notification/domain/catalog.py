"""The platform's notification types: category, channels, whether critical, declared variables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from lms_notification.domain.errors import UnknownNotificationType


class Category(StrEnum):
    ACCOUNT = "account"
    LEARNING = "learning"
    MARKETING = "marketing"
    SOCIAL = "social"
    PAYMENTS = "payments"


class Channel(StrEnum):
    EMAIL = "email"
    PUSH = "push"
    SMS = "sms"
    IN_APP = "in_app"


@dataclass(frozen=True, slots=True)
class NotificationType:
    name: str
    category: Category
    channels: tuple[Channel, ...]
    # Critical types (security, password reset, receipts) ignore opt-outs and quiet hours.
    critical: bool = False
    # Declared variable -> sample value (previews; templates may use only these).
    variables: Mapping[str, str] = field(default_factory=dict)
    # Its email may wait for the user's digest (when they chose one).
    digestible: bool = False

    @property
    def declared(self) -> frozenset[str]:
        return frozenset(self.variables)


_PERSON = {"display_name": "Ada Lovelace"}
_COURSE = {"course_title": "Gardening for Beginners", "course_id": "c-123"}

CATALOG: dict[str, NotificationType] = {
    t.name: t
    for t in (
        NotificationType(
            "email_verification",
            Category.ACCOUNT,
            (Channel.EMAIL,),
            critical=True,
            variables={
                **_PERSON,
                "verification_url": "https://lms.example/verify-email?token=sample",
                "expire_time": "2026-01-01 12:00 UTC",
            },
        ),
        NotificationType(
            "password_reset",
            Category.ACCOUNT,
            (Channel.EMAIL,),
            critical=True,
            variables={
                **_PERSON,
                "reset_url": "https://lms.example/reset-password?token=sample",
                "expire_time": "2026-01-01 12:00 UTC",
            },
        ),
        NotificationType(
            "account_exists",  # someone registered with this address: the owner is told
            Category.ACCOUNT,
            (Channel.EMAIL,),
            critical=True,
            variables={
                **_PERSON,
                "reset_url": "https://lms.example/reset-password?token=sample",
                "expire_time": "2026-01-01 12:00 UTC",
            },
        ),
        NotificationType("welcome", Category.ACCOUNT, (Channel.EMAIL, Channel.IN_APP), variables=_PERSON),
        # An administrator decided the user's application to teach: one type per outcome, so
        # each template reads straight through and its save-time trial render covers it all.
        NotificationType(
            "teacher_application_approved",
            Category.ACCOUNT,
            (Channel.EMAIL, Channel.IN_APP),
            variables={**_PERSON, "note": "Welcome aboard: we liked your sample lesson."},
        ),
        NotificationType(
            "teacher_application_declined",
            Category.ACCOUNT,
            (Channel.EMAIL, Channel.IN_APP),
            variables={**_PERSON, "note": "Please add a sample lesson and apply again."},
        ),
        NotificationType(
            "enrolment", Category.LEARNING, (Channel.EMAIL, Channel.IN_APP), variables={**_PERSON, **_COURSE}
        ),
        NotificationType(
            "course_completed",
            Category.LEARNING,
            (Channel.EMAIL, Channel.IN_APP),
            variables={**_PERSON, **_COURSE},
        ),
        NotificationType(
            "receipt",
            Category.PAYMENTS,
            (Channel.EMAIL,),
            critical=True,
            variables={**_PERSON, **_COURSE, "order_id": "o-42", "amount": "49.00 EUR"},
        ),
        NotificationType(
            "refund",
            Category.PAYMENTS,
            (Channel.EMAIL, Channel.IN_APP),
            critical=True,
            variables={**_PERSON, **_COURSE, "order_id": "o-42", "amount": "49.00 EUR", "reason": ""},
        ),
        NotificationType(
            "payout",
            Category.PAYMENTS,
            (Channel.EMAIL, Channel.IN_APP),
            variables={**_PERSON, "payout_id": "po-7", "amount": "120.00 EUR", "outcome": "paid"},
        ),
        NotificationType(
            "new_review",
            Category.SOCIAL,
            (Channel.EMAIL, Channel.IN_APP),
            variables={**_PERSON, **_COURSE, "rating": "5"},
            digestible=True,
        ),
        NotificationType(
            "new_follower",
            Category.SOCIAL,
            (Channel.IN_APP, Channel.EMAIL, Channel.PUSH),
            variables={**_PERSON, "follower_name": "Grace Hopper"},
            digestible=True,
        ),
        NotificationType(
            "announcement",
            Category.MARKETING,
            (Channel.EMAIL, Channel.IN_APP),
            variables={**_PERSON, "title": "News", "message": "Something new on the platform."},
        ),
        NotificationType(
            "social_digest",
            Category.SOCIAL,
            (Channel.EMAIL,),
            variables={**_PERSON, "count": "3", "items": "- Grace Hopper follows you now."},
        ),
        NotificationType(
            "study_reminder",
            Category.LEARNING,
            (Channel.PUSH, Channel.SMS, Channel.IN_APP),
            variables={**_PERSON, **_COURSE},
        ),
    )
}


def notification_type(name: str, *, field_path: str = "type") -> NotificationType:
    """The type called `name`; UNKNOWN_NOTIFICATION_TYPE at `field_path` otherwise."""
    found = CATALOG.get(name)
    if found is None:
        raise UnknownNotificationType(name, field_path)
    return found
