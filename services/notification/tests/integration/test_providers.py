"""Push through the firebase-admin SDK and SMS through the twilio SDK, each against a local
stand-in that checks auth and payload and answers with the vendor's error codes: a token FCM
calls UNREGISTERED is pruned and not retried; Twilio's 21211 (invalid number) is permanent."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from lms_devkit.standins.fcm import FcmStandIn
from lms_devkit.standins.twilio import INVALID_NUMBER
from lms_kit.db import Database
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database
from lms_notification.adapters.bundled import bundled_templates
from lms_notification.adapters.push import FcmSender
from lms_notification.adapters.sms import TwilioSender
from lms_notification.adapters.unit_of_work import SqlNotificationUnitOfWork
from lms_notification.domain.catalog import Channel
from lms_notification.domain.model import DeliveryStatus, RetryPolicy
from lms_notification.handlers.admin import AdminHandlers
from lms_notification.handlers.delivery import DeliveryWorker
from lms_notification.handlers.devices import DeviceHandlers
from lms_notification.handlers.ports import HistoryFilter
from lms_notification.handlers.sending import SendCommand, Sending, SendingConfig
from lms_notification.migrations import MIGRATIONS_DIR


@pytest.fixture(scope="module")
async def db() -> AsyncIterator[Database]:
    async with postgres_database("lms_notification_providers") as url:
        await upgrade(url, MIGRATIONS_DIR)
        database = Database(url)
        yield database
        await database.dispose()


@pytest.fixture(scope="module")
def fcm() -> Iterator[FcmStandIn]:
    standin = FcmStandIn().start()
    yield standin
    standin.stop()


@pytest.fixture(scope="module")
def pipeline(db, fcm, twilio, tmp_path_factory):
    account = tmp_path_factory.mktemp("fcm") / "service-account.json"
    account.write_text(json.dumps(fcm.service_account()))
    push = FcmSender(str(account), api_base=fcm.base_url)
    sms = TwilioSender(twilio.account_sid, twilio.auth_token, twilio.from_number, api_base=twilio.base_url)
    clock = {"now": datetime(2026, 6, 15, 12, 0, tzinfo=UTC)}
    uow = lambda: SqlNotificationUnitOfWork(db)  # noqa: E731
    sending = Sending(uow, bundled_templates(), SendingConfig(), clock=lambda: clock["now"])
    worker = DeliveryWorker(
        uow,
        {Channel.PUSH: push, Channel.SMS: sms},
        retry=RetryPolicy(max_attempts=5, base_s=1, cap_s=5),
        clock=lambda: clock["now"],
    )
    yield sending, worker, AdminHandlers(uow), DeviceHandlers(uow), clock
    push.close()


async def drain(worker: DeliveryWorker) -> None:
    while await worker.run_once():
        pass


async def delivery_of(admin: AdminHandlers, user_id: str, channel: Channel):
    [notification] = await admin.history(HistoryFilter(user_id), None, 10)
    return next(d for d in notification.deliveries if d.channel is channel)


async def test_push_goes_through_fcm_and_an_unregistered_token_is_pruned(pipeline, fcm, db):
    sending, worker, admin, devices, _ = pipeline
    user_id = f"u-{uuid.uuid4().hex[:8]}"
    fcm.register("live-token")
    await devices.register(user_id, "dead-token")
    await devices.register(user_id, "live-token")
    await sending.send(
        SendCommand(
            "new_follower", user_id, f"f:{user_id}", {"follower_name": "Grace"}, channels=[Channel.PUSH]
        )
    )
    await drain(worker)
    delivery = await delivery_of(admin, user_id, Channel.PUSH)
    assert delivery.status is DeliveryStatus.SENT
    [message] = [m for m in fcm.sent if m["fid"] == "live-token"]
    assert message["notification"] == {"title": "New follower", "body": "Grace follows you now."}
    assert message["android"]["collapse_key"] == "new_follower"
    async with SqlNotificationUnitOfWork(db) as uow:
        assert (await uow.recipients.get(user_id)).device_tokens == ["live-token"]


async def test_a_push_to_only_unregistered_tokens_fails_for_good_without_retry(pipeline, fcm, db):
    sending, worker, admin, devices, clock = pipeline
    user_id = f"u-{uuid.uuid4().hex[:8]}"
    await devices.register(user_id, "gone-token")
    await sending.send(
        SendCommand("new_follower", user_id, f"f:{user_id}", {"follower_name": "G"}, channels=[Channel.PUSH])
    )
    await drain(worker)
    clock["now"] += timedelta(hours=1)
    await drain(worker)
    delivery = await delivery_of(admin, user_id, Channel.PUSH)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DEAD, 1)
    assert delivery.last_error.startswith("UnregisteredError NOT_FOUND")
    assert [code for code, m in fcm.refused if m["fid"] == "gone-token"] == ["UNREGISTERED"]
    async with SqlNotificationUnitOfWork(db) as uow:
        assert (await uow.recipients.get(user_id)).device_tokens == []


async def test_sms_goes_through_twilio_and_an_invalid_number_is_not_retried(pipeline, twilio):
    sending, worker, admin, _, clock = pipeline
    good, bad = f"u-{uuid.uuid4().hex[:8]}", f"u-{uuid.uuid4().hex[:8]}"
    for user_id, number in ((good, "+4915112345678"), (bad, INVALID_NUMBER)):
        await sending.send(
            SendCommand(
                "study_reminder",
                user_id,
                f"r:{user_id}",
                {"course_title": "Botany"},
                channels=[Channel.SMS],
                phone_number=number,
            )
        )
    await drain(worker)
    clock["now"] += timedelta(hours=1)
    await drain(worker)
    assert (await delivery_of(admin, good, Channel.SMS)).status is DeliveryStatus.SENT
    [sms] = [m for m in twilio.sent if m["To"] == "+4915112345678"]
    assert sms["Body"] == "LMS: continue Botany where you left off." and sms["From"] == twilio.from_number
    failed = await delivery_of(admin, bad, Channel.SMS)
    assert (failed.status, failed.attempts) == (DeliveryStatus.DEAD, 1) and "21211" in failed.last_error
