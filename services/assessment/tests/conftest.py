"""Shared fixtures: migrated throwaway PostgreSQL databases, the real course service served
in-process (teachers and enrolments come from it), and this service in-process with the
kit's real pipeline and the outbox relay to NATS JetStream."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from lms.assessment.v1 import assessment_pb2_grpc
from lms.course.v1 import course_pb2, course_pb2_grpc
from lms_assessment.server import SERVICE
from lms_course.server import SERVICE as COURSE_SERVICE
from lms_devkit.course import People, published_course
from lms_kit.clients import SigningTokenSource
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import nats_url, postgres_database
from lms_kit.testing.harness import TokenMint
from lms_kit.testing.plugin import Served, served, service_fixtures

pg_url, database = service_fixtures(SERVICE)


@dataclass
class Mesh:
    stub: assessment_pb2_grpc.AssessmentServiceStub
    courses: course_pb2_grpc.CourseServiceStub
    people: People
    served: Served
    course_target: str
    pg_url: str

    def exposed(self, name: str):  # type: ignore[no-untyped-def]
        return self.served.exposed[name]


@dataclass
class CourseFixture:
    """A published course with a teacher and one enrolled learner."""

    course_id: str
    lecture: str
    teacher_id: str
    teacher: tuple
    learner_id: str
    learner: tuple


@pytest.fixture(scope="session")
async def course_url() -> AsyncIterator[str]:
    async with postgres_database("lms_acourse_test") as url:
        assert COURSE_SERVICE.migrations is not None
        await upgrade(url, COURSE_SERVICE.migrations)
        yield url


@pytest.fixture(scope="session")
async def mesh(pg_url: str, course_url: str, token_mint: TokenMint) -> AsyncIterator[Mesh]:
    async with served(COURSE_SERVICE, token_mint, database_url=course_url) as course:
        tokens = SigningTokenSource(token_mint.signer, "assessment")
        async with served(
            SERVICE,
            token_mint,
            tokens=tokens,
            database_url=pg_url,
            nats_url=nats_url(),
            course_service_target=course.server.target,
            course_cache_s=0,
            sweep_interval_s=0.2,
            watch_interval_s=0.2,
        ) as running:
            yield Mesh(
                assessment_pb2_grpc.AssessmentServiceStub(running.channel),
                course_pb2_grpc.CourseServiceStub(course.channel),
                People(token_mint),
                running,
                course.server.target,
                pg_url,
            )


async def enrol(mesh: Mesh, course_name: str, user_id: str) -> tuple:
    learner = mesh.people.student(user_id)
    await mesh.courses.Enroll(course_pb2.EnrollRequest(course=course_name), metadata=learner)
    return learner


async def new_course(mesh: Mesh) -> CourseFixture:
    teacher_id, learner_id = f"t-{uuid.uuid4().hex[:8]}", f"l-{uuid.uuid4().hex[:8]}"
    teacher = mesh.people.teacher(teacher_id)
    course, lectures = await published_course(mesh.courses, teacher, title="Physics")
    learner = await enrol(mesh, course.name, learner_id)
    return CourseFixture(course.name.split("/")[1], lectures[0], teacher_id, teacher, learner_id, learner)


@pytest.fixture
async def course(mesh: Mesh) -> CourseFixture:
    return await new_course(mesh)
