"""The delivery pipeline on real PostgreSQL and a real SMTP server (aiosmtpd): idempotent
sends, retries and failover, permanent failures, dead letters and re-drive, preferences,
quiet hours, scheduling and cancel, and the inbox. Its own database, so the in-process
service of the gRPC tests never takes its deliveries."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from lms_kit.db import Database
from lms_kit.migrations import upgrade
from lms_kit.testing.checks import schema_drift
from lms_kit.testing.databases import postgres_database
from lms_notification.adapters.bundled import bundled_templates
from lms_notification.adapters.email import Relay, SmtpSender
from lms_notification.adapters.tables import metadata
from lms_notification.adapters.unit_of_work import SqlNotificationUnitOfWork
from lms_notification.domain.catalog import Category, Channel
from lms_notification.domain.model import DeliveryStatus, Recipient, RetryPolicy
from lms_notification.domain.preferences import Preferences
from lms_notification.handlers.admin import AdminHandlers
from lms_notification.handlers.delivery import DeliveryWorker
from lms_notification.handlers.ports import HistoryFilter
from lms_notification.handlers.preferences import PreferenceHandlers
from lms_notification.handlers.sending import SendCommand, Sending, SendingConfig
from lms_notification.migrations import MIGRATIONS_DIR

SECRET = b"integration-secret"


class Clock:
    """A settable clock, so back-off and schedules are stepped through, not waited for."""

    def __init__(self) -> None:
        self.now = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="module")
async def db() -> AsyncIterator[Database]:
    async with postgres_database("lms_notification_delivery") as url:
        await upgrade(url, MIGRATIONS_DIR)
        database = Database(url)
        yield database
        await database.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def parts(db: Database, clock: Clock, relays: list[Relay], *, max_attempts: int = 3):
    uow = lambda: SqlNotificationUnitOfWork(db)  # noqa: E731
    sending = Sending(
        uow,
        bundled_templates(),
        SendingConfig(public_url="http://gateway.test", unsubscribe_secret=SECRET),
        clock=clock,
    )
    worker = DeliveryWorker(
        uow,
        {Channel.EMAIL: SmtpSender(relays, from_address="no-reply@lms.test", from_name="LMS", timeout_s=5)},
        retry=RetryPolicy(max_attempts=max_attempts, base_s=10, cap_s=60),
        lease_s=30,
        clock=clock,
    )
    return (
        sending,
        worker,
        AdminHandlers(uow, clock=clock),
        PreferenceHandlers(uow, secret=SECRET, locales=("en",)),
    )


def user() -> tuple[str, str]:
    user_id = f"u-{uuid.uuid4().hex[:8]}"
    return user_id, f"{user_id}@example.test"


async def drain(worker: DeliveryWorker) -> None:
    while await worker.run_once():
        pass


async def test_the_tables_match_the_migrations(db):
    assert await schema_drift(str(db.engine.url.render_as_string(hide_password=False)), metadata) == []


async def test_a_mail_is_sent_once_however_often_it_is_sent_with_its_key(db, clock, smtp):
    sending, worker, _, _ = parts(db, clock, [Relay("127.0.0.1", smtp.port)])
    user_id, address = user()
    command = SendCommand(
        "password_reset",
        user_id,
        f"reset:{user_id}",
        {"reset_url": "https://lms.test/reset?token=abc", "display_name": "Ada"},
        email=address,
    )
    first = await sending.send(command)
    again = await sending.send(command)
    assert again.id == first.id
    await drain(worker)
    await drain(worker)
    [mail] = smtp.mailbox.to(address)
    assert "https://lms.test/reset?token=abc" in mail.get_body(("plain",)).get_content()
    assert mail["Message-ID"] == first.deliveries[0].message_id
    assert mail["List-Unsubscribe"] is None  # critical mail has no unsubscribe


async def test_non_critical_mail_carries_one_click_unsubscribe_that_works(db, clock, smtp):
    sending, worker, _, prefs = parts(db, clock, [Relay("127.0.0.1", smtp.port)])
    user_id, address = user()
    await sending.send(
        SendCommand("announcement", user_id, f"a1:{user_id}", {"title": "T", "message": "M"}, email=address)
    )
    await drain(worker)
    [mail] = smtp.mailbox.to(address)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = mail["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://gateway.test/v1/notification/unsubscribe?token=")
    token = url.split("token=")[1]
    assert await prefs.check_link(token) == (user_id, Category.MARKETING, False)  # GET changes nothing
    assert await prefs.unsubscribe(token) == (user_id, Category.MARKETING, True)
    later = await sending.send(
        SendCommand("announcement", user_id, f"a2:{user_id}", {"title": "T", "message": "M"}, email=address)
    )
    email_delivery = next(d for d in later.deliveries if d.channel is Channel.EMAIL)
    assert (email_delivery.status, email_delivery.suppressed_by) == (
        DeliveryStatus.SUPPRESSED,
        "marketing_unsubscribed",
    )


async def test_smtp_down_retries_with_back_off_then_dead_letters_and_re_drive_sends(
    db, clock, smtp, closed_port
):
    sending, worker, admin, _ = parts(db, clock, [Relay("127.0.0.1", closed_port)], max_attempts=3)
    user_id, address = user()
    sent = await sending.send(
        SendCommand("welcome", user_id, f"w:{user_id}", email=address, channels=[Channel.EMAIL])
    )
    delivery_id = sent.deliveries[0].id
    waits = []
    for attempt in (1, 2, 3):
        assert await worker.run_once() == 1
        assert await worker.run_once() == 0  # not due again before its back-off ends
        [notification] = await admin.history(HistoryFilter(user_id), None, 10)
        delivery = notification.deliveries[0]
        assert delivery.attempts == attempt and "SMTPConnectError" in delivery.last_error
        waits.append((delivery.due_at - clock.now).total_seconds())
        clock.advance(seconds=60)
    assert delivery.status is DeliveryStatus.DEAD
    assert 5 <= waits[0] <= 10 and 10 <= waits[1] <= 20  # exponential back-off, jittered
    assert delivery_id in [d.id for d in await admin.dead_letters(None, 100)]
    assert smtp.mailbox.to(address) == []
    # The relay is back (a worker configured with it): the admin re-drives the dead letter.
    _, healthy, _, _ = parts(db, clock, [Relay("127.0.0.1", smtp.port)])
    redriven = await admin.redrive(delivery_id)
    assert redriven.status is DeliveryStatus.QUEUED
    await drain(healthy)
    assert len(smtp.mailbox.to(address)) == 1


async def test_a_relay_that_is_down_hands_over_to_the_second_one(db, clock, smtp, closed_port):
    sending, worker, admin, _ = parts(
        db, clock, [Relay("127.0.0.1", closed_port), Relay("127.0.0.1", smtp.port)]
    )
    user_id, address = user()
    await sending.send(
        SendCommand("welcome", user_id, f"w:{user_id}", email=address, channels=[Channel.EMAIL])
    )
    await drain(worker)
    assert len(smtp.mailbox.to(address)) == 1
    [notification] = await admin.history(HistoryFilter(user_id), None, 10)
    assert (notification.deliveries[0].status, notification.deliveries[0].attempts) == (
        DeliveryStatus.SENT,
        1,
    )


async def test_a_permanent_refusal_is_not_retried(db, clock, smtp):
    sending, worker, admin, _ = parts(db, clock, [Relay("127.0.0.1", smtp.port)], max_attempts=5)
    user_id, address = user()
    await sending.send(
        SendCommand("welcome", user_id, f"w:{user_id}", email=address, channels=[Channel.EMAIL])
    )
    smtp.mailbox.refuse_with = "550 5.1.1 mailbox unavailable"
    try:
        await drain(worker)
    finally:
        smtp.mailbox.refuse_with = ""
    clock.advance(hours=1)
    await drain(worker)
    [notification] = await admin.history(HistoryFilter(user_id), None, 10)
    delivery = notification.deliveries[0]
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DEAD, 1)
    assert "550" in delivery.last_error and smtp.mailbox.to(address) == []


async def test_an_opt_out_suppresses_that_channel_and_history_names_the_rule(db, clock, smtp):
    sending, worker, admin, prefs = parts(db, clock, [Relay("127.0.0.1", smtp.port)])
    user_id, address = user()
    await prefs.update(Preferences(user_id, opt_outs={(Category.LEARNING, Channel.EMAIL)}), ["opt_outs"])
    await sending.send(
        SendCommand("enrolment", user_id, f"e:{user_id}", {"course_title": "Botany"}, email=address)
    )
    await drain(worker)
    assert smtp.mailbox.to(address) == []
    [notification] = await admin.history(HistoryFilter(user_id, status=DeliveryStatus.SUPPRESSED), None, 10)
    by_channel = {d.channel: d for d in notification.deliveries}
    assert (by_channel[Channel.EMAIL].status, by_channel[Channel.EMAIL].suppressed_by) == (
        DeliveryStatus.SUPPRESSED,
        "opt_out",
    )
    assert by_channel[Channel.IN_APP].status is DeliveryStatus.SENT


async def test_quiet_hours_in_new_york_hold_mail_until_morning_but_not_a_password_reset(db, clock, smtp):
    sending, worker, _, prefs = parts(db, clock, [Relay("127.0.0.1", smtp.port)])
    user_id, address = user()
    await prefs.update(
        Preferences(
            user_id, time_zone="America/New_York", quiet_start_minute=21 * 60, quiet_end_minute=8 * 60
        ),
        ["time_zone", "quiet_start_minute", "quiet_end_minute"],
    )
    clock.now = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)  # 23:00 in New York (EDT)
    welcome = await sending.send(
        SendCommand("welcome", user_id, f"w:{user_id}", email=address, channels=[Channel.EMAIL])
    )
    await sending.send(
        SendCommand(
            "password_reset", user_id, f"r:{user_id}", {"reset_url": "https://x.test/r"}, email=address
        )
    )
    assert welcome.deliveries[0].status is DeliveryStatus.SCHEDULED
    assert welcome.deliveries[0].due_at == datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # 08:00 EDT
    await drain(worker)
    assert [m["X-LMS-Notification-Type"] for m in smtp.mailbox.to(address)] == ["password_reset"]
    clock.now = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
    await drain(worker)
    assert [m["X-LMS-Notification-Type"] for m in smtp.mailbox.to(address)] == ["password_reset", "welcome"]


async def test_a_scheduled_send_cancelled_by_its_key_is_never_sent(db, clock, smtp):
    sending, worker, admin, _ = parts(db, clock, [Relay("127.0.0.1", smtp.port)])
    user_id, address = user()
    key = f"reminder:{user_id}"
    scheduled = await sending.send(
        SendCommand("welcome", user_id, key, email=address, send_at=clock.now + timedelta(hours=1))
    )
    assert {d.status for d in scheduled.deliveries} == {DeliveryStatus.SCHEDULED}
    cancelled = await admin.cancel(key)
    assert {d.status for d in cancelled.deliveries} == {DeliveryStatus.CANCELLED}
    clock.advance(hours=2)
    await drain(worker)
    assert smtp.mailbox.to(address) == []


async def test_a_scheduled_send_goes_out_when_due(db, clock, smtp):
    sending, worker, _, _ = parts(db, clock, [Relay("127.0.0.1", smtp.port)])
    user_id, address = user()
    await sending.send(
        SendCommand(
            "welcome", user_id, f"w:{user_id}", email=address, send_at=clock.now + timedelta(minutes=30)
        )
    )
    await drain(worker)
    assert smtp.mailbox.to(address) == []
    clock.advance(minutes=31)
    await drain(worker)
    assert len(smtp.mailbox.to(address)) == 1


async def test_a_receipt_for_a_user_whose_address_arrives_later_waits_for_it(db, clock, smtp):
    sending, worker, admin, _ = parts(db, clock, [Relay("127.0.0.1", smtp.port)])
    user_id, address = user()
    # The payment's event came before the user service's: no address known yet.
    await sending.send(
        SendCommand("receipt", user_id, f"receipt:{user_id}", {"order_id": "o-1", "amount": "9.00 EUR"})
    )
    await drain(worker)
    [notification] = await admin.history(HistoryFilter(user_id), None, 10)
    waiting = notification.deliveries[0]
    assert (waiting.status, waiting.attempts) == (
        DeliveryStatus.QUEUED,
        1,
    ) and "no email address" in waiting.last_error
    async with SqlNotificationUnitOfWork(db) as uow:
        await uow.recipients.save(Recipient(user_id, email=address))
        await uow.commit()
    clock.advance(minutes=5)
    await drain(worker)
    [mail] = smtp.mailbox.to(address)
    assert mail["X-LMS-Notification-Type"] == "receipt"
