"""Use cases of the analytics service: plain values and an Actor in, domain objects out."""

from lms_analytics.handlers.items import ItemHandlers

__all__ = ["ItemHandlers"]
