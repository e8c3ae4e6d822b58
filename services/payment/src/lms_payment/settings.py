"""The payment service's settings (environment variables prefixed LMS_)."""

from __future__ import annotations

from pydantic import Field

from lms_kit.settings import KitSettings


class PaymentSettings(KitSettings):
    service_name: str = "payment"

    course_service_target: str = Field("127.0.0.1:3002", description="The course service's gRPC address.")

    stripe_api_key: str = Field("", description="Stripe secret key (sk_...); empty: Stripe is off.")
    test_mode_checkout_url: str = Field(
        "",
        description="Set by the dev runner when Stripe is its test-mode stand-in: orders then show where "
        "to complete a payment with a test card. Never set in production.",
    )
    stripe_webhook_secret: str = Field("", description="Signing secret of the webhook endpoint (whsec_...).")
    stripe_api_base: str = Field(
        "", description="Stripe API base URL; empty: Stripe itself. Tests: the stand-in."
    )
    stripe_webhook_tolerance_s: int = Field(300, ge=1, description="Oldest signed timestamp accepted.")

    razorpay_key_id: str = Field("", description="Razorpay key id (rzp_...); empty: Razorpay is off.")
    razorpay_key_secret: str = Field("", description="Razorpay key secret (checkout signatures, the API).")
    razorpay_webhook_secret: str = Field("", description="Secret of the Razorpay webhook endpoint.")
    razorpay_api_base: str = Field(
        "", description="Razorpay API base URL; empty: Razorpay itself. Tests: the stand-in."
    )

    platform_fee_bps: int = Field(3000, ge=0, le=10_000, description="Platform share of a sale (bps).")
    referral_commission_bps: int = Field(
        1000, ge=0, le=10_000, description="Referrer's commission (bps of the amount paid; from the fee)."
    )
    refund_window_days: int = Field(
        14, ge=0, le=365, description="Learner refund window when a course sets none (0: none)."
    )
    order_expiry_s: float = Field(86_400, gt=0, description="A pending order expires after this long.")
    reconcile_after_s: float = Field(
        900, ge=0, description="Ask the provider about orders pending longer than this."
    )
    reconcile_interval_s: float = Field(300, ge=0, description="How often the job runs (0: only on demand).")
    payout_encryption_keys: str = Field(
        "",
        description="Comma-separated Fernet keys; the first encrypts bank details at rest, all decrypt. "
        "Empty: payout accounts cannot be stored.",
    )

    enrolment_durable: str = Field(
        "payment-enrolment", description="JetStream durable of the enrolment saga."
    )
    enrolment_concurrency: int = Field(
        8, ge=1, le=64, description="Saga steps one process runs at once (each waits on the course service)."
    )
    enrolment_max_deliver: int = Field(8, ge=1, description="Attempts to enrol a paid order before the DLQ.")
    enrolment_backoff_s: tuple[float, ...] = Field(
        (1.0, 5.0, 30.0, 120.0, 600.0), description="Delays between enrolment attempts (last one repeats)."
    )
