"""Wiring: settings -> adapters (SQL, the course service, Stripe, Razorpay) -> handlers ->
servicer; the kit does the rest.

python -m lms_payment.server            # apply migrations, then serve on LMS_GRPC_PORT
python -m lms_payment.server migrate    # only apply migrations
"""

from __future__ import annotations

import functools
import logging
from datetime import timedelta
from typing import cast

from lms.course.v1 import course_pb2
from lms.payment.v1 import events_pb2
from lms_kit.events.consumer import EventContext
from lms_kit.service import Runtime, ServiceDefinition, serve_service
from lms_payment.adapters.courses import CourseCatalog
from lms_payment.adapters.gateways import configured_gateways
from lms_payment.adapters.payouts import payout_keys
from lms_payment.adapters.unit_of_work import SqlPaymentUnitOfWork
from lms_payment.domain.model import Provider
from lms_payment.handlers import Deps, Handlers, Terms
from lms_payment.handlers.ports import PaymentUnitOfWork
from lms_payment.migrations import MIGRATIONS_DIR
from lms_payment.servicer import PaymentServicer
from lms_payment.settings import PaymentSettings

log = logging.getLogger("lms_payment")

COURSE_SERVICE = course_pb2.DESCRIPTOR.services_by_name["CourseService"]


async def wire(runtime: Runtime[PaymentSettings]) -> list[object]:
    settings = runtime.settings
    unit_of_work = runtime.unit_of_work(
        functools.partial(SqlPaymentUnitOfWork, fernet=payout_keys(settings.payout_encryption_keys))
    )
    gateways = configured_gateways(settings)
    handlers = Handlers.build(
        Deps(
            uow=unit_of_work,
            catalog=CourseCatalog(runtime.client(settings.course_service_target, COURSE_SERVICE)),
            gateways=gateways,
            terms=Terms(
                platform_fee_bps=settings.platform_fee_bps,
                referral_commission_bps=settings.referral_commission_bps,
                default_refund_window_days=settings.refund_window_days,
                order_expiry=timedelta(seconds=settings.order_expiry_s),
                reconcile_after=timedelta(seconds=settings.reconcile_after_s),
                currencies=settings.currencies,
                verified_email_required=settings.verified_email_required,
            ),
        )
    )

    # The enrolment saga: each step runs in the consumer's unit of work, with its inbox row.
    async def on_order_paid(event: events_pb2.OrderPaid, ctx: EventContext) -> None:
        await handlers.saga.fulfil(event.order_id, cast(PaymentUnitOfWork, ctx.uow))

    async def on_order_refunded(event: events_pb2.OrderRefunded, ctx: EventContext) -> None:
        await handlers.saga.revoke_if_fully_refunded(
            event.order_id, event.full, cast(PaymentUnitOfWork, ctx.uow)
        )

    runtime.consume(
        settings.enrolment_durable,
        {events_pb2.OrderPaid: on_order_paid, events_pb2.OrderRefunded: on_order_refunded},
        unit_of_work=unit_of_work,
        max_deliver=settings.enrolment_max_deliver,
        backoff_s=settings.enrolment_backoff_s,
        batch_size=max(10, settings.enrolment_concurrency),
        concurrency=settings.enrolment_concurrency,
    )
    runtime.on_start(functools.partial(handlers.reconciler.start, settings.reconcile_interval_s))
    runtime.on_stop(handlers.reconciler.stop)
    runtime.expose(handlers=handlers)
    razorpay = gateways.get(Provider.RAZORPAY)
    test_checkout = (
        {Provider.STRIPE: settings.test_mode_checkout_url} if settings.test_mode_checkout_url else {}
    )
    if test_checkout:
        log.warning("payment_test_mode provider=stripe checkout=%s", settings.test_mode_checkout_url)
    return [
        PaymentServicer(
            handlers,
            razorpay_key_id=razorpay.public_key_id if razorpay else "",
            test_checkout=test_checkout,
        )
    ]


SERVICE = ServiceDefinition(name="payment", settings=PaymentSettings, migrations=MIGRATIONS_DIR, wire=wire)


def main() -> None:
    serve_service(SERVICE)


if __name__ == "__main__":
    main()
