"""Wiring: settings -> adapters -> handlers -> kit server.

python -m lms_payment.server      # apply migrations, then serve on LMS_GRPC_PORT
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from cryptography.fernet import MultiFernet

from lms.course.v1 import course_pb2
from lms.payment.v1 import events_pb2, payment_pb2, payment_pb2_grpc
from lms_kit.clients import connect, service_token_source
from lms_kit.db import Database
from lms_kit.events import EventRuntime
from lms_kit.events.consumer import EventConsumer, EventContext
from lms_kit.migrations import upgrade
from lms_kit.secrets import multi_fernet
from lms_kit.server import App, Service, run
from lms_kit.settings import load
from lms_payment import mappers
from lms_payment.adapters.courses import CourseCatalog
from lms_payment.adapters.razorpay_gateway import RazorpayGateway
from lms_payment.adapters.repository import SqlUnitOfWork
from lms_payment.adapters.stripe_gateway import StripeGateway
from lms_payment.domain.model import Provider
from lms_payment.domain.providers import PaymentGateway
from lms_payment.handlers import Deps, Handlers, Terms
from lms_payment.migrations import MIGRATIONS_DIR
from lms_payment.servicer import PaymentServicer
from lms_payment.settings import PaymentSettings


@dataclass
class PaymentApp:
    """The built service: the kit App plus what tests need from it."""

    app: App
    handlers: Handlers
    database: Database
    events: EventRuntime


def payout_keys(settings: PaymentSettings) -> MultiFernet | None:
    """The bank-details keys, or None when none are set (payout accounts are then refused)."""
    return multi_fernet(settings.payout_encryption_keys) if settings.payout_encryption_keys.strip() else None


def gateways(settings: PaymentSettings) -> dict[Provider, PaymentGateway]:
    """The providers with keys; the same code runs against the vendors and the stand-ins."""
    found: dict[Provider, PaymentGateway] = {}
    if settings.stripe_api_key:
        found[Provider.STRIPE] = StripeGateway(
            api_key=settings.stripe_api_key,
            webhook_secret=settings.stripe_webhook_secret,
            api_base=settings.stripe_api_base,
            tolerance_s=settings.stripe_webhook_tolerance_s,
        )
    if settings.razorpay_key_id:
        found[Provider.RAZORPAY] = RazorpayGateway(
            key_id=settings.razorpay_key_id,
            key_secret=settings.razorpay_key_secret,
            webhook_secret=settings.razorpay_webhook_secret,
            api_base=settings.razorpay_api_base,
        )
    return found


def terms(settings: PaymentSettings) -> Terms:
    return Terms(
        platform_fee_bps=settings.platform_fee_bps,
        referral_commission_bps=settings.referral_commission_bps,
        default_refund_window_days=settings.refund_window_days,
        order_expiry=timedelta(seconds=settings.order_expiry_s),
        reconcile_after=timedelta(seconds=settings.reconcile_after_s),
    )


async def build(settings: PaymentSettings, *, tokens=None) -> PaymentApp:
    """The service; `tokens` overrides the service-token source (tests)."""
    database = Database(settings.database_url, pool_size=settings.database_pool_size)
    channel = connect(
        settings.course_service_target,
        [course_pb2.DESCRIPTOR.services_by_name["CourseService"]],
        tokens=tokens or service_token_source(settings, "payment"),
    )
    fernet = payout_keys(settings)
    deps = Deps(
        uow=lambda: SqlUnitOfWork(database, fernet),
        catalog=CourseCatalog(channel),
        gateways=gateways(settings),
        terms=terms(settings),
    )
    handlers = Handlers.build(deps)
    events = EventRuntime(database, settings.nats_url, domain="payment")

    async def on_order_paid(event: events_pb2.OrderPaid, ctx: EventContext) -> None:
        await handlers.saga.fulfil(event.order_id, ctx.uow)

    async def on_order_refunded(event: events_pb2.OrderRefunded, ctx: EventContext) -> None:
        await handlers.saga.revoke_if_fully_refunded(event.order_id, event.full, ctx.uow)

    events.attach(
        lambda _client, js: EventConsumer(
            js,
            database,
            durable=settings.enrolment_durable,
            handlers={events_pb2.OrderPaid: on_order_paid, events_pb2.OrderRefunded: on_order_refunded},
            max_deliver=settings.enrolment_max_deliver,
            backoff_s=settings.enrolment_backoff_s,
            unit_of_work=deps.uow,
            batch_size=max(10, settings.enrolment_concurrency),
            concurrency=settings.enrolment_concurrency,
        )
    )

    async def start_reconciler() -> None:
        handlers.reconciler.start(settings.reconcile_interval_s)

    async def close() -> None:
        await handlers.reconciler.stop()
        await events.stop()
        await channel.close()
        await database.dispose()

    razorpay = deps.gateways.get(Provider.RAZORPAY)
    app = App(
        services=[
            Service(
                payment_pb2.DESCRIPTOR.services_by_name["PaymentService"],
                payment_pb2_grpc.add_PaymentServiceServicer_to_server,
                PaymentServicer(handlers, razorpay_key_id=razorpay.public_key_id if razorpay else ""),
            )
        ],
        on_start=[events.start, start_reconciler],
        on_stop=[close],
        map_error=mappers.map_error,
    )
    return PaymentApp(app, handlers, database, events)


async def build_app(settings: PaymentSettings) -> App:
    return (await build(settings)).app


def migrate(settings: PaymentSettings) -> None:
    asyncio.run(upgrade(settings.database_url, MIGRATIONS_DIR))


def main() -> None:
    settings = load(PaymentSettings, service_name="payment")
    if not settings.database_url:
        raise SystemExit("LMS_DATABASE_URL is required")
    run(settings, build_app, migrate=migrate)


if __name__ == "__main__":
    main()
