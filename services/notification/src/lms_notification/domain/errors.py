"""The notification service's errors: kit categories with this service's reasons
(lms.notification.v1.ErrorReason)."""

from __future__ import annotations

from lms_kit.domain import Denied, FieldViolation, Invalid, NotFound, Precondition, PreconditionViolation


class UnknownNotificationType(Invalid):
    def __init__(self, name: str, field_path: str) -> None:
        super().__init__(
            [
                FieldViolation(
                    field_path, f"no notification type is called {name!r}", "UNKNOWN_NOTIFICATION_TYPE"
                )
            ],
            reason="UNKNOWN_NOTIFICATION_TYPE",
        )


class UnknownLocale(Invalid):
    def __init__(self, locale: str, field_path: str) -> None:
        super().__init__(
            [FieldViolation(field_path, f"no templates for locale {locale!r}", "UNKNOWN_LOCALE")],
            reason="UNKNOWN_LOCALE",
        )


class TemplateNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__("TEMPLATE_NOT_FOUND", f"{name} not found", metadata={"name": name})


class NotificationNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__(
            "NOTIFICATION_NOT_FOUND",
            f"no notification has the key {key!r}",
            metadata={"idempotency_key": key},
        )


class DeliveryNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__("DELIVERY_NOT_FOUND", f"{name} not found", metadata={"name": name})


class InboxItemNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__("INBOX_ITEM_NOT_FOUND", f"{name} not found", metadata={"name": name})


class DeliveryNotDead(Precondition):
    def __init__(self, name: str, status: str) -> None:
        super().__init__(
            "DELIVERY_NOT_DEAD",
            f"{name} is {status}, not dead",
            violations=[
                PreconditionViolation(
                    "STATE", name, f"only dead deliveries are re-driven; this one is {status}"
                )
            ],
        )


class UnsubscribeTokenInvalid(Invalid):
    def __init__(self) -> None:
        super().__init__(
            [FieldViolation("token", "the link is not valid", "UNSUBSCRIBE_TOKEN_INVALID")],
            reason="UNSUBSCRIBE_TOKEN_INVALID",
        )


class SendFailed(Exception):
    """A provider refused or failed a send. `permanent`: retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool, prune: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.permanent = permanent
        # Addresses (device tokens) the provider says are gone: forget them.
        self.prune = prune


class TwilioSignatureInvalid(Denied):
    def __init__(self) -> None:
        super().__init__("TWILIO_SIGNATURE_INVALID", "the X-Twilio-Signature does not match the callback")


class AnnouncementAudienceDenied(Denied):
    def __init__(self, audience: str) -> None:
        super().__init__("ANNOUNCEMENT_AUDIENCE_DENIED", f"you may not announce to {audience}")


class AnnouncementNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__("ANNOUNCEMENT_NOT_FOUND", f"{name} not found", metadata={"name": name})
