"""Use cases of the assessment service: plain values and an Actor in, domain objects out."""

from lms_assessment.handlers.items import ItemHandlers

__all__ = ["ItemHandlers"]
