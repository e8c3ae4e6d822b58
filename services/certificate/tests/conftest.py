"""Shared fixtures: a migrated throwaway PostgreSQL database, a nats-server of the session's
own (JetStream, temp dir), the dev signing keys, real gRPC stand-ins for the user and course
services, and the service in-process with the kit's real pipeline and its consumer."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import nats
import pytest

from lms.certificate.v1 import certificate_pb2_grpc
from lms_certificate.server import SERVICE
from lms_devkit.dev.certificate import write_dev_keys
from lms_kit.testing.plugin import Served, served, service_fixtures

from .standins import People, free_port, start

pg_url, database = service_fixtures(SERVICE)
PUBLIC = "https://lms.example"


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return write_dev_keys(tmp_path_factory.mktemp("certificate-keys"))


@pytest.fixture(scope="session")
def own_nats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A JetStream of these tests only: the machine's is shared, and a durable of ours
    there would read everyone's completions."""
    binary = shutil.which("nats-server") or str(Path(sys.executable).parent / "nats-server")
    port = free_port()
    store = tmp_path_factory.mktemp("nats")
    process = subprocess.Popen(
        [binary, "-js", "-sd", str(store), "-a", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"nats://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            import socket

            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
async def people() -> AsyncIterator[tuple[People, str]]:
    directory = People()
    server, target = await start(directory)
    yield directory, target
    await server.stop(None)


def service_settings(pg_url: str, keys: dict[str, str], target: str, nats_url: str = "") -> dict[str, object]:
    return {
        "database_url": pg_url,
        "nats_url": nats_url,
        "public_base_url": PUBLIC,
        "user_service_target": target,
        "course_service_target": target,
        "certificate_signing_key_file": keys["LMS_CERTIFICATE_SIGNING_KEY_FILE"],
        "certificate_signing_cert_file": keys["LMS_CERTIFICATE_SIGNING_CERT_FILE"],
        "certificate_badge_key_file": keys["LMS_CERTIFICATE_BADGE_KEY_FILE"],
    }


@pytest.fixture(scope="session")
async def service(pg_url: str, token_mint, keys, people, own_nats) -> AsyncIterator[Served]:
    _, target = people
    async with served(SERVICE, token_mint, **service_settings(pg_url, keys, target, own_nats)) as running:
        yield running


@pytest.fixture(scope="session")
def stub(service: Served) -> certificate_pb2_grpc.CertificateServiceStub:
    return certificate_pb2_grpc.CertificateServiceStub(service.channel)


@pytest.fixture
async def js(own_nats: str):
    client = await nats.connect(own_nats)
    yield client.jetstream()
    await client.close()
