"""The kit's pytest plugin (registered as `lms_kit` through the `pytest11` entry point).

Fixtures every test session gets: `token_mint` (a signing key published as a JWKS file,
for tokens the in-process servers trust) and `nats_server_url`. Per service, its
tests/conftest.py makes the database fixtures of its own migrations in one line:

    from lms_kit.testing.plugin import service_fixtures
    pg_url, database = service_fixtures(SERVICE)

`pg_url` is a throwaway PostgreSQL database (on LMS_TEST_PG_URL) migrated to head once per
session; `database` is a `Database` on it. `served(...)` starts a built service in-process
with the real pipeline (see docs/kit.md "Testing a service").
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import grpc
import pytest

from lms_kit.db import Database
from lms_kit.migrations import upgrade
from lms_kit.service import BuiltService, ServiceDefinition, build
from lms_kit.testing.databases import nats_url, postgres_database
from lms_kit.testing.harness import TestServer, TokenMint, serve_app, settings_for


@pytest.fixture(scope="session")
def token_mint(tmp_path_factory: pytest.TempPathFactory) -> TokenMint:
    return TokenMint.create(tmp_path_factory.mktemp("jwks"))


@pytest.fixture(scope="session")
def nats_server_url() -> str:
    return nats_url()


def service_fixtures(definition: ServiceDefinition[Any]) -> tuple[Any, Any]:
    """(`pg_url`, `database`) session fixtures for `definition`'s migrations."""
    if definition.migrations is None:
        raise ValueError(f"the {definition.name} service has no database")
    migrations = definition.migrations

    @pytest.fixture(scope="session")
    async def pg_url() -> AsyncIterator[str]:
        async with postgres_database(f"lms_{definition.name}_test") as url:
            await upgrade(url, migrations)
            yield url

    @pytest.fixture(scope="session")
    async def database(pg_url: str) -> AsyncIterator[Database]:
        db = Database(pg_url)
        yield db
        await db.dispose()

    return pg_url, database


@dataclass
class Served:
    """A service running in-process: its built parts and a channel to it."""

    built: BuiltService[Any]
    server: TestServer

    @property
    def channel(self) -> grpc.aio.Channel:
        return self.server.channel

    @property
    def exposed(self) -> dict[str, Any]:
        return self.built.exposed


@asynccontextmanager
async def served(
    definition: ServiceDefinition[Any], mint: TokenMint, *, tokens: Any = None, **settings: object
) -> AsyncIterator[Served]:
    """Build `definition` with `settings` (plus the mint's JWKS) and serve it on a free port.
    Its pool keeps 2 idle connections (bursts still open up to 10 more): a suite holds a
    dozen services at once, and PostgreSQL's default of 100 connections is shared by all."""
    settings.setdefault("database_pool_size", 2)
    config = settings_for(mint, definition.name, definition.settings, **settings)
    built = await build(definition, config, tokens=tokens)
    async with serve_app(built.app, config) as server:
        yield Served(built, server)
