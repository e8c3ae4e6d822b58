"""The payment service's settings (environment variables prefixed LMS_)."""

from __future__ import annotations

from pydantic import Field

from lms_kit.settings import KitSettings


class PaymentSettings(KitSettings):
    service_name: str = "payment"

    course_service_target: str = Field("127.0.0.1:3002", description="The course service's gRPC address.")
    stripe_api_key: str = Field("", description="Stripe secret key (sk_...); empty: Stripe is off.")
    stripe_webhook_secret: str = Field("", description="Signing secret of the webhook endpoint (whsec_...).")
    stripe_api_base: str = Field(
        "", description="Stripe API base URL; empty: Stripe itself. Tests: the stand-in."
    )
    stripe_webhook_tolerance_s: int = Field(300, ge=1, description="Oldest signed timestamp accepted.")
    enrolment_durable: str = Field(
        "payment-enrolment", description="JetStream durable of the enrolment saga."
    )
    enrolment_max_deliver: int = Field(8, ge=1, description="Attempts to enrol a paid order before the DLQ.")
    enrolment_backoff_s: tuple[float, ...] = Field(
        (1.0, 5.0, 30.0, 120.0, 600.0), description="Delays between enrolment attempts (last one repeats)."
    )
