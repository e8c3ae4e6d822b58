"""The assessment service's settings (environment, prefix LMS_), read once at start-up."""

from __future__ import annotations

from pydantic import Field

from lms_kit.settings import KitSettings


class AssessmentSettings(KitSettings):
    service_name: str = "assessment"
    grpc_port: int = 3004
    course_service_target: str = Field("127.0.0.1:3002", description="The course service's gRPC address.")
    course_cache_s: float = Field(30.0, ge=0, description="How long a teacher/enrolment answer is kept.")
    sweep_interval_s: float = Field(
        5.0, gt=0, description="How often attempts past their deadline are ended."
    )
    watch_interval_s: float = Field(5.0, gt=0, description="Longest gap between WatchAttempt ticks.")
