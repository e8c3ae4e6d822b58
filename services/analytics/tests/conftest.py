"""Shared fixtures: migrated throwaway PostgreSQL databases, a JetStream of these tests only,
the real course service and the analytics service in-process with the kit's real pipeline."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from lms.analytics.v1 import analytics_pb2_grpc
from lms.course.v1 import course_pb2_grpc
from lms_analytics.server import SERVICE
from lms_course.server import SERVICE as COURSE_SERVICE
from lms_devkit.course import People
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database
from lms_kit.testing.harness import TokenMint
from lms_kit.testing.plugin import Served, served, service_fixtures

pg_url, database = service_fixtures(SERVICE)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def nats_server(store: Path) -> Iterator[str]:
    """A JetStream of its own: on the machine's shared one, a new durable of ours would
    first read every event everyone has published this week."""
    binary = shutil.which("nats-server") or str(Path(sys.executable).parent / "nats-server")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "-js", "-sd", str(store), "-a", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    try:
        yield f"nats://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def own_nats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with nats_server(tmp_path_factory.mktemp("nats")) as url:
        yield url


@pytest.fixture(scope="session")
def chdb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """chDB runs one embedded server per process, on one data directory: every test of the
    session (store tests and the served service) shares this one."""
    return Path(tmp_path_factory.mktemp("chdb"))


@pytest.fixture(scope="session")
async def course_url() -> AsyncIterator[str]:
    async with postgres_database("lms_ancourse_test") as url:
        assert COURSE_SERVICE.migrations is not None
        await upgrade(url, COURSE_SERVICE.migrations)
        yield url


@dataclass
class Mesh:
    analytics: analytics_pb2_grpc.AnalyticsServiceStub
    courses: course_pb2_grpc.CourseServiceStub
    people: People
    served: Served
    nats_url: str


@pytest.fixture(scope="session")
async def mesh(
    pg_url: str,
    course_url: str,
    own_nats: str,
    token_mint: TokenMint,
    chdb_path: Path,
) -> AsyncIterator[Mesh]:
    async with served(COURSE_SERVICE, token_mint, database_url=course_url, nats_url=own_nats) as course:
        settings = {
            "database_url": pg_url,
            "nats_url": own_nats,
            "course_service_target": course.server.target,
            "analytics_store_path": str(chdb_path),
            "analytics_event_domains": ["course", "payment"],
        }
        async with served(SERVICE, token_mint, **settings) as running:
            yield Mesh(
                analytics_pb2_grpc.AnalyticsServiceStub(running.channel),
                course_pb2_grpc.CourseServiceStub(course.channel),
                People(token_mint),
                running,
                own_nats,
            )
