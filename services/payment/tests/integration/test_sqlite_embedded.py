"""The embedded default: the migrated schema matches the table definitions on SQLite and
PostgreSQL, and a whole sale (coupon, payment webhook, fulfilment, partial refund, payout)
runs on SQLite with the same repositories."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet

from lms_kit.db import Database
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database, sqlite_database
from lms_payment.adapters.repository import SqlUnitOfWork
from lms_payment.adapters.stripe_gateway import StripeGateway
from lms_payment.adapters.tables import metadata
from lms_payment.domain.coupons import Coupon
from lms_payment.domain.earnings import PayoutAccount
from lms_payment.domain.model import CourseOffer, Money, OrderState, Provider
from lms_payment.handlers import Actor, Deps, Handlers
from lms_payment.migrations import MIGRATIONS_DIR


def _schema(connection) -> dict[str, set[str]]:
    inspector = sa.inspect(connection)
    return {t: {c["name"] for c in inspector.get_columns(t)} for t in metadata.tables}


async def test_migrated_schema_matches_the_table_definitions_on_both_databases():
    expected = {name: {c.name for c in table.columns} for name, table in metadata.tables.items()}
    async with postgres_database("lms_payment_schema") as pg_url:
        with sqlite_database() as sqlite_url:
            for url in (sqlite_url, pg_url):
                await upgrade(url, MIGRATIONS_DIR)
                await upgrade(url, MIGRATIONS_DIR)  # idempotent
                database = Database(url)
                try:
                    async with database.engine.connect() as connection:
                        assert await connection.run_sync(_schema) == expected, url
                finally:
                    await database.dispose()


class Catalog:
    """The course service as a fake: one published course, enrolments recorded."""

    def __init__(self) -> None:
        self.enrolled: list[str] = []

    async def offer(self, course_id: str) -> CourseOffer:
        return CourseOffer(course_id, Money(10_000, "USD"), True, teacher_id="teacher-1")

    async def enroll_paid(self, *, course_id: str, user_id: str, order_id: str) -> None:
        self.enrolled.append(order_id)

    async def revoke(self, *, order_id: str, reason: str) -> None:
        pass


async def test_a_sale_with_a_coupon_a_refund_and_a_payout_balance_the_books_on_sqlite(stripe_standin):
    with sqlite_database() as url:
        await upgrade(url, MIGRATIONS_DIR)
        database = Database(url)
        keys = MultiFernet([Fernet(Fernet.generate_key())])
        catalog = Catalog()
        stripe = StripeGateway(
            api_key=stripe_standin.api_key,
            webhook_secret=stripe_standin.webhook_secret,
            api_base=stripe_standin.api_base,
        )
        handlers = Handlers.build(
            Deps(
                uow=lambda: SqlUnitOfWork(database, keys), catalog=catalog, gateways={Provider.STRIPE: stripe}
            )
        )
        try:
            await handlers.coupons.create(
                Coupon("SQLITE10", datetime.now(UTC), percent_off=10, max_redemptions=1)
            )
            order = await handlers.orders.create_order(
                user_id="learner-1",
                course_id="c1",
                provider=Provider.STRIPE,
                request_id="req-sqlite-1",
                coupon_code="sqlite10",
            )
            assert order.amount == Money(9_000, "USD")
            payload = stripe_standin.pay(order.provider_payment_id)
            headers = {"stripe-signature": stripe_standin.sign(payload)}
            assert await handlers.webhooks.handle(Provider.STRIPE, payload, headers) is True
            async with SqlUnitOfWork(database, keys) as uow:
                assert await handlers.saga.fulfil(order.id, uow) is True
                await uow.commit()
            assert catalog.enrolled == [order.id]

            admin = Actor("admin-1", is_admin=True)
            refund = await handlers.refunds.refund_order(
                admin, order.id, amount=Money(3_000, "USD"), reason="part", request_id="refund-sqlite-1"
            )
            assert refund.state.value == "succeeded"
            await handlers.earnings.set_payout_account(
                PayoutAccount("teacher-1", "T", "12345678", "BANK1", "US", datetime.now(UTC))
            )
            await handlers.earnings.request_payout("teacher-1", Money(1_000, "USD"), "payout-sqlite-1")

            totals, count = await handlers.earnings.totals()
            assert totals == {"USD": 0} and count > 0
            after = await handlers.orders.get_order(order.id, admin)
            assert (after.state, after.refunded_minor) == (OrderState.FULFILLED, 3_000)
        finally:
            await database.dispose()
