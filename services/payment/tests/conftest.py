"""The payment service over gRPC with the kit's real pipeline, against real PostgreSQL and
NATS JetStream, the course service served in-process, and the Stripe stand-in."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from lms.course.v1 import course_pb2_grpc
from lms.payment.v1 import payment_pb2_grpc
from lms_course.migrations import MIGRATIONS_DIR as COURSE_MIGRATIONS
from lms_course.server import build as build_course
from lms_course.settings import CourseSettings
from lms_kit.clients import SigningTokenSource
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import nats_url, postgres_database
from lms_kit.testing.harness import TokenMint, serve_app, settings_for
from lms_payment.migrations import MIGRATIONS_DIR
from lms_payment.server import build
from lms_payment.settings import PaymentSettings
from lms_payment.stripe_standin import StripeStandIn


@dataclass
class Mesh:
    payments: payment_pb2_grpc.PaymentServiceStub
    courses: course_pb2_grpc.CourseServiceStub
    mint: TokenMint
    stripe: StripeStandIn
    built: object


@pytest.fixture(scope="session")
def stripe_standin():
    standin = StripeStandIn().start()
    yield standin
    standin.stop()


@pytest.fixture(scope="session")
async def mesh(tmp_path_factory, stripe_standin) -> AsyncIterator[Mesh]:
    mint = TokenMint.create(tmp_path_factory.mktemp("payment-jwks"))
    async with (
        postgres_database("lms_payment_test") as pay_url,
        postgres_database("lms_pcourse_test") as course_url,
    ):
        await upgrade(pay_url, MIGRATIONS_DIR)
        await upgrade(course_url, COURSE_MIGRATIONS)
        course_settings = settings_for(mint, "course", CourseSettings, database_url=course_url)
        course = await build_course(course_settings)
        async with serve_app(course.app, course_settings) as course_server:
            settings = settings_for(
                mint,
                "payment",
                PaymentSettings,
                database_url=pay_url,
                nats_url=nats_url(),
                course_service_target=course_server.target,
                stripe_api_key=stripe_standin.api_key,
                stripe_webhook_secret=stripe_standin.webhook_secret,
                stripe_api_base=stripe_standin.api_base,
                enrolment_durable=f"payment-enrolment-test-{uuid.uuid4().hex[:8]}",
                enrolment_backoff_s=(0.2,),
            )
            built = await build(settings, tokens=SigningTokenSource(mint.signer, "payment"))
            async with serve_app(built.app, settings) as server:
                yield Mesh(
                    payment_pb2_grpc.PaymentServiceStub(server.channel),
                    course_pb2_grpc.CourseServiceStub(course_server.channel),
                    mint,
                    stripe_standin,
                    built,
                )
