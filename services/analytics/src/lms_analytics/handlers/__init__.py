"""The analytics use cases."""

from lms_analytics.handlers.ingestion import Ingestion
from lms_analytics.handlers.reports import Reports

__all__ = ["Ingestion", "Reports"]
