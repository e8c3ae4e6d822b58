"""Fixtures for the kit's integration tests: real PostgreSQL and real NATS JetStream.

Every test gets its own database and its own event domain `t<hex>` (so its own stream),
and removes both afterwards, so runs never see each other's data.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats
import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import Message
from nats.js import JetStreamContext

from lms_kit.db import Database
from lms_kit.events.streams import ensure_stream, stream_name
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import nats_url, postgres_database

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class TestDomain:
    """A throw-away event domain with its stream and two event types."""

    name: str
    stream: str
    WidgetCreated: type[Message]
    WidgetRenamed: type[Message]


def _event_classes(package: str) -> tuple[type[Message], type[Message]]:
    # Events of a domain that exists only for this test, built like protoc would build them.
    pool = descriptor_pool.DescriptorPool()
    file = descriptor_pb2.FileDescriptorProto(
        name=f"{package.replace('.', '/')}/events.proto", package=package, syntax="proto3"
    )
    for name in ("WidgetCreated", "WidgetRenamed"):
        message = file.message_type.add(name=name)
        for number, field in enumerate(("widget_id", "title"), start=1):
            message.field.add(
                name=field,
                number=number,
                type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
                label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL,
            )
    pool.Add(file)
    return (
        message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{package}.WidgetCreated")),
        message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{package}.WidgetRenamed")),
    )


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    async with postgres_database() as url:
        yield url


@pytest.fixture
def migrations_dir() -> Path:
    """Revisions creating the kit's tables and the tables the tests write to."""
    return MIGRATIONS


@pytest.fixture
async def database(pg_url: str) -> AsyncIterator[Database]:
    """A migrated PostgreSQL database with the kit's tables and the test tables."""
    await upgrade(pg_url, MIGRATIONS)
    db = Database(pg_url, pool_size=5)
    yield db
    await db.dispose()


@pytest.fixture
async def js() -> AsyncIterator[JetStreamContext]:
    connection = await nats.connect(nats_url())
    yield connection.jetstream(timeout=5)
    await connection.close()


@pytest.fixture
async def domain(js: JetStreamContext) -> AsyncIterator[TestDomain]:
    name = f"t{uuid.uuid4().hex[:16]}"
    created, renamed = _event_classes(f"lms.{name}.v1")
    await ensure_stream(js, name)
    yield TestDomain(name, stream_name(name), created, renamed)
    await js.delete_stream(stream_name(name))


@pytest.fixture
def eventually() -> Callable[..., Awaitable[Any]]:
    """Poll `probe` until it returns a truthy value (returned) or fail after `within_s`.

    A deadline for waiting on another actor, not an assertion about speed.
    """

    async def wait(probe: Callable[[], Awaitable[Any]], *, within_s: float = 15.0) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within_s
        while True:
            result = await probe()
            if result:
                return result
            if loop.time() > deadline:
                pytest.fail(f"condition not met within {within_s}s: {probe}")
            await asyncio.sleep(0.02)

    return wait
