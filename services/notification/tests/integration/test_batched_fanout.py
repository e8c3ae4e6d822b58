"""Batched fan-out and kept SMTP connections on real PostgreSQL and a real SMTP server: an
announcement to a few hundred users, fanned out in multi-row batches by two fan-out loops and
sent by two workers at once, reaches each user exactly once (counted at the SMTP server)."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa

from lms_kit.db import Database
from lms_kit.domain import Actor, utc_now
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database
from lms_notification.adapters.bundled import bundled_templates
from lms_notification.adapters.email import Relay, SmtpSender
from lms_notification.adapters.tables import deliveries, inbox_items
from lms_notification.adapters.unit_of_work import SqlNotificationUnitOfWork
from lms_notification.domain.catalog import Category, Channel
from lms_notification.domain.model import Content, Delivery, DeliveryStatus, Recipient
from lms_notification.domain.preferences import Preferences
from lms_notification.handlers.announcements import AnnouncementHandlers
from lms_notification.handlers.delivery import DeliveryWorker
from lms_notification.handlers.sending import SendCommand, Sending, SendingConfig
from lms_notification.migrations import MIGRATIONS_DIR

USERS = 300
OPTED_OUT = 7  # users 0..6 turned announcement email off


@pytest.fixture(scope="module")
async def db() -> AsyncIterator[Database]:
    async with postgres_database("lms_notification_batched") as url:
        await upgrade(url, MIGRATIONS_DIR)
        database = Database(url)
        yield database
        await database.dispose()


async def test_a_batched_fan_out_mails_each_user_exactly_once(db, smtp_server):
    uow = lambda: SqlNotificationUnitOfWork(db)  # noqa: E731
    run = uuid.uuid4().hex[:6]
    users = [f"{run}-{i:04d}" for i in range(USERS)]
    async with uow() as unit:
        for i, user in enumerate(users):
            await unit.recipients.save(Recipient(user, email=f"{user}@example.test"))
            if i < OPTED_OUT:
                await unit.preferences.save(Preferences(user, {(Category.MARKETING, Channel.EMAIL)}))
        await unit.commit()
    sending = Sending(uow, bundled_templates(), SendingConfig())
    # Two fan-out loops on one announcement: the lock on it lets one batch go at a time.
    fan_outs = [AnnouncementHandlers(uow, sending, batch_size=64) for _ in range(2)]
    admin = Actor.user("admin", "admin")
    announcement = await fan_outs[0].create(admin, "Maintenance", "Down on Sunday.", None, str(uuid.uuid4()))
    await asyncio.gather(*(drain(fan_out) for fan_out in fan_outs))
    progress = await fan_outs[0].get(admin, announcement.id)
    assert progress.done

    # The batch path given its own keys again (a crashed fan-out retried) makes nothing.
    again = [
        SendCommand(
            "announcement", user, f"announcement:{announcement.id}:{user}", {"title": "T", "message": "M"}
        )
        for user in users[:50]
    ]
    async with uow() as unit:
        assert await sending.enqueue_many(unit, again + again) == []
        await unit.commit()

    with smtp_server() as smtp:
        senders = [
            SmtpSender([Relay("127.0.0.1", smtp.port)], from_address="a@b.test", from_name="LMS")
            for _ in range(2)
        ]
        workers = [
            DeliveryWorker(uow, {Channel.EMAIL: sender}, batch_size=25, priority_lane=False)
            for sender in senders
        ]
        await asyncio.gather(*(drain(worker) for worker in workers))
        for sender in senders:
            await sender.close()
        received = smtp.mailbox.messages

    mailed = [f"{user}@example.test" for user in users[OPTED_OUT:]]
    counts = Counter(m["To"] for m in received)
    assert sorted(counts) == sorted(mailed)
    assert set(counts.values()) == {1}
    assert len({m["Message-ID"] for m in received}) == len(mailed)
    async with db.session() as session:
        by_status = dict(
            (
                await session.execute(
                    sa.select(deliveries.c.status, sa.func.count())
                    .where(deliveries.c.user_id.like(f"{run}-%"))
                    .group_by(deliveries.c.status)
                )
            ).all()
        )
        inbox = (
            await session.execute(
                sa.select(sa.func.count(sa.distinct(inbox_items.c.user_id))).where(
                    inbox_items.c.user_id.like(f"{run}-%")
                )
            )
        ).scalar_one()
    # Email (sent, or suppressed by the opt-out) and in-app (sent with its inbox item): one each.
    assert by_status == {"sent": 2 * USERS - OPTED_OUT, "suppressed": OPTED_OUT}
    assert inbox == USERS


async def drain(loop: AnnouncementHandlers | DeliveryWorker) -> None:
    if isinstance(loop, AnnouncementHandlers):
        while await loop.fan_out_once():
            pass
        return
    while await loop.run_once():
        pass


def a_mail(to: str) -> Delivery:
    delivery_id = str(uuid.uuid4())
    return Delivery(
        delivery_id,
        "n",
        "u",
        "announcement",
        Channel.EMAIL,
        DeliveryStatus.QUEUED,
        to,
        Content("Hello", "Body"),
        utc_now(),
        utc_now(),
        message_id=f"<{delivery_id}@notification.lms>",
    )


async def test_a_kept_connection_the_relay_dropped_is_replaced_and_the_mail_sent_once(smtp_server):
    first = smtp_server()
    with first:
        sender = SmtpSender([Relay("127.0.0.1", first.port)], from_address="a@b.test", from_name="LMS")
        await sender.send(a_mail("one@example.test"))
        assert [m["To"] for m in first.mailbox.messages] == ["one@example.test"]
    with smtp_server(first.port) as restarted:  # the kept connection died with the first server
        await sender.send(a_mail("two@example.test"))
        await sender.send(a_mail("three@example.test"))  # on the new kept connection
        await sender.close()
        assert [m["To"] for m in restarted.mailbox.messages] == ["two@example.test", "three@example.test"]
