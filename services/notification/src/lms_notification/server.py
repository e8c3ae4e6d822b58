"""Wiring: settings -> adapters -> handlers -> servicer; the kit does the rest.

python -m lms_notification.server            # apply migrations, then serve on LMS_GRPC_PORT
python -m lms_notification.server migrate    # only apply migrations
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from nats.aio.client import Client
from nats.js import JetStreamContext

from lms_kit.events import ensure_stream
from lms_kit.service import Runtime, ServiceDefinition, serve_service
from lms_notification import consumers
from lms_notification.adapters.bundled import bundled_templates
from lms_notification.adapters.email import OutboxDirectorySender, Relay, SmtpSender
from lms_notification.adapters.push import FcmSender
from lms_notification.adapters.sms import TwilioSender, twilio_signature_check
from lms_notification.adapters.unit_of_work import SqlNotificationUnitOfWork
from lms_notification.domain.catalog import Channel
from lms_notification.domain.model import RetryPolicy
from lms_notification.handlers.admin import AdminHandlers
from lms_notification.handlers.announcements import AnnouncementHandlers
from lms_notification.handlers.callbacks import ProviderCallbacks
from lms_notification.handlers.delivery import DeliveryWorker
from lms_notification.handlers.devices import DeviceHandlers
from lms_notification.handlers.digests import SocialDigests
from lms_notification.handlers.inbox import InboxHandlers, InboxSignal
from lms_notification.handlers.ports import ChannelSender
from lms_notification.handlers.preferences import PreferenceHandlers
from lms_notification.handlers.reminders import StudyReminders
from lms_notification.handlers.sending import Sending, SendingConfig
from lms_notification.handlers.templates import TemplateHandlers
from lms_notification.handlers.triggers import Triggers
from lms_notification.migrations import MIGRATIONS_DIR
from lms_notification.servicer import NotificationServicer, NotificationUseCases
from lms_notification.settings import NotificationSettings


def email_sender(settings: NotificationSettings) -> ChannelSender:
    """SMTP when a relay is configured (a second one for failover), else the outbox directory."""
    if not settings.smtp_host:
        return OutboxDirectorySender(
            Path(settings.mail_outbox_dir), from_address=settings.mail_from, from_name=settings.mail_from_name
        )
    relays = [
        Relay(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_security,
            settings.smtp_username,
            settings.smtp_password,
        )
    ]
    if settings.smtp_fallback_host:
        relays.append(
            Relay(
                settings.smtp_fallback_host,
                settings.smtp_fallback_port,
                settings.smtp_fallback_security,
                settings.smtp_fallback_username,
                settings.smtp_fallback_password,
            )
        )
    return SmtpSender(
        relays,
        from_address=settings.mail_from,
        from_name=settings.mail_from_name,
        timeout_s=settings.smtp_timeout_s,
    )


def _closing(push: FcmSender) -> Callable[[], Awaitable[None]]:
    async def close() -> None:
        push.close()

    return close


class _Streams:
    """Make sure the streams this service reads exist, even before their owners first start."""

    def __init__(self, js: JetStreamContext, domains: tuple[str, ...]) -> None:
        self._js, self._domains = js, domains

    async def start(self) -> None:
        for domain in self._domains:
            await ensure_stream(self._js, domain)

    async def stop(self) -> None:
        return None


async def wire(runtime: Runtime[NotificationSettings]) -> list[object]:
    settings = runtime.settings
    uow = runtime.unit_of_work(SqlNotificationUnitOfWork)
    bundled = bundled_templates()
    signal = InboxSignal()
    email = email_sender(settings)
    senders: dict[Channel, ChannelSender] = {Channel.EMAIL: email}
    if settings.fcm_credentials_file:
        push = FcmSender(
            settings.fcm_credentials_file, project_id=settings.fcm_project_id, api_base=settings.fcm_api_base
        )
        senders[Channel.PUSH] = push
        runtime.on_stop(_closing(push))
    twilio_callback = settings.twilio_status_callback_url or (
        f"{settings.public_url.rstrip('/')}/v1/webhooks/twilio/status"
    )
    if settings.twilio_account_sid:
        senders[Channel.SMS] = TwilioSender(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            settings.twilio_from_number,
            api_base=settings.twilio_api_base,
            status_callback=twilio_callback,
        )
    worker = DeliveryWorker(
        uow,
        senders,
        retry=RetryPolicy(
            settings.delivery_max_attempts, settings.delivery_retry_base_s, settings.delivery_retry_cap_s
        ),
        lease_s=settings.delivery_lease_s,
        batch_size=settings.delivery_batch_size,
        poll_interval_s=settings.delivery_poll_interval_s,
    )
    sending = Sending(
        uow,
        bundled,
        SendingConfig(
            app_name=settings.app_name,
            public_url=settings.public_url.rstrip("/"),
            unsubscribe_secret=settings.unsubscribe_secret.encode(),
            locales=settings.locales,
            message_id_domain=settings.message_id_domain,
        ),
        on_queued=worker.wake,
        on_inbox=signal.notify,
    )
    announcements = AnnouncementHandlers(
        uow,
        sending,
        batch_size=settings.announcement_batch_size,
        poll_interval_s=settings.delivery_poll_interval_s,
    )
    use_cases = NotificationUseCases(
        sending=sending,
        templates=TemplateHandlers(uow, bundled, locales=settings.locales, app_name=settings.app_name),
        preferences=PreferenceHandlers(
            uow, secret=settings.unsubscribe_secret.encode(), locales=settings.locales
        ),
        inbox=InboxHandlers(uow, signal, poll_interval_s=settings.inbox_poll_interval_s),
        admin=AdminHandlers(uow, on_queued=worker.wake),
        devices=DeviceHandlers(uow),
        callbacks=ProviderCallbacks(
            uow,
            twilio_check=twilio_signature_check(settings.twilio_auth_token)
            if settings.twilio_auth_token
            else None,
            twilio_callback_url=twilio_callback,
        ),
        announcements=announcements,
    )
    if settings.consume_events and settings.nats_url:
        triggers = Triggers(sending)
        domains = ("user", "course", "payment")

        def streams(_client: Client, js: JetStreamContext) -> _Streams:
            return _Streams(js, domains)

        runtime.events.attach(streams)
        for domain, handlers in (
            ("user", consumers.user_handlers(triggers)),
            ("course", consumers.course_handlers(triggers)),
            ("payment", consumers.payment_handlers(triggers)),
        ):
            runtime.consume(
                f"notification-{domain}-events",
                consumers.fresh_only(handlers, timedelta(seconds=settings.trigger_max_event_age_s)),
                unit_of_work=uow,
                max_deliver=settings.consumer_max_deliver,
            )
    if settings.delivery_workers:
        runtime.on_start(worker.start)
        runtime.on_stop(worker.stop)
        if isinstance(email, SmtpSender):
            runtime.on_stop(email.close)  # QUIT the kept SMTP connections once the worker stopped
        runtime.on_start(announcements.start)
        runtime.on_stop(announcements.stop)
        reminders = StudyReminders(
            uow,
            sending,
            inactive_for=timedelta(days=settings.reminder_inactive_days),
            max_reminders=settings.reminder_max,
            interval_s=settings.reminder_sweep_interval_s,
        )
        runtime.on_start(reminders.start)
        runtime.on_stop(reminders.stop)
        digests = SocialDigests(
            uow,
            sending,
            window=timedelta(seconds=settings.digest_window_s),
            interval_s=settings.digest_sweep_interval_s,
        )
        runtime.on_start(digests.start)
        runtime.on_stop(digests.stop)
    runtime.expose(use_cases=use_cases, worker=worker, inbox_signal=signal)
    return [NotificationServicer(use_cases, page_max=settings.page_max)]


SERVICE = ServiceDefinition(
    name="notification", settings=NotificationSettings, migrations=MIGRATIONS_DIR, wire=wire
)


def main() -> None:
    serve_service(SERVICE)


if __name__ == "__main__":
    main()
