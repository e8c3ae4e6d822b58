"""The analytics service's settings (environment, prefix LMS_), read once at start-up."""

from __future__ import annotations

from pydantic import Field

from lms_kit.settings import KitSettings


class AnalyticsSettings(KitSettings):
    service_name: str = "analytics"
    grpc_port: int = 3005
    item_page_max: int = Field(100, ge=1, le=1000, description="Largest page ListItems returns.")
