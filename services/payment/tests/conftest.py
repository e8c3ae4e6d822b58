"""The payment service over gRPC with the kit's real pipeline, against real PostgreSQL and
NATS JetStream, the course service served in-process, and the Stripe and Razorpay
stand-ins (the official SDKs talk to them over HTTP)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from cryptography.fernet import Fernet

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
from lms_payment.razorpay_standin import RazorpayStandIn
from lms_payment.server import build
from lms_payment.settings import PaymentSettings
from lms_payment.stripe_standin import StripeStandIn

PAYOUT_KEY = Fernet.generate_key().decode()


@dataclass
class Mesh:
    payments: payment_pb2_grpc.PaymentServiceStub
    courses: course_pb2_grpc.CourseServiceStub
    mint: TokenMint
    stripe: StripeStandIn
    built: object
    razorpay: RazorpayStandIn | None = None
    settings: PaymentSettings | None = None
    extra: dict = field(default_factory=dict)

    def learner(self, user_id: str):
        return self.mint.bearer(user_id, roles=["student"])

    def admin(self, user_id: str = "admin-1"):
        return self.mint.bearer(user_id, roles=["admin"])

    @property
    def handlers(self):
        return self.built.handlers  # type: ignore[attr-defined]

    @property
    def database(self):
        return self.built.database  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def stripe_standin():
    standin = StripeStandIn().start()
    yield standin
    standin.stop()


@pytest.fixture(scope="session")
def razorpay_standin():
    standin = RazorpayStandIn().start()
    yield standin
    standin.stop()


def payment_settings(mint: TokenMint, pay_url: str, course_target: str, stripe, razorpay, **extra):
    values = {
        "database_url": pay_url,
        "nats_url": nats_url(),
        "course_service_target": course_target,
        "stripe_api_key": stripe.api_key,
        "stripe_webhook_secret": stripe.webhook_secret,
        "stripe_api_base": stripe.api_base,
        "razorpay_key_id": razorpay.key_id,
        "razorpay_key_secret": razorpay.key_secret,
        "razorpay_webhook_secret": razorpay.webhook_secret,
        "razorpay_api_base": razorpay.api_base,
        "payout_encryption_keys": PAYOUT_KEY,
        "reconcile_interval_s": 0,  # tests run the job themselves
        "enrolment_durable": f"payment-enrolment-test-{uuid.uuid4().hex[:8]}",
        "enrolment_backoff_s": (0.2,),
    }
    values.update(extra)
    return settings_for(mint, "payment", PaymentSettings, **values)


@contextlib.asynccontextmanager
async def payment_service(settings: PaymentSettings, mint: TokenMint):
    built = await build(settings, tokens=SigningTokenSource(mint.signer, "payment"))
    async with serve_app(built.app, settings) as server:
        yield built, server


@pytest.fixture(scope="session")
async def mesh(tmp_path_factory, stripe_standin, razorpay_standin) -> AsyncIterator[Mesh]:
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
            settings = payment_settings(mint, pay_url, course_server.target, stripe_standin, razorpay_standin)
            async with payment_service(settings, mint) as (built, server):
                yield Mesh(
                    payment_pb2_grpc.PaymentServiceStub(server.channel),
                    course_pb2_grpc.CourseServiceStub(course_server.channel),
                    mint,
                    stripe_standin,
                    built,
                    razorpay_standin,
                    settings,
                    {"course_url": course_url, "pay_url": pay_url},
                )


@pytest.fixture
def another_payment_service(mesh, stripe_standin, razorpay_standin):
    """Start a second payment service (own database) with other settings, e.g. a course
    target that is down: `async with another_payment_service(course_target=...) as other:`."""

    @contextlib.asynccontextmanager
    async def start(*, course_target: str, **overrides):
        async with postgres_database("lms_payment_test") as url:
            await upgrade(url, MIGRATIONS_DIR)
            settings = payment_settings(
                mesh.mint, url, course_target, stripe_standin, razorpay_standin, **overrides
            )
            async with payment_service(settings, mesh.mint) as (built, server):
                yield Mesh(
                    payment_pb2_grpc.PaymentServiceStub(server.channel),
                    mesh.courses,
                    mesh.mint,
                    stripe_standin,
                    built,
                    razorpay_standin,
                    settings,
                    mesh.extra,
                )

    return start
