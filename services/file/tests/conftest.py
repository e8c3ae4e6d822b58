"""Shared fixtures: a real SeaweedFS (S3 API that checks signatures), a migrated throwaway
PostgreSQL database, the course service in-process (it decides who may see a lecture),
and the file service in-process with the kit's real pipeline."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lms.course.v1 import course_pb2_grpc
from lms.file.v1 import file_pb2_grpc
from lms_course.server import SERVICE as COURSE_SERVICE
from lms_devkit.standins.seaweed import SeaweedConfig, running_seaweed
from lms_file.adapters.s3 import S3ObjectStore
from lms_file.server import SERVICE
from lms_kit.clients import SigningTokenSource
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import nats_url, postgres_database
from lms_kit.testing.harness import TokenMint
from lms_kit.testing.plugin import Served, served, service_fixtures

pg_url, database = service_fixtures(SERVICE)

MIB = 1024 * 1024


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedConfig]:
    with running_seaweed(Path(tmp_path_factory.mktemp("seaweed"))) as config:
        yield config


def s3_settings(seaweed: SeaweedConfig, bucket: str = "lms-files-test") -> dict[str, Any]:
    return {
        "s3_endpoint_url": seaweed.endpoint,
        "s3_bucket": bucket,
        "s3_access_key_id": seaweed.access_key,
        "s3_secret_access_key": seaweed.secret_key,
    }


@pytest.fixture(scope="session")
def s3_store(seaweed: SeaweedConfig) -> S3ObjectStore:
    settings = s3_settings(seaweed)
    return S3ObjectStore(
        endpoint=settings["s3_endpoint_url"],
        bucket=settings["s3_bucket"],
        access_key_id=seaweed.access_key,
        secret_access_key=seaweed.secret_key,
    )


@pytest.fixture(scope="session")
async def course_url() -> AsyncIterator[str]:
    """The course service's own throwaway database."""
    async with postgres_database("lms_fcourse_test") as url:
        assert COURSE_SERVICE.migrations is not None
        await upgrade(url, COURSE_SERVICE.migrations)
        yield url


@dataclass
class Mesh:
    files: file_pb2_grpc.FileServiceStub
    courses: course_pb2_grpc.CourseServiceStub
    served: Served
    mint: TokenMint

    @property
    def exposed(self) -> dict[str, Any]:
        return self.served.exposed


@pytest.fixture(scope="session")
async def mesh(
    pg_url: str, course_url: str, token_mint: TokenMint, seaweed: SeaweedConfig
) -> AsyncIterator[Mesh]:
    async with served(COURSE_SERVICE, token_mint, database_url=course_url) as course:
        settings = {
            **s3_settings(seaweed),
            "nats_url": nats_url(),
            "course_service_target": course.server.target,
            "multipart_threshold_bytes": 5 * MIB,
            "multipart_part_bytes": 5 * MIB,
            "sweep_interval_s": 3600.0,  # tests run the sweep themselves
        }
        tokens = SigningTokenSource(token_mint.signer, "file")
        async with served(SERVICE, token_mint, tokens=tokens, database_url=pg_url, **settings) as running:
            await running.exposed["video_worker"].stop()  # tests run video jobs themselves
            yield Mesh(
                file_pb2_grpc.FileServiceStub(running.channel),
                course_pb2_grpc.CourseServiceStub(course.channel),
                running,
                token_mint,
            )
