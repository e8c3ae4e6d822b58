"""Shared fixtures: a migrated throwaway PostgreSQL database and the service in-process
with the kit's real pipeline."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from lms.analytics.v1 import analytics_pb2_grpc
from lms_analytics.server import SERVICE
from lms_kit.testing.plugin import Served, served, service_fixtures

pg_url, database = service_fixtures(SERVICE)


@pytest.fixture(scope="session")
async def service(pg_url: str, token_mint) -> AsyncIterator[Served]:
    async with served(SERVICE, token_mint, database_url=pg_url) as running:
        yield running


@pytest.fixture(scope="session")
def stub(service: Served) -> analytics_pb2_grpc.AnalyticsServiceStub:
    return analytics_pb2_grpc.AnalyticsServiceStub(service.channel)
