"""Bulk announcements on real PostgreSQL: a teacher reaches the learners of their own course
(and no one else's), fanned out in batches, each learner once; critical mail queued behind
the bulk still goes out first."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from lms_kit.db import Database
from lms_kit.domain import Actor, Denied
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database
from lms_notification.adapters.bundled import bundled_templates
from lms_notification.adapters.email import Relay, SmtpSender
from lms_notification.adapters.unit_of_work import SqlNotificationUnitOfWork
from lms_notification.domain.catalog import Channel
from lms_notification.domain.model import Recipient
from lms_notification.handlers.admin import AdminHandlers
from lms_notification.handlers.announcements import AnnouncementHandlers
from lms_notification.handlers.delivery import DeliveryWorker
from lms_notification.handlers.ports import CourseInfo, HistoryFilter
from lms_notification.handlers.sending import SendCommand, Sending, SendingConfig
from lms_notification.migrations import MIGRATIONS_DIR

LEARNERS = 7


@pytest.fixture(scope="module")
async def db() -> AsyncIterator[Database]:
    async with postgres_database("lms_notification_bulk") as url:
        await upgrade(url, MIGRATIONS_DIR)
        database = Database(url)
        yield database
        await database.dispose()


async def a_course_with_learners(db: Database, teacher: str) -> tuple[str, list[str]]:
    course_id = f"c-{uuid.uuid4().hex[:8]}"
    learners = [f"l-{course_id}-{i}" for i in range(LEARNERS)]
    async with SqlNotificationUnitOfWork(db) as uow:
        await uow.courses.save(CourseInfo(course_id, teacher, "Botany"))
        for learner in learners:
            await uow.recipients.save(Recipient(learner, email=f"{learner}@example.test"))
            await uow.audiences.add_learner(course_id, learner)
        await uow.commit()
    return course_id, learners


async def test_a_teacher_announces_to_their_learners_in_batches_each_once(db):
    uow = lambda: SqlNotificationUnitOfWork(db)  # noqa: E731
    sending = Sending(uow, bundled_templates(), SendingConfig())
    bulk = AnnouncementHandlers(uow, sending, batch_size=3)
    teacher = Actor.user(f"t-{uuid.uuid4().hex[:6]}", "teacher")
    course_id, learners = await a_course_with_learners(db, teacher.user_id)
    request_id = str(uuid.uuid4())
    made = await bulk.create(teacher, "Exam", "The exam is on Friday.", course_id, request_id)
    assert (await bulk.create(teacher, "Exam", "The exam is on Friday.", course_id, request_id)).id == made.id
    steps = []
    while queued := await bulk.fan_out_once():
        steps.append(queued)
    assert steps == [3, 3, 1]
    progress = await bulk.get(teacher, made.id)
    assert (progress.queued_count, progress.done) == (LEARNERS, True)
    admin = AdminHandlers(uow)
    for learner in learners:
        [notification] = await admin.history(HistoryFilter(learner), None, 10)
        assert (notification.type, notification.idempotency_key) == (
            "announcement",
            f"announcement:{made.id}:{learner}",
        )
    assert await bulk.fan_out_once() == 0  # nothing left, nothing doubled


async def test_a_teacher_cannot_announce_to_another_course_or_everyone(db):
    uow = lambda: SqlNotificationUnitOfWork(db)  # noqa: E731
    bulk = AnnouncementHandlers(uow, Sending(uow, bundled_templates(), SendingConfig()))
    course_id, _ = await a_course_with_learners(db, "the-owner")
    intruder = Actor.user("not-the-owner", "teacher")
    for audience in (course_id, None):
        with pytest.raises(Denied) as caught:
            await bulk.create(intruder, "Hi", "Buy my course", audience, str(uuid.uuid4()))
        assert caught.value.reason == "ANNOUNCEMENT_AUDIENCE_DENIED"


async def test_critical_mail_queued_behind_bulk_mail_goes_out_first(db, smtp):
    uow = lambda: SqlNotificationUnitOfWork(db)  # noqa: E731
    sending = Sending(uow, bundled_templates(), SendingConfig())
    worker = DeliveryWorker(
        uow,
        {
            Channel.EMAIL: SmtpSender(
                [Relay("127.0.0.1", smtp.port)], from_address="a@b.test", from_name="LMS"
            )
        },
        batch_size=5,
    )
    run = uuid.uuid4().hex[:6]
    for i in range(12):
        await sending.send(
            SendCommand(
                "announcement",
                f"bulk-{run}-{i}",
                f"bulk:{run}:{i}",
                {"title": "T", "message": "M"},
                email=f"bulk-{run}-{i}@example.test",
                channels=[Channel.EMAIL],
            )
        )
    reset_to = f"reset-{run}@example.test"
    await sending.send(
        SendCommand(
            "password_reset", f"r-{run}", f"reset:{run}", {"reset_url": "https://x.test/r"}, email=reset_to
        )
    )
    before = len(smtp.mailbox.messages)
    assert await worker.run_once() == 5
    first_batch = [m["To"] for m in smtp.mailbox.messages[before:]]
    assert first_batch[0] == reset_to
    while await worker.run_once():
        pass
