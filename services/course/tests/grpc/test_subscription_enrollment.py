"""Enroll in a paid course through a subscription: the course service configured with
LMS_PAYMENT_SERVICE_TARGET asks a real (fake) PaymentService over gRPC, with its own
service token, whether a subscription grants access."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import grpc
import pytest
from google.rpc import error_details_pb2

from lms.course.v1 import course_pb2, course_pb2_grpc, events_pb2
from lms.payment.v1 import payment_pb2, payment_pb2_grpc
from lms_course.server import SERVICE
from lms_devkit.course import People, fails, outbox_events, published_course, uid
from lms_kit.auth.jwks import JwksKeySet
from lms_kit.auth.tokens import TokenVerifier, private_key_pem
from lms_kit.interceptors import ON_BEHALF_OF
from lms_kit.testing.harness import AUDIENCE, ISSUER, TokenMint, error_reason, rich_status
from lms_kit.testing.plugin import served


@dataclass
class Call:
    request: payment_pb2.CheckCourseAccessRequest
    service: str  # the calling service, from its verified token
    on_behalf_of: str  # the end user, from the forwarded token


@dataclass
class FakePaymentService(payment_pb2_grpc.PaymentServiceServicer):
    """Only CheckCourseAccess: grants what a test arranges and records who asked."""

    verifier: TokenVerifier
    grants: dict[tuple[str, str], str] = field(default_factory=dict)  # (users/.., courses/..) -> sub
    calls: list[Call] = field(default_factory=list)

    async def CheckCourseAccess(self, request, context):
        metadata = dict(context.invocation_metadata())
        caller = await self.verifier.verify(metadata.get("authorization", "").removeprefix("Bearer "))
        user = metadata.get(ON_BEHALF_OF, "").removeprefix("Bearer ")
        self.calls.append(
            Call(request, caller.service, (await self.verifier.verify(user)).subject if user else "")
        )
        subscription = self.grants.get((request.user, request.course), "")
        return payment_pb2.CheckCourseAccessResponse(granted=bool(subscription), subscription=subscription)


@asynccontextmanager
async def fake_payment(mint: TokenMint) -> AsyncIterator[tuple[FakePaymentService, str, grpc.aio.Server]]:
    verifier = TokenVerifier(JwksKeySet(mint.jwks_url), issuer=ISSUER, audience=AUDIENCE)
    servicer = FakePaymentService(verifier)
    server = grpc.aio.server()
    payment_pb2_grpc.add_PaymentServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield servicer, f"127.0.0.1:{port}", server
    finally:
        await server.stop(0)


@asynccontextmanager
async def course_service(mint: TokenMint, pg_url: str, key_file: str, payment_target: str, env):
    """The course service as deployed with a payment service: the payment target and the
    service-token key come from the environment, as in production."""
    env.setenv("LMS_PAYMENT_SERVICE_TARGET", payment_target)
    env.setenv("LMS_SERVICE_TOKEN_KEY_FILE", key_file)
    env.setenv("LMS_SERVICE_TOKEN_KID", mint.signer.kid)
    async with served(SERVICE, mint, database_url=pg_url) as running:
        assert running.built.runtime.settings.payment_service_target == payment_target
        yield course_pb2_grpc.CourseServiceStub(running.channel), running.built


@pytest.fixture
def key_file(service, tmp_path) -> str:
    _, mint, _ = service
    path = tmp_path / "course-service-key.pem"
    path.write_bytes(private_key_pem(mint.signer))
    return str(path)


async def test_a_granting_subscription_enrols_in_a_paid_course_with_the_subscription_source(
    service, pg_url, key_file, monkeypatch
):
    _, mint, _ = service
    people = People(mint)
    learner = uid()
    async with (
        fake_payment(mint) as (payment, target, _),
        course_service(mint, pg_url, key_file, target, monkeypatch) as (stub, built),
    ):
        course, _ = await published_course(stub, people.teacher(uid()), price=4900)
        payment.grants[(f"users/{learner}", course.name)] = "subscriptions/s-1"

        enrollment = await stub.Enroll(
            course_pb2.EnrollRequest(course=course.name), metadata=people.student(learner)
        )

        assert enrollment.name == f"{course.name}/enrollments/{learner}"
        assert enrollment.state == course_pb2.ENROLLMENT_STATE_ACTIVE
        assert (enrollment.source, enrollment.order_id) == (course_pb2.ENROLLMENT_SOURCE_SUBSCRIPTION, "")
        [call] = payment.calls
        assert (call.request.user, call.request.course) == (f"users/{learner}", course.name)
        assert (call.service, call.on_behalf_of) == ("course", learner)  # its own service token
        [created] = await outbox_events(built.database, events_pb2.EnrollmentCreated, user_id=learner)
        assert created.source == "subscription"


async def test_without_a_granting_subscription_a_paid_course_is_still_not_free(
    service, pg_url, key_file, monkeypatch
):
    _, mint, _ = service
    people = People(mint)
    learner = uid()
    async with (
        fake_payment(mint) as (payment, target, _),
        course_service(mint, pg_url, key_file, target, monkeypatch) as (stub, _built),
    ):
        course, _ = await published_course(stub, people.teacher(uid()), price=4900)
        payment.grants[(f"users/{uid()}", course.name)] = "subscriptions/someone-elses"

        error = await fails(
            stub.Enroll(course_pb2.EnrollRequest(course=course.name), metadata=people.student(learner))
        )

        assert (error.code(), error_reason(error)) == (grpc.StatusCode.FAILED_PRECONDITION, "COURSE_NOT_FREE")
        assert len(payment.calls) == 1
        missing = await fails(
            stub.GetEnrollment(
                course_pb2.GetEnrollmentRequest(name=f"{course.name}/enrollments/{learner}"),
                metadata=people.student(learner),
            )
        )
        assert missing.code() == grpc.StatusCode.NOT_FOUND


async def test_a_payment_service_that_is_down_answers_unavailable_and_enrols_no_one(
    service, pg_url, key_file, monkeypatch
):
    _, mint, _ = service
    people = People(mint)
    learner = uid()
    async with (
        fake_payment(mint) as (_payment, target, payment_server),
        course_service(mint, pg_url, key_file, target, monkeypatch) as (stub, built),
    ):
        course, _ = await published_course(stub, people.teacher(uid()), price=4900)
        await payment_server.stop(0)  # the payment service goes down

        error = await fails(
            stub.Enroll(course_pb2.EnrollRequest(course=course.name), metadata=people.student(learner))
        )

        assert (error.code(), error_reason(error)) == (grpc.StatusCode.UNAVAILABLE, "PAYMENT_UNAVAILABLE")
        info = error_details_pb2.ErrorInfo()
        assert rich_status(error).details[0].Unpack(info) and info.domain == "course.lms"
        assert "payment service" in error.details()
        assert await outbox_events(built.database, events_pb2.EnrollmentCreated, user_id=learner) == []
