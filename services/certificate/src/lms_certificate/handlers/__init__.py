"""Use cases of the certificate service: plain values and an Actor in, domain objects out."""

from lms_certificate.handlers.issuance import Issuance, Issuing
from lms_certificate.handlers.queries import PdfCheck, Queries, SignedCredential
from lms_certificate.handlers.templates import TemplateHandlers

__all__ = ["Issuance", "Issuing", "PdfCheck", "Queries", "SignedCredential", "TemplateHandlers"]
