"""The payment service over gRPC with the kit's real pipeline, against real PostgreSQL and
NATS JetStream, the course service served in-process, and the Stripe and Razorpay
stand-ins (the official SDKs talk to them over HTTP)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography.fernet import Fernet

from lms.course.v1 import course_pb2_grpc
from lms.payment.v1 import payment_pb2_grpc
from lms_course.server import SERVICE as COURSE_SERVICE
from lms_devkit.standins.razorpay import RazorpayStandIn
from lms_devkit.standins.stripe import StripeStandIn
from lms_kit.clients import SigningTokenSource
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import nats_url, postgres_database
from lms_kit.testing.harness import TokenMint
from lms_kit.testing.plugin import Served, served, service_fixtures
from lms_payment.handlers import Handlers
from lms_payment.server import SERVICE
from lms_payment.settings import PaymentSettings

PAYOUT_KEY = Fernet.generate_key().decode()

pg_url, database = service_fixtures(SERVICE)


@dataclass
class Mesh:
    payments: payment_pb2_grpc.PaymentServiceStub
    courses: course_pb2_grpc.CourseServiceStub
    mint: TokenMint
    stripe: StripeStandIn
    served: Served
    razorpay: RazorpayStandIn
    extra: dict[str, Any] = field(default_factory=dict)

    def learner(self, user_id: str):
        return self.mint.bearer(user_id, roles=["student"])

    def admin(self, user_id: str = "admin-1"):
        return self.mint.bearer(user_id, roles=["admin"])

    @property
    def handlers(self) -> Handlers:
        return self.served.exposed["handlers"]

    @property
    def database(self):
        return self.served.built.database

    @property
    def settings(self) -> PaymentSettings:
        return self.served.built.runtime.settings


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


def payment_settings(course_target: str, stripe, razorpay, **extra) -> dict[str, Any]:
    """The payment service's settings against the stand-ins (the kit adds the mint's JWKS)."""
    return {
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
        **extra,
    }


@contextlib.asynccontextmanager
async def payment_service(mint: TokenMint, database_url: str, **settings: Any) -> AsyncIterator[Served]:
    tokens = SigningTokenSource(mint.signer, "payment")
    async with served(SERVICE, mint, tokens=tokens, database_url=database_url, **settings) as running:
        yield running


def mesh_of(running: Served, courses, mint, stripe, razorpay, extra) -> Mesh:
    return Mesh(
        payment_pb2_grpc.PaymentServiceStub(running.channel), courses, mint, stripe, running, razorpay, extra
    )


@pytest.fixture(scope="session")
async def course_url() -> AsyncIterator[str]:
    """The course service's own throwaway database."""
    async with postgres_database("lms_pcourse_test") as url:
        assert COURSE_SERVICE.migrations is not None
        await upgrade(url, COURSE_SERVICE.migrations)
        yield url


@pytest.fixture(scope="session")
async def mesh(
    pg_url: str, course_url: str, token_mint: TokenMint, stripe_standin, razorpay_standin
) -> AsyncIterator[Mesh]:
    async with served(COURSE_SERVICE, token_mint, database_url=course_url) as course:
        settings = payment_settings(course.server.target, stripe_standin, razorpay_standin)
        async with payment_service(token_mint, pg_url, **settings) as payment:
            yield mesh_of(
                payment,
                course_pb2_grpc.CourseServiceStub(course.channel),
                token_mint,
                stripe_standin,
                razorpay_standin,
                {"course_url": course_url, "pay_url": pg_url},
            )


@pytest.fixture
def another_payment_service(mesh: Mesh, stripe_standin, razorpay_standin):
    """Start a second payment service (own database) with other settings, e.g. a course
    target that is down: `async with another_payment_service(course_target=...) as other:`."""

    @contextlib.asynccontextmanager
    async def start(*, course_target: str, **overrides: Any) -> AsyncIterator[Mesh]:
        async with postgres_database("lms_payment_test") as url:
            assert SERVICE.migrations is not None
            await upgrade(url, SERVICE.migrations)
            settings = payment_settings(course_target, stripe_standin, razorpay_standin, **overrides)
            async with payment_service(mesh.mint, url, **settings) as other:
                yield mesh_of(other, mesh.courses, mesh.mint, stripe_standin, razorpay_standin, mesh.extra)

    return start
