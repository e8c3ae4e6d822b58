"""Use cases of the notification service: plain values and an Actor in, domain objects out."""

from lms_notification.handlers.items import ItemHandlers

__all__ = ["ItemHandlers"]
