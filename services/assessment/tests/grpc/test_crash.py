"""A crash during submits loses no grade and doubles none: the service runs as its own
process, is killed with SIGKILL while 60 submits are in flight, restarts, and every
attempt ends with exactly one grade and one of each event in the outbox."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator

import grpc
import sqlalchemy as sa
from grpc_health.v1 import health_pb2, health_pb2_grpc

from lms.assessment.v1 import assessment_pb2 as pb
from lms.assessment.v1 import assessment_pb2_grpc
from lms_kit.auth.tokens import private_key_pem
from lms_kit.testing.harness import AUDIENCE, ISSUER

from ..conftest import enrol
from .builders import (
    answer,
    bank_with_category,
    fixed,
    outbox_events,
    published_quiz,
    question,
    single_choice,
)

SERVICE_NAME = "lms.assessment.v1.AssessmentService"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def service_process(mesh, token_mint, tmp_path, port: int) -> AsyncIterator[asyncio.subprocess.Process]:
    key = tmp_path / "service-key.pem"
    key.write_bytes(private_key_pem(token_mint.signer))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(
        LMS_DATABASE_URL=mesh.pg_url,
        LMS_GRPC_HOST="127.0.0.1",
        LMS_GRPC_PORT=str(port),
        LMS_JWKS_URL=token_mint.jwks_url,
        LMS_JWT_ISSUER=ISSUER,
        LMS_JWT_AUDIENCE=AUDIENCE,
        LMS_SERVICE_TOKEN_KEY_FILE=str(key),
        LMS_SERVICE_TOKEN_KID=token_mint.signer.kid,
        LMS_COURSE_SERVICE_TARGET=mesh.course_target,
        LMS_LOG_LEVEL="WARNING",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "lms_assessment.server", env=env, stdout=asyncio.subprocess.DEVNULL
    )
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            health = health_pb2_grpc.HealthStub(channel)
            for _ in range(200):
                with contextlib.suppress(grpc.aio.AioRpcError):
                    reply = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME), timeout=1)
                    if reply.status == health_pb2.HealthCheckResponse.SERVING:
                        break
                await asyncio.sleep(0.05)
        yield process
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def test_submits_killed_mid_flight_end_with_one_grade_each_after_restart(
    mesh, course, token_mint, tmp_path
):
    bank, category = await bank_with_category(mesh.stub, course.teacher, course.course_id)
    q1 = await question(mesh.stub, course.teacher, bank, category, single_choice())
    quiz = await published_quiz(mesh.stub, course.teacher, course.course_id, [fixed(q1.name, 4)])
    learners = [course.learner] + [
        await enrol(mesh, f"courses/{course.course_id}", f"{course.learner_id}-k{i}") for i in range(5)
    ]
    attempts = [
        await mesh.stub.StartAttempt(pb.StartAttemptRequest(quiz=quiz.name, session_id="s"), metadata=who)
        for who in learners
    ]

    def submit(stub, index: int):  # type: ignore[no-untyped-def]
        request = pb.SubmitAttemptRequest(
            name=attempts[index].name, sequence=1, answers=[answer(1, choices=["a"])]
        )
        return stub.SubmitAttempt(request, metadata=learners[index], timeout=10)

    port = free_port()
    async with (
        service_process(mesh, token_mint, tmp_path, port) as process,
        grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel,
    ):
        stub = assessment_pb2_grpc.AssessmentServiceStub(channel)
        calls = [asyncio.ensure_future(submit(stub, i % len(attempts))) for i in range(60)]
        # Killed as soon as the first submit is answered: the others are in flight.
        await asyncio.wait(calls, return_when=asyncio.FIRST_COMPLETED)
        process.send_signal(signal.SIGKILL)
        await asyncio.gather(*calls, return_exceptions=True)
        assert await process.wait() == -signal.SIGKILL

    async with (
        service_process(mesh, token_mint, tmp_path, port),
        grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel,
    ):
        stub = assessment_pb2_grpc.AssessmentServiceStub(channel)
        retried = await asyncio.gather(*(submit(stub, i) for i in range(len(attempts))))
    assert {(r.state, r.score) for r in retried} == {(pb.ATTEMPT_STATE_GRADED, 4.0)}

    database = mesh.served.built.database
    for attempt in attempts:
        attempt_id = attempt.name.split("/")[1]
        assert len(await outbox_events(database, "AttemptGraded", attempt_id)) == 1
        assert len(await outbox_events(database, "AttemptSubmitted", attempt_id)) == 1
        async with database.session() as session:
            rows = await session.execute(
                sa.text("SELECT count(*) FROM responses WHERE attempt_id = :a"), {"a": attempt_id}
            )
            assert rows.scalar_one() == 1
