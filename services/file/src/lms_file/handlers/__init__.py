"""Use cases of the file service: plain values and an Actor in, domain objects out."""

from lms_file.handlers.items import ItemHandlers

__all__ = ["ItemHandlers"]
