"""The payment service's unit of work: its repositories on one PostgreSQL transaction; the
events of the aggregates they saw go to the outbox with the rows (lms_kit.uow)."""

from __future__ import annotations

from cryptography.fernet import MultiFernet
from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncSession

from lms_kit.db import Database
from lms_kit.uow import SqlUnitOfWork
from lms_payment import mappers
from lms_payment.adapters.coupons import SqlCoupons
from lms_payment.adapters.ledger import SqlLedger
from lms_payment.adapters.orders import SqlOrders
from lms_payment.adapters.payouts import SqlPayoutAccounts, SqlPayouts
from lms_payment.adapters.provider_events import SqlProviderEvents
from lms_payment.adapters.referral_codes import SqlReferralCodes
from lms_payment.adapters.refunds import SqlRefunds
from lms_payment.adapters.subscriptions import SqlPlans, SqlSubscriptions


class SqlPaymentUnitOfWork(SqlUnitOfWork):
    orders: SqlOrders
    provider_events: SqlProviderEvents
    refunds: SqlRefunds
    coupons: SqlCoupons
    ledger: SqlLedger
    payouts: SqlPayouts
    payout_accounts: SqlPayoutAccounts
    referral_codes: SqlReferralCodes
    plans: SqlPlans
    subscriptions: SqlSubscriptions

    def __init__(self, database: Database, fernet: MultiFernet | None = None) -> None:
        super().__init__(database)
        self._fernet = fernet  # the payout accounts' keys (None: they cannot be stored)

    def bind(self, session: AsyncSession) -> None:
        self.orders = SqlOrders(session, self.track)
        self.provider_events = SqlProviderEvents(session, self.track)
        self.refunds = SqlRefunds(session, self.track)
        self.coupons = SqlCoupons(session, self.track)
        self.ledger = SqlLedger(session, self.track)
        self.payouts = SqlPayouts(session, self.track)
        self.payout_accounts = SqlPayoutAccounts(session, self._fernet, self.track)
        self.referral_codes = SqlReferralCodes(session, self.track)
        self.plans = SqlPlans(session, self.track)
        self.subscriptions = SqlSubscriptions(session, self.track)

    def event_message(self, event: object) -> Message:
        return mappers.event_to_proto(event)
