"""The course service's settings (environment variables prefixed LMS_)."""

from __future__ import annotations

from pydantic import Field

from lms_kit.settings import KitSettings


class CourseSettings(KitSettings):
    service_name: str = "course"

    course_cache_ttl_s: float = Field(
        60.0, gt=0, description="How long a published course detail may be served from the cache."
    )
    course_cache_max_entries: int = Field(10_000, ge=1, description="In-process cache size (no Redis).")
    course_search_cache_ttl_s: float = Field(
        5.0,
        ge=0,
        description="How long a search result page may be served from the per-process cache (0 = off).",
    )
    course_edge_max_age_s: int = Field(
        60,
        ge=0,
        description="How long the gateway's edge cache (and browsers) may reuse an anonymous answer "
        "for a published course's detail, in seconds (Cache-Control max-age; 0 = never). Edits reach "
        "signed-in callers at once and anonymous ones within this time.",
    )
    course_search_edge_max_age_s: int = Field(
        15,
        ge=0,
        description="The same for an anonymous search result page (0 = never).",
    )
    quiz_completion_durable: str = Field(
        "course-quiz-completion",
        description="The JetStream durable that completes lectures from passed quizzes "
        "(lms.assessment.v1.AttemptGraded).",
    )
    video_duration_durable: str = Field(
        "course-video-durations",
        description="The JetStream durable that sets lecture durations from the file service's "
        "lms.file.v1.VideoReady.",
    )
    payment_service_target: str = Field(
        "",
        description="The payment service's gRPC address. Set: Enroll opens a paid course to a learner "
        "whose subscription grants access (CheckCourseAccess). Empty: paid courses only through "
        "EnrollPaid.",
    )
