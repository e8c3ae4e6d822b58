"""The certificate service's settings (environment, prefix LMS_), read once at start-up."""

from __future__ import annotations

from pydantic import Field

from lms_kit.settings import KitSettings


class CertificateSettings(KitSettings):
    service_name: str = "certificate"
    grpc_port: int = 3009
    public_base_url: str = Field(
        "http://127.0.0.1:8080", description="The gateway's public URL: verification pages, status list."
    )
    course_service_target: str = Field("", description="host:port of the course service.")
    certificate_issuer_name: str = Field("LMS Academy", description="The organisation that issues.")
    certificate_signing_key_file: str = Field("", description="PEM private key for PAdES signatures.")
    certificate_signing_cert_file: str = Field("", description="PEM certificate of that key.")
    certificate_badge_key_file: str = Field("", description="PEM Ed25519 key for Open Badges VC-JWTs.")
    certificate_identity_salt: str = Field(
        "lms-certificate", description="Salt of the hashed learner identity in Open Badges."
    )
    certificate_font_dir: str = Field("/usr/share/fonts", description="Where the fonts are installed.")
    certificate_page_max: int = Field(100, ge=1, le=1000, description="Largest page a list returns.")
    certificate_issue_concurrency: int = Field(
        4, ge=1, le=64, description="Completion events handled side by side per process."
    )
    certificate_completion_durable: str = Field(
        "certificate-completions", description="The JetStream durable that issues on CourseCompleted."
    )
    certificate_issue_ack_wait_s: float = Field(
        30.0, gt=0, description="How long a delivery may take before JetStream redelivers it."
    )
    certificate_issue_max_deliver: int = Field(8, ge=1, description="Attempts before a dead letter.")
