"""Shared fixtures: a migrated throwaway PostgreSQL database and the service over gRPC
with the kit's real pipeline."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from lms.course.v1 import course_pb2_grpc
from lms_course.migrations import MIGRATIONS_DIR
from lms_course.server import build
from lms_course.settings import CourseSettings
from lms_kit.db import Database
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database
from lms_kit.testing.harness import TokenMint, serve_app, settings_for


@pytest.fixture(scope="session")
async def pg_url() -> AsyncIterator[str]:
    async with postgres_database("lms_course_test") as url:
        await upgrade(url, MIGRATIONS_DIR)
        yield url


@pytest.fixture(scope="session")
async def database(pg_url: str) -> AsyncIterator[Database]:
    database = Database(pg_url)
    yield database
    await database.dispose()


@pytest.fixture(scope="session")
async def service(pg_url: str, tmp_path_factory) -> AsyncIterator[tuple]:
    """(stub, mint, built app) of one server shared by the session's gRPC tests."""
    mint = TokenMint.create(tmp_path_factory.mktemp("course-jwks"))
    settings = settings_for(mint, "course", CourseSettings, database_url=pg_url, database_pool_size=20)
    built = await build(settings)
    async with serve_app(built.app, settings) as server:
        yield course_pb2_grpc.CourseServiceStub(server.channel), mint, built
