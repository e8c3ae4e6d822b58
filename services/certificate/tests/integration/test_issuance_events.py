"""Issuance from lms.course.v1.CourseCompleted on real PostgreSQL and NATS JetStream: one
certificate per learner and course under redelivery, duplicates and 20 concurrent events,
with one CertificateIssued in the outbox."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from lms.course.v1 import events_pb2 as course_events
from lms_certificate.adapters.tables import certificates, metadata
from lms_certificate.adapters.unit_of_work import SqlCertificateUnitOfWork
from lms_kit.events.envelope import Envelope
from lms_kit.testing.checks import schema_drift

COMPLETED = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


async def test_the_tables_match_the_migrations(pg_url):
    assert await schema_drift(pg_url, metadata) == []


def completion(user_id: str, course_id: str) -> course_events.CourseCompleted:
    event = course_events.CourseCompleted(course_id=course_id, user_id=user_id)
    event.complete_time.FromDatetime(COMPLETED)
    return event


async def publish(js, event, *, event_id: str | None = None, message_id: str | None = None) -> None:
    envelope = Envelope.new(event, event_id=event_id)
    headers = dict(envelope.headers)
    if message_id is not None:  # a different Nats-Msg-Id: JetStream keeps both copies
        headers["Nats-Msg-Id"] = message_id
    await js.publish(envelope.subject, envelope.payload, headers=headers)


async def rows_for(database, course_id: str) -> list[sa.Row]:
    async with database.session() as session:
        query = sa.select(certificates.c.id, certificates.c.user_id).where(
            certificates.c.course_id == course_id
        )
        return list(await session.execute(query))


async def issued_events(database, course_id: str) -> int:
    async with database.session() as session:
        rows = await session.execute(
            sa.text(
                "SELECT payload FROM kit_outbox WHERE event_type = 'lms.certificate.v1.CertificateIssued'"
            )
        )
        return sum(course_id.encode() in row.payload for row in rows)


async def handled(database, count: int) -> bool:
    async with database.session() as session:
        done = await session.execute(
            sa.text("SELECT count(*) FROM kit_inbox WHERE consumer = 'certificate-completions'")
        )
        return done.scalar_one() >= count


async def eventually(probe, *, within_s: float = 60.0) -> None:
    deadline = time.monotonic() + within_s
    while not await probe():
        assert time.monotonic() < deadline, "the consumer did not get there"
        await asyncio.sleep(0.1)


async def inbox_size(database) -> int:
    async with database.session() as session:
        return (
            await session.execute(
                sa.text("SELECT count(*) FROM kit_inbox WHERE consumer = 'certificate-completions'")
            )
        ).scalar_one()


async def test_redelivered_and_20_concurrent_completions_issue_one_certificate(service, js, people, database):
    directory, _ = people
    course_id, user_id = f"c-{uuid.uuid4()}", f"u-{uuid.uuid4()}"
    directory.course(course_id, "Distributed Systems", owner="t-1")
    directory.names[user_id] = "Leslie Lamport"
    before = await inbox_size(database)
    first_id = str(uuid.uuid4())
    await publish(js, completion(user_id, course_id), event_id=first_id)
    await publish(js, completion(user_id, course_id), event_id=first_id, message_id=str(uuid.uuid4()))
    # 20 distinct completion events of the same learner and course (a retried saga,
    # a replayed stream), published at once.
    await asyncio.gather(*(publish(js, completion(user_id, course_id)) for _ in range(20)))
    await eventually(lambda: handled(database, before + 21))

    rows = await rows_for(database, course_id)
    assert len(rows) == 1 and rows[0].user_id == user_id
    assert await issued_events(database, course_id) == 1


async def test_twenty_completions_racing_in_their_own_transactions_leave_one_row(service, people, database):
    directory, _ = people
    course_id, user_id = f"c-{uuid.uuid4()}", f"u-{uuid.uuid4()}"
    directory.course(course_id, "Consensus", owner="t-1")
    directory.names[user_id] = "Barbara Liskov"
    issuance = service.exposed["issuance"]

    async def one() -> str:
        async with SqlCertificateUnitOfWork(database) as uow:
            certificate = await issuance.on_course_completed(uow, user_id, course_id, COMPLETED)
            await uow.commit()
        return certificate.id

    ids = await asyncio.gather(*(one() for _ in range(20)))
    rows = await rows_for(database, course_id)
    assert len(rows) == 1 and set(ids) == {rows[0].id}
    assert await issued_events(database, course_id) == 1


async def test_a_completion_of_an_unknown_learner_issues_nothing(service, js, people, database):
    directory, _ = people
    course_id = f"c-{uuid.uuid4()}"
    directory.course(course_id, "Ghost course", owner="t-1")
    issuance = service.exposed["issuance"]
    async with SqlCertificateUnitOfWork(database) as uow:
        try:
            await issuance.on_course_completed(uow, "u-nobody", course_id, COMPLETED)
        except Exception as error:
            assert type(error).__name__ == "SubjectNotFound"
        else:
            raise AssertionError("an unknown learner must not get a certificate")
    assert await rows_for(database, course_id) == []
