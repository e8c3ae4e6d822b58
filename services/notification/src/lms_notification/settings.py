"""The notification service's settings (environment, prefix LMS_), read once at start-up."""

from __future__ import annotations

from pydantic import Field

from lms_kit.settings import KitSettings


class NotificationSettings(KitSettings):
    service_name: str = "notification"
    grpc_port: int = 3006
    page_max: int = Field(100, ge=1, le=1000, description="Largest page a List RPC returns.")

    # Email. Without an SMTP host, mail is written to `mail_outbox_dir` as .eml files.
    smtp_host: str = Field("", description="The primary SMTP relay; empty: the local outbox directory.")
    smtp_port: int = 25
    smtp_security: str = Field("none", pattern="^(none|starttls|ssl)$")
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_fallback_host: str = Field("", description="A second relay, used when the first is down.")
    smtp_fallback_port: int = 25
    smtp_fallback_security: str = Field("none", pattern="^(none|starttls|ssl)$")
    smtp_fallback_username: str = ""
    smtp_fallback_password: str = ""
    smtp_timeout_s: float = Field(10.0, gt=0)
    mail_outbox_dir: str = Field("notification-outbox", description="Where mail goes without SMTP.")
    mail_from: str = "no-reply@lms.local"
    mail_from_name: str = "LMS"
    message_id_domain: str = "notification.lms"

    # Push (FCM HTTP v1 through firebase-admin): on when a service-account file is set.
    fcm_credentials_file: str = Field("", description="Service-account JSON for FCM; empty: no push.")
    fcm_project_id: str = ""
    fcm_api_base: str = Field("", description="Development and tests only: a local FCM stand-in.")

    # SMS (Twilio): on when an account SID is set.
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from_number: str = Field("", description="The sender number, E.164.")
    twilio_api_base: str = Field("", description="Development and tests only: a local Twilio stand-in.")
    twilio_status_callback_url: str = ""

    # Links and rendering.
    app_name: str = "LMS"
    public_url: str = Field("http://127.0.0.1:8080", description="The gateway, for unsubscribe links.")
    unsubscribe_secret: str = Field("dev-only-unsubscribe-secret", min_length=16)
    locales: tuple[str, ...] = Field(("en", "de"), description="Languages the templates support.")

    # The delivery workers.
    delivery_workers: bool = Field(True, description="Run the delivery workers in this process.")
    delivery_lease_s: float = Field(60.0, gt=0, description="How long a worker holds a claimed delivery.")
    delivery_batch_size: int = Field(20, ge=1, le=500)
    delivery_poll_interval_s: float = Field(1.0, gt=0)
    delivery_max_attempts: int = Field(6, ge=1)
    delivery_retry_base_s: float = Field(2.0, gt=0)
    delivery_retry_cap_s: float = Field(900.0, gt=0)
    announcement_batch_size: int = Field(
        200, ge=1, le=5000, description="Recipients queued per fan-out step."
    )
    reminder_inactive_days: float = Field(3.0, gt=0, description="Idle days before a study reminder.")
    reminder_max: int = Field(3, ge=0, description="Study reminders per idle stretch.")
    reminder_sweep_interval_s: float = Field(300.0, gt=0)
    digest_window_s: float = Field(86400.0, gt=0, description="How long social email waits for a digest.")
    digest_sweep_interval_s: float = Field(300.0, gt=0)
    inbox_poll_interval_s: float = Field(1.0, gt=0)

    # Event triggers (one durable consumer per domain).
    consume_events: bool = Field(True, description="Consume the user, course and payment events.")
    consumer_max_deliver: int = Field(8, ge=1)
    trigger_max_event_age_s: float = Field(
        86400.0, gt=0, description="Older events notify nobody (a new consumer replays its stream)."
    )
