"""The service as its own process, killed with SIGKILL while it ingests a stream of events,
then restarted: every event is one statement, none lost, none doubled."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import nats
import pytest
import sqlalchemy as sa

from lms.course.v1 import events_pb2
from lms_kit.events import ensure_stream, inbox

EVENTS = 300

# Run in a process of its own: this test process already holds another chDB directory.
COUNT_SCRIPT = """
import asyncio, json, sys
from pathlib import Path
from lms_analytics.adapters.store import ChdbEngine, StatementStore
async def main():
    store = StatementStore.open(ChdbEngine(Path(sys.argv[1])))
    rows = await store.count_statements()
    totals = await store.course_totals(sys.argv[2])
    print(json.dumps({"rows": rows, "enrolled": totals.enrollments}))
asyncio.run(main())
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_service(pg_url: str, nats_url: str, store: Path, durable: str, jwks_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "LMS_SERVICE_NAME": "analytics",
        "LMS_GRPC_PORT": str(free_port()),
        "LMS_DATABASE_URL": pg_url,
        "LMS_NATS_URL": nats_url,
        "LMS_JWKS_URL": jwks_url,
        "LMS_ANALYTICS_STORE_PATH": str(store),
        "LMS_ANALYTICS_EVENT_DOMAINS": '["course"]',
        "LMS_ANALYTICS_INGEST_DURABLE_PREFIX": durable,
        "LMS_ANALYTICS_INGEST_ACK_WAIT_S": "2",
        "LMS_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "lms_analytics.server"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def eventually(check: Callable[[], Awaitable[bool]], *, within_s: float = 90.0) -> None:
    deadline = asyncio.get_running_loop().time() + within_s
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the expected effect never happened")
        await asyncio.sleep(0.1)


async def handled(database, durable: str) -> int:
    async with database.session() as session:
        query = sa.select(sa.func.count()).select_from(inbox).where(inbox.c.consumer == durable)
        return int((await session.execute(query)).scalar_one())


@pytest.fixture
def crash_nats(tmp_path: Path) -> Iterator[str]:
    """Its own JetStream: the session's holds the other tests' course events too."""
    from ..conftest import nats_server

    with nats_server(tmp_path / "nats") as url:
        yield url


async def test_service_killed_mid_ingestion_stores_every_event_once_after_restart(
    database, pg_url, crash_nats, token_mint, tmp_path
) -> None:
    own_nats = crash_nats
    course_id = f"c-{uuid.uuid4().hex[:8]}"
    prefix = f"crash{uuid.uuid4().hex[:6]}"
    durable = f"{prefix}-course"
    store = tmp_path / "chdb"
    client = await nats.connect(own_nats)
    js = client.jetstream()
    await ensure_stream(js, "course")
    for _ in range(EVENTS):
        event_id = str(uuid.uuid4())
        payload = events_pb2.EnrollmentCreated(course_id=course_id, user_id=f"u-{event_id}")
        await js.publish(
            "lms.course.v1.EnrollmentCreated",
            payload.SerializeToString(),
            headers={
                "Nats-Msg-Id": event_id,
                "lms-event-id": event_id,
                "lms-event-type": "lms.course.v1.EnrollmentCreated",
                "lms-occurred-at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            },
        )
    await client.close()

    first = start_service(pg_url, own_nats, store, prefix, token_mint.jwks_url)
    try:

        async def some_handled() -> bool:
            return await handled(database, durable) >= 20

        await eventually(some_handled)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    at_kill = await handled(database, durable)
    assert at_kill < EVENTS, "ingestion finished before the kill; nothing was interrupted"

    second = start_service(pg_url, own_nats, store, prefix, token_mint.jwks_url)
    try:

        async def all_handled() -> bool:
            return await handled(database, durable) == EVENTS

        await eventually(all_handled)
    finally:
        second.terminate()
        second.wait(timeout=30)

    counted = subprocess.run(  # noqa: ASYNC221 - a short child after the service stopped
        [sys.executable, "-c", COUNT_SCRIPT, str(store), course_id],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(counted.stdout.strip().splitlines()[-1]) == {"rows": EVENTS, "enrolled": EVENTS}
