"""A delivery worker killed with SIGKILL in the middle of a leased batch: after a restart every
mail arrives at the SMTP server exactly once (counted there), none lost, none doubled."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms_kit.db import Database
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database
from lms_notification.adapters.bundled import bundled_templates
from lms_notification.adapters.tables import deliveries
from lms_notification.adapters.unit_of_work import SqlNotificationUnitOfWork
from lms_notification.domain.catalog import Channel
from lms_notification.handlers.sending import SendCommand, Sending, SendingConfig
from lms_notification.migrations import MIGRATIONS_DIR

MAILS = 12
KILL_AT = 5  # the worker dies as it starts the 6th mail of its one leased batch


@pytest.fixture(scope="module")
async def db_url() -> AsyncIterator[str]:
    async with postgres_database("lms_notification_crash") as url:
        await upgrade(url, MIGRATIONS_DIR)
        yield url


def start_service(db_url: str, smtp_port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "LMS_DATABASE_URL": db_url,
        "LMS_GRPC_PORT": "0",  # any free port: the test never calls it
        "LMS_NATS_URL": "",
        "LMS_SMTP_HOST": "127.0.0.1",
        "LMS_SMTP_PORT": str(smtp_port),
        "LMS_DELIVERY_BATCH_SIZE": str(MAILS),  # one batch holds every mail
        "LMS_DELIVERY_LEASE_S": "3",
        "LMS_DELIVERY_POLL_INTERVAL_S": "0.2",
        "LMS_LOG_JSON": "false",
    }
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "lms_notification.server"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


async def statuses(database: Database) -> dict[str, int]:
    async with database.session() as session:
        rows = await session.execute(
            sa.select(deliveries.c.status, sa.func.count()).group_by(deliveries.c.status)
        )
        return {status: count for status, count in rows}


async def test_a_worker_killed_mid_batch_loses_no_mail_and_sends_none_twice(db_url, smtp_server, tmp_path):
    log = tmp_path / "service.log"
    database = Database(db_url)
    sending = Sending(lambda: SqlNotificationUnitOfWork(database), bundled_templates(), SendingConfig())
    run = uuid.uuid4().hex[:6]
    addresses = [f"crash-{run}-{i}@example.test" for i in range(MAILS)]
    for i, address in enumerate(addresses):
        await sending.send(
            SendCommand(
                "welcome", f"crash-{run}-{i}", f"crash:{run}:{i}", email=address, channels=[Channel.EMAIL]
            )
        )
    with smtp_server() as smtp:
        victim = start_service(db_url, smtp.port, log)

        def kill_mid_batch(accepted: int) -> None:
            if accepted == KILL_AT and victim.poll() is None:
                os.kill(victim.pid, signal.SIGKILL)  # before this mail's DATA: it was never accepted

        smtp.mailbox.on_mail = kill_mid_batch
        try:
            exit_code = await asyncio.to_thread(victim.wait, 60)
            assert exit_code == -signal.SIGKILL, log.read_text(errors="replace")[-3000:]
            assert len(smtp.mailbox.messages) == KILL_AT
            assert await statuses(database) == {"sent": KILL_AT, "queued": MAILS - KILL_AT}  # leased, unsent
            smtp.mailbox.on_mail = None
            survivor = start_service(db_url, smtp.port, log)
            try:
                await asyncio.to_thread(smtp.mailbox.wait_for, lambda ms: len(ms) >= MAILS, 60)
                for _ in range(300):  # until the last mail is recorded (nothing left to resend)
                    if await statuses(database) == {"sent": MAILS}:
                        break
                    await asyncio.sleep(0.1)
                assert await statuses(database) == {"sent": MAILS}
            finally:
                survivor.terminate()
                survivor.wait(30)
        finally:
            if victim.poll() is None:
                victim.kill()
        received = smtp.mailbox.messages
        assert sorted(m["To"] for m in received) == sorted(addresses)
        assert len({m["Message-ID"] for m in received}) == MAILS
    await database.dispose()
