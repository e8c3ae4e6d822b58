"""Use cases of the certificate service: plain values and an Actor in, domain objects out."""

from lms_certificate.handlers.items import ItemHandlers

__all__ = ["ItemHandlers"]
