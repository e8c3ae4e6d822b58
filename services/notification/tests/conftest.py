"""Shared fixtures: a migrated throwaway PostgreSQL database, a real SMTP server (aiosmtpd)
and the service in-process with the kit's real pipeline, its workers and its consumers."""

from __future__ import annotations

import asyncio
import email
import email.policy
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from lms.notification.v1 import notification_pb2_grpc
from lms_devkit.standins.twilio import TwilioStandIn
from lms_kit.testing.plugin import Served, served, service_fixtures
from lms_notification.server import SERVICE

pg_url, database = service_fixtures(SERVICE)

TWILIO_CALLBACK = "https://gateway.test/v1/webhooks/twilio/status"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """aiosmtpd handler: stores each accepted message; `refuse_with` answers DATA instead."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse_with = ""
        self.on_mail: Callable[[int], None] | None = None  # called at MAIL FROM with the count so far
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.on_mail is not None:
            self.on_mail(len(self.messages))
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_with:
            return self.refuse_with
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(parsed)  # type: ignore[arg-type]
            self._arrived.notify_all()
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]

    def wait_for(
        self, predicate: Callable[[list[EmailMessage]], bool], timeout: float = 30.0
    ) -> list[EmailMessage]:
        """Block this thread until `predicate(messages)` holds (or the timeout); the messages then."""
        with self._arrived:
            self._arrived.wait_for(lambda: predicate(self.messages), timeout)
            return list(self.messages)

    async def arrival(self, address: str, count: int = 1) -> list[EmailMessage]:
        """Wait (without blocking the event loop) until `count` mails to `address` arrived."""
        await asyncio.to_thread(self.wait_for, lambda ms: sum(m["To"] == address for m in ms) >= count)
        return self.to(address)


class SmtpServer:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.mailbox = Mailbox()
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


@pytest.fixture(scope="session")
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="session")
def own_nats() -> Iterator[str]:
    """A JetStream server of this session's own: the machine's shared one holds other runs'
    user events, which a fresh durable consumer would replay, and other runs' consumers."""
    binary = shutil.which("nats-server") or str(Path(sys.executable).parent / "nats-server")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="lms-notification-nats-") as store:
        process = subprocess.Popen(
            [binary, "-js", "-sd", store, "-a", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    time.sleep(0.05)
            yield f"nats://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def twilio() -> Iterator[TwilioStandIn]:
    standin = TwilioStandIn().start()
    yield standin
    standin.stop()


@pytest.fixture(scope="session")
async def service(
    pg_url: str, token_mint, smtp: SmtpServer, own_nats: str, twilio: TwilioStandIn
) -> AsyncIterator[Served]:
    async with served(
        SERVICE,
        token_mint,
        database_url=pg_url,
        nats_url=own_nats,
        smtp_host="127.0.0.1",
        smtp_port=free_port(),  # nothing listens there
        # The first relay is down: every mail goes through the second (failover).
        smtp_fallback_host="127.0.0.1",
        smtp_fallback_port=smtp.port,
        delivery_poll_interval_s=0.2,
        inbox_poll_interval_s=0.2,
        unsubscribe_secret="test-unsubscribe-secret-0123456789",
        twilio_account_sid=twilio.account_sid,
        twilio_auth_token=twilio.auth_token,
        twilio_from_number=twilio.from_number,
        twilio_api_base=twilio.base_url,
        twilio_status_callback_url=TWILIO_CALLBACK,
    ) as running:
        yield running


@pytest.fixture(scope="session")
def stub(service: Served) -> notification_pb2_grpc.NotificationServiceStub:
    return notification_pb2_grpc.NotificationServiceStub(service.channel)


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (an SMTP relay that is down)."""
    return free_port()


@pytest.fixture(scope="session")
def smtp_server() -> type[SmtpServer]:
    """The SmtpServer class, for tests that start their own."""
    return SmtpServer
