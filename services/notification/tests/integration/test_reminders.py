"""Recurring study reminders and social digests on real PostgreSQL: a learner idle for three
days is reminded, again three days later while still idle, at most the configured number of
times, and not after new activity until idle again; social email of a user who chose a digest
waits and goes out as one mail a day."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from lms_kit.db import Database
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database
from lms_notification.adapters.bundled import bundled_templates
from lms_notification.adapters.unit_of_work import SqlNotificationUnitOfWork
from lms_notification.domain.catalog import Channel
from lms_notification.domain.model import DeliveryStatus
from lms_notification.domain.preferences import Preferences
from lms_notification.handlers.admin import AdminHandlers
from lms_notification.handlers.digests import SocialDigests
from lms_notification.handlers.ports import CourseInfo, HistoryFilter
from lms_notification.handlers.preferences import PreferenceHandlers
from lms_notification.handlers.reminders import StudyReminders
from lms_notification.handlers.sending import SendCommand, Sending, SendingConfig
from lms_notification.migrations import MIGRATIONS_DIR

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
async def db() -> AsyncIterator[Database]:
    async with postgres_database("lms_notification_reminders") as url:
        await upgrade(url, MIGRATIONS_DIR)
        database = Database(url)
        yield database
        await database.dispose()


async def test_an_idle_learner_is_reminded_every_three_idle_days_at_most_twice(db):
    clock = {"now": T0}
    uow = lambda: SqlNotificationUnitOfWork(db)  # noqa: E731
    sending = Sending(uow, bundled_templates(), SendingConfig(), clock=lambda: clock["now"])
    reminders = StudyReminders(
        uow, sending, inactive_for=timedelta(days=3), max_reminders=2, clock=lambda: clock["now"]
    )
    admin = AdminHandlers(uow)
    async with uow() as unit:
        await unit.courses.save(CourseInfo("c-rem", "teacher", "Botany"))
        await unit.audiences.active("c-rem", "idle-learner", T0)
        await unit.commit()

    async def reminders_sent() -> int:
        return len(await admin.history(HistoryFilter("idle-learner", type="study_reminder"), None, 50))

    sweeps = {}
    for day in (2, 3.1, 3.2, 6.2, 9.3, 12.4):
        clock["now"] = T0 + timedelta(days=day)
        await reminders.sweep_once()
        sweeps[day] = await reminders_sent()
    assert sweeps == {2: 0, 3.1: 1, 3.2: 1, 6.2: 2, 9.3: 2, 12.4: 2}
    [latest, _] = await admin.history(HistoryFilter("idle-learner", type="study_reminder"), None, 50)
    in_app = next(d for d in latest.deliveries if d.channel is Channel.IN_APP)
    assert (in_app.status, in_app.content.text_body) == (
        DeliveryStatus.SENT,
        "Continue Botany where you left off.",
    )
    # New activity starts over: quiet for three days, then reminded again.
    async with uow() as unit:
        await unit.audiences.active("c-rem", "idle-learner", T0 + timedelta(days=13))
        await unit.commit()
    clock["now"] = T0 + timedelta(days=15)
    await reminders.sweep_once()
    assert await reminders_sent() == 2
    clock["now"] = T0 + timedelta(days=16.5)
    await reminders.sweep_once()
    assert await reminders_sent() == 3


async def test_social_email_waits_for_one_daily_digest_when_the_user_chose_it(db):
    clock = {"now": T0}
    uow = lambda: SqlNotificationUnitOfWork(db)  # noqa: E731
    sending = Sending(uow, bundled_templates(), SendingConfig(), clock=lambda: clock["now"])
    digests = SocialDigests(uow, sending, window=timedelta(days=1), clock=lambda: clock["now"])
    prefs = PreferenceHandlers(uow, secret=b"s", locales=("en",))
    user_id, address = "digest-user", "digest-user@example.test"
    await prefs.update(Preferences(user_id, social_digest=True), ["social_digest"])
    for i, follower in enumerate(("Grace", "Linus", "Ada")):
        clock["now"] = T0 + timedelta(hours=i)
        sent = await sending.send(
            SendCommand("new_follower", user_id, f"f:{follower}", {"follower_name": follower}, email=address)
        )
        by_channel = {d.channel: d for d in sent.deliveries}
        assert by_channel[Channel.EMAIL].suppressed_by == "digest"
        assert by_channel[Channel.IN_APP].status is DeliveryStatus.SENT  # the inbox is not held
    clock["now"] = T0 + timedelta(hours=20)
    assert await digests.sweep_once() == 0  # the oldest line is not a day old yet
    clock["now"] = T0 + timedelta(hours=25)
    assert await digests.sweep_once() == 1
    assert await digests.sweep_once() == 0  # taken once
    [digest] = await AdminHandlers(uow).history(HistoryFilter(user_id, type="social_digest"), None, 10)
    [email] = digest.deliveries
    assert email.status is DeliveryStatus.QUEUED and email.content.subject == "3 new on LMS"
    assert email.content.text_body.count("follows you now") == 3
