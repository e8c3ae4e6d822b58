"""Shared fixtures: a migrated throwaway PostgreSQL database and the service over gRPC
with the kit's real pipeline."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from lms.course.v1 import course_pb2_grpc
from lms_course.server import SERVICE
from lms_kit.testing.harness import TokenMint
from lms_kit.testing.plugin import Served, served, service_fixtures

pg_url, database = service_fixtures(SERVICE)


@pytest.fixture(scope="session")
async def course(pg_url: str, token_mint: TokenMint) -> AsyncIterator[Served]:
    """One server shared by the session's gRPC tests."""
    async with served(SERVICE, token_mint, database_url=pg_url, database_pool_size=20) as running:
        yield running


@pytest.fixture(scope="session")
def service(
    course: Served, token_mint: TokenMint
) -> tuple[course_pb2_grpc.CourseServiceStub, TokenMint, Served]:
    """(stub, mint, served service)."""
    return course_pb2_grpc.CourseServiceStub(course.channel), token_mint, course
