"""The analytics service's settings (environment, prefix LMS_), read once at start-up."""

from __future__ import annotations

from pydantic import Field

from lms_kit.settings import KitSettings

PLATFORM_DOMAINS = ("user", "course", "payment", "assessment", "certificate", "notification", "file")


class AnalyticsSettings(KitSettings):
    service_name: str = "analytics"
    grpc_port: int = 3005
    analytics_store_path: str = Field(
        "var/analytics/chdb", description="chDB data directory (the embedded store; one process owns it)."
    )
    analytics_clickhouse_url: str = Field(
        "", description="A ClickHouse server (clickhouse-connect DSN); empty = the embedded chDB store."
    )
    analytics_event_domains: list[str] = Field(
        default_factory=lambda: list(PLATFORM_DOMAINS),
        description="Domains whose event streams (LMS_<DOMAIN>, lms.<domain>.v1.>) are ingested.",
    )
    analytics_ingest_max_deliver: int = Field(8, ge=1, description="Deliveries before a dead letter.")
    analytics_ingest_ack_wait_s: float = Field(
        30.0, gt=0, description="Redelivery after an unacked delivery."
    )
    analytics_ingest_durable_prefix: str = Field(
        "analytics", description="Durable consumer names are `<prefix>-<domain>`."
    )
    course_service_target: str = Field("127.0.0.1:3002", description="The course service's gRPC address.")
