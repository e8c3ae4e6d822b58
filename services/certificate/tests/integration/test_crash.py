"""The service as its own process, killed with SIGKILL while it issues a batch of
completions: after a restart every learner holds exactly one certificate."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid

import sqlalchemy as sa

from lms_certificate.adapters.tables import certificates

from ..standins import free_port
from .test_issuance_events import completion, eventually, issued_events, publish

LEARNERS = 40


def start_service(settings: dict[str, object], token_mint, durable: str) -> subprocess.Popen:
    env = {
        **os.environ,
        **{f"LMS_{k.upper()}": str(v) for k, v in settings.items()},
        "LMS_SERVICE_NAME": "certificate",
        "LMS_GRPC_PORT": str(free_port()),
        "LMS_JWKS_URL": token_mint.jwks_url,
        "LMS_CERTIFICATE_COMPLETION_DURABLE": durable,
        "LMS_CERTIFICATE_ISSUE_ACK_WAIT_S": "2",
        "LMS_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "lms_certificate.server"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def count(database, course_id: str) -> tuple[int, int]:
    async with database.session() as session:
        row = (
            await session.execute(
                sa.select(sa.func.count(), sa.func.count(sa.distinct(certificates.c.user_id))).where(
                    certificates.c.course_id == course_id
                )
            )
        ).one()
    return row[0], row[1]


async def test_a_service_killed_mid_issuance_issues_each_certificate_once_after_restart(
    service, js, people, database, pg_url, keys, token_mint
):
    from ..conftest import service_settings

    directory, target = people
    course_id = f"c-{uuid.uuid4()}"
    directory.course(course_id, "Crash-only software", owner="t-1")
    learners = [f"u-{uuid.uuid4()}" for _ in range(LEARNERS)]
    for n, user_id in enumerate(learners):
        directory.names[user_id] = f"Learner {n}"
    settings = service_settings(pg_url, keys, target, service.built.runtime.settings.nats_url)
    durable = f"certificate-crash-{uuid.uuid4().hex[:8]}"

    first = start_service(settings, token_mint, durable)
    try:
        for user_id in learners:
            await publish(js, completion(user_id, course_id))

        async def some_issued() -> bool:
            return (await count(database, course_id))[0] >= 3

        await eventually(some_issued)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    at_kill = (await count(database, course_id))[0]
    assert at_kill < LEARNERS, "the batch finished before the kill; nothing was interrupted"

    second = start_service(settings, token_mint, durable)
    try:

        async def all_issued() -> bool:
            return (await count(database, course_id))[1] == LEARNERS

        await eventually(all_issued, within_s=90)
    finally:
        second.terminate()
        second.wait(timeout=30)
    assert await count(database, course_id) == (LEARNERS, LEARNERS)
    assert await issued_events(database, course_id) == LEARNERS
