"""The payment service's data in SQL (SQLAlchemy Core), and its unit of work.

Every guarantee about money that concurrency could break is made here by one atomic
statement or a row lock, never by a read-then-write in Python:
- one order per (learner, request id), one refund per (order, request id): ON CONFLICT;
- a coupon's global limit: one conditional UPDATE of its count; the learner's limit is
  counted while that UPDATE holds the coupon's row lock;
- a ledger transaction is booked once per key (ON CONFLICT on `key`); balances are sums of
  entries, so a sale locks no row shared with other sales;
- a payout never exceeds the user's earnings: the user's payout account row is locked (one
  user's payouts queue there), then the entries are summed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Self

import sqlalchemy as sa
from cryptography.fernet import MultiFernet
from sqlalchemy.ext.asyncio import AsyncSession

from lms_kit.db import Database, dialect_insert
from lms_kit.db import UnitOfWork as KitUnitOfWork
from lms_payment import mappers
from lms_payment.adapters.tables import (
    coupon_redemptions,
    coupons,
    ledger_entries,
    ledger_transactions,
    orders,
    payout_accounts,
    payout_batches,
    payouts,
    plans,
    provider_events,
    referral_codes,
    refunds,
    subscriptions,
)
from lms_payment.domain.coupons import Coupon
from lms_payment.domain.earnings import (
    BatchState,
    Payout,
    PayoutAccount,
    PayoutBatch,
    PayoutState,
    ReferralCode,
)
from lms_payment.domain.errors import AlreadyExists, CouponRefused
from lms_payment.domain.ledger import Entry, EntryKind, Transaction
from lms_payment.domain.model import Money, Order, OrderState, Provider, Referral, Refund, RefundStatus
from lms_payment.domain.providers import SubscriptionStatus
from lms_payment.domain.subscriptions import BillingInterval, Plan, Subscription

Key = tuple[datetime, str]  # keyset paging: (created_at, id), newest first


def _before(table: sa.Table, after: Key | None) -> Any:
    """Rows after `after` in newest-first order."""
    if after is None:
        return sa.true()
    return sa.tuple_(table.c.created_at, table.c.id) < sa.tuple_(*after)


# ---------------------------------------------------------------- orders


def _to_order(row: Any) -> Order:
    referral = None
    if row.referral_code:
        referral = Referral(row.referral_code, row.referrer_id, row.commission_bps)
    return Order(
        id=row.id,
        user_id=row.user_id,
        course_id=row.course_id,
        amount=Money(row.amount_minor, row.currency),
        provider=Provider(row.provider),
        request_id=row.request_id,
        created_at=row.created_at,
        state=OrderState(row.state),
        provider_payment_id=row.provider_payment_id,
        client_secret=row.client_secret,
        failure_reason=row.failure_reason,
        paid_at=row.paid_at,
        fulfilled_at=row.fulfilled_at,
        updated_at=row.updated_at,
        list_price=Money(row.list_price_minor, row.currency) if row.list_price_minor is not None else None,
        coupon_code=row.coupon_code,
        referral=referral,
        teacher_id=row.teacher_id,
        platform_fee_bps=row.platform_fee_bps,
        refundable_until=row.refundable_until,
        transaction_id=row.transaction_id,
        refunded_minor=row.refunded_minor,
        refund_pending_minor=row.refund_pending_minor,
        state_reason=row.state_reason,
    )


class SqlOrders:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _one(self, query: Any, for_update: bool) -> Order | None:
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _to_order(row) if row else None

    async def get(self, order_id: str, *, for_update: bool = False) -> Order | None:
        return await self._one(sa.select(orders).where(orders.c.id == order_id), for_update)

    async def by_request(self, user_id: str, request_id: str) -> Order | None:
        query = sa.select(orders).where(orders.c.user_id == user_id, orders.c.request_id == request_id)
        return await self._one(query, False)

    async def by_payment(
        self, provider: Provider, payment_id: str, *, for_update: bool = False
    ) -> Order | None:
        query = sa.select(orders).where(
            orders.c.provider == provider.value, orders.c.provider_payment_id == payment_id
        )
        return await self._one(query, for_update)

    async def by_transaction(
        self, provider: Provider, transaction_id: str, *, for_update: bool = False
    ) -> Order | None:
        query = sa.select(orders).where(
            orders.c.provider == provider.value, orders.c.transaction_id == transaction_id
        )
        return await self._one(query, for_update)

    async def add(self, order: Order) -> bool:
        """Insert `order`; False if the learner already has an order with its request id."""
        statement = (
            dialect_insert(self.session, orders)
            .values(
                id=order.id,
                user_id=order.user_id,
                course_id=order.course_id,
                amount_minor=order.amount.amount_minor,
                currency=order.amount.currency,
                provider=order.provider.value,
                request_id=order.request_id,
                list_price_minor=order.price_before_discount.amount_minor,
                coupon_code=order.coupon_code,
                referral_code=order.referral.code if order.referral else "",
                referrer_id=order.referral.referrer_id if order.referral else "",
                commission_bps=order.referral.commission_bps if order.referral else 0,
                teacher_id=order.teacher_id,
                platform_fee_bps=order.platform_fee_bps,
                refundable_until=order.refundable_until,
                **self._mutable(order),
                created_at=order.created_at,
            )
            .on_conflict_do_nothing(index_elements=["user_id", "request_id"])
            .returning(orders.c.id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def save(self, order: Order) -> None:
        await self.session.execute(
            sa.update(orders).where(orders.c.id == order.id).values(**self._mutable(order))
        )

    @staticmethod
    def _mutable(order: Order) -> dict[str, Any]:
        return {
            "state": order.state.value,
            "provider_payment_id": order.provider_payment_id,
            "client_secret": order.client_secret,
            "failure_reason": order.failure_reason,
            "updated_at": order.updated_at or order.created_at,
            "paid_at": order.paid_at,
            "fulfilled_at": order.fulfilled_at,
            "transaction_id": order.transaction_id,
            "refunded_minor": order.refunded_minor,
            "refund_pending_minor": order.refund_pending_minor,
            "state_reason": order.state_reason,
        }

    async def search(
        self,
        *,
        user_id: str = "",
        course_id: str = "",
        state: OrderState | None = None,
        provider: Provider | None = None,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        after: Key | None = None,
        limit: int = 20,
    ) -> list[Order]:
        """Orders matching every given filter, newest first."""
        c = orders.c
        query = sa.select(orders).where(_before(orders, after))
        if user_id:
            query = query.where(c.user_id == user_id)
        if course_id:
            query = query.where(c.course_id == course_id)
        if state is not None:
            query = query.where(c.state == state.value)
        if provider is not None:
            query = query.where(c.provider == provider.value)
        if created_from is not None:
            query = query.where(c.created_at >= created_from)
        if created_to is not None:
            query = query.where(c.created_at < created_to)
        query = query.order_by(c.created_at.desc(), c.id.desc()).limit(limit)
        return [_to_order(row) for row in await self.session.execute(query)]

    async def stale(self, states: Sequence[OrderState], created_before: datetime, limit: int) -> list[str]:
        """Ids of orders in `states` created before the cut-off, oldest first (reconciliation)."""
        query = (
            sa.select(orders.c.id)
            .where(orders.c.state.in_([s.value for s in states]), orders.c.created_at < created_before)
            .order_by(orders.c.created_at)
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())

    async def paid_with_referral(self, codes: Sequence[str]) -> dict[str, int]:
        if not codes:
            return {}
        query = (
            sa.select(orders.c.referral_code, sa.func.count())
            .where(
                orders.c.referral_code.in_(codes),
                orders.c.state.in_([OrderState.PAID.value, OrderState.FULFILLED.value]),
            )
            .group_by(orders.c.referral_code)
        )
        return {code: count for code, count in await self.session.execute(query)}


class SqlProviderEvents:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def remember(self, provider: Provider, event_id: str, event_type: str, now: Any) -> bool:
        """Store the event id; False if it was stored before (a replay). A concurrent duplicate
        waits on the first one's row lock and then sees it."""
        statement = (
            dialect_insert(self.session, provider_events)
            .values(
                provider=provider.value,
                event_id=event_id,
                event_type=event_type,
                outcome="received",
                received_at=now,
            )
            .on_conflict_do_nothing(index_elements=["provider", "event_id"])
            .returning(provider_events.c.event_id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def settle(self, provider: Provider, event_id: str, outcome: str, order_id: str | None) -> None:
        await self.session.execute(
            sa.update(provider_events)
            .where(provider_events.c.provider == provider.value, provider_events.c.event_id == event_id)
            .values(outcome=outcome, order_id=order_id)
        )

    async def outcome(self, provider: Provider, event_id: str) -> str | None:
        query = sa.select(provider_events.c.outcome).where(
            provider_events.c.provider == provider.value, provider_events.c.event_id == event_id
        )
        return (await self.session.execute(query)).scalar()


# ---------------------------------------------------------------- refunds


def _to_refund(row: Any) -> Refund:
    return Refund(
        id=row.id,
        order_id=row.order_id,
        amount=Money(row.amount_minor, row.currency),
        reason=row.reason,
        requester=row.requester,
        request_id=row.request_id,
        created_at=row.created_at,
        state=RefundStatus(row.state),
        provider_refund_id=row.provider_refund_id,
        failure_reason=row.failure_reason,
        completed_at=row.completed_at,
    )


class SqlRefunds:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, refund: Refund) -> bool:
        """Insert; False if the order already has a refund with this request id."""
        statement = (
            dialect_insert(self.session, refunds)
            .values(
                id=refund.id,
                order_id=refund.order_id,
                amount_minor=refund.amount.amount_minor,
                currency=refund.amount.currency,
                reason=refund.reason,
                requester=refund.requester,
                request_id=refund.request_id,
                created_at=refund.created_at,
                **self._mutable(refund),
            )
            .on_conflict_do_nothing(index_elements=["order_id", "request_id"])
            .returning(refunds.c.id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def save(self, refund: Refund) -> None:
        await self.session.execute(
            sa.update(refunds).where(refunds.c.id == refund.id).values(**self._mutable(refund))
        )

    @staticmethod
    def _mutable(refund: Refund) -> dict[str, Any]:
        return {
            "state": refund.state.value,
            "provider_refund_id": refund.provider_refund_id,
            "failure_reason": refund.failure_reason,
            "completed_at": refund.completed_at,
        }

    async def get(self, refund_id: str, *, for_update: bool = False) -> Refund | None:
        query = sa.select(refunds).where(refunds.c.id == refund_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _to_refund(row) if row else None

    async def by_request(self, order_id: str, request_id: str) -> Refund | None:
        query = sa.select(refunds).where(refunds.c.order_id == order_id, refunds.c.request_id == request_id)
        row = (await self.session.execute(query)).first()
        return _to_refund(row) if row else None

    async def by_provider_id(self, provider_refund_id: str, *, for_update: bool = False) -> Refund | None:
        query = sa.select(refunds).where(refunds.c.provider_refund_id == provider_refund_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _to_refund(row) if row else None

    async def for_order(self, order_id: str) -> list[Refund]:
        query = sa.select(refunds).where(refunds.c.order_id == order_id).order_by(refunds.c.created_at)
        return [_to_refund(row) for row in await self.session.execute(query)]

    async def stale_pending(self, created_before: datetime, limit: int) -> list[str]:
        query = (
            sa.select(refunds.c.id)
            .where(refunds.c.state == RefundStatus.PENDING.value, refunds.c.created_at < created_before)
            .order_by(refunds.c.created_at)
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())


# ---------------------------------------------------------------- coupons


def _to_coupon(row: Any) -> Coupon:
    amount_off = None
    if row.amount_off_minor is not None:
        amount_off = Money(row.amount_off_minor, row.amount_off_currency)
    return Coupon(
        code=row.code,
        created_at=row.created_at,
        percent_off=row.percent_off,
        amount_off=amount_off,
        course_id=row.course_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        max_redemptions=row.max_redemptions,
        max_redemptions_per_user=row.max_redemptions_per_user,
        redemption_count=row.redemption_count,
        active=row.active,
    )


class SqlCoupons:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, coupon: Coupon) -> None:
        statement = (
            dialect_insert(self.session, coupons)
            .values(
                code=coupon.code,
                percent_off=coupon.percent_off,
                amount_off_minor=coupon.amount_off.amount_minor if coupon.amount_off else None,
                amount_off_currency=coupon.amount_off.currency if coupon.amount_off else None,
                course_id=coupon.course_id,
                starts_at=coupon.starts_at,
                ends_at=coupon.ends_at,
                max_redemptions=coupon.max_redemptions,
                max_redemptions_per_user=coupon.max_redemptions_per_user,
                redemption_count=0,
                active=coupon.active,
                created_at=coupon.created_at,
            )
            .on_conflict_do_nothing(index_elements=["code"])
            .returning(coupons.c.code)
        )
        if (await self.session.execute(statement)).first() is None:
            raise AlreadyExists(f"coupons/{coupon.code}")

    async def get(self, code: str) -> Coupon | None:
        row = (await self.session.execute(sa.select(coupons).where(coupons.c.code == code))).first()
        return _to_coupon(row) if row else None

    async def list(self, after: str | None, limit: int) -> list[Coupon]:
        query = sa.select(coupons).order_by(coupons.c.code).limit(limit)
        if after is not None:
            query = query.where(coupons.c.code > after)
        return [_to_coupon(row) for row in await self.session.execute(query)]

    async def deactivate(self, code: str) -> None:
        await self.session.execute(sa.update(coupons).where(coupons.c.code == code).values(active=False))

    async def redeem(self, coupon: Coupon, *, order_id: str, user_id: str, now: datetime) -> None:
        """Take one redemption for `order_id`, or CouponRefused(COUPON_EXHAUSTED). Runs in the
        order's transaction: if that rolls back, so does the redemption."""
        c = coupons.c
        taken = await self.session.execute(
            sa.update(coupons)
            .where(
                c.code == coupon.code,
                c.active.is_(True),
                sa.or_(c.max_redemptions == 0, c.redemption_count < c.max_redemptions),
            )
            .values(redemption_count=c.redemption_count + 1)
            .returning(c.code)
        )
        if taken.first() is None:
            raise CouponRefused("COUPON_EXHAUSTED", f"coupon {coupon.code} has no redemptions left")
        # The UPDATE holds the coupon's row lock until commit, so one learner's concurrent
        # checkouts are counted one after the other.
        if coupon.max_redemptions_per_user:
            r = coupon_redemptions.c
            used = await self.session.scalar(
                sa.select(sa.func.count()).where(
                    r.coupon_code == coupon.code, r.user_id == user_id, r.released.is_(False)
                )
            )
            if (used or 0) >= coupon.max_redemptions_per_user:
                raise CouponRefused(
                    "COUPON_EXHAUSTED", f"coupon {coupon.code} was already used the most times allowed"
                )
        await self.session.execute(
            sa.insert(coupon_redemptions).values(
                order_id=order_id, coupon_code=coupon.code, user_id=user_id, released=False, created_at=now
            )
        )

    async def release(self, order_id: str) -> bool:
        """Give back the redemption an order holds (it expired). True if there was one."""
        r = coupon_redemptions.c
        released = await self.session.execute(
            sa.update(coupon_redemptions)
            .where(r.order_id == order_id, r.released.is_(False))
            .values(released=True)
            .returning(r.coupon_code)
        )
        code = released.scalar()
        if code is None:
            return False
        await self.session.execute(
            sa.update(coupons)
            .where(coupons.c.code == code, coupons.c.redemption_count > 0)
            .values(redemption_count=coupons.c.redemption_count - 1)
        )
        return True

    async def reclaim(self, order_id: str) -> bool:
        """An expired order was paid after all: it holds its redemption again (even beyond
        the limit: the learner paid the discounted price)."""
        r = coupon_redemptions.c
        reclaimed = await self.session.execute(
            sa.update(coupon_redemptions)
            .where(r.order_id == order_id, r.released.is_(True))
            .values(released=False)
            .returning(r.coupon_code)
        )
        code = reclaimed.scalar()
        if code is None:
            return False
        await self.session.execute(
            sa.update(coupons)
            .where(coupons.c.code == code)
            .values(redemption_count=coupons.c.redemption_count + 1)
        )
        return True


# ---------------------------------------------------------------- ledger


class SqlLedger:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def book(self, transaction: Transaction) -> bool:
        """Write a balanced transaction and move the balances; False if its key was booked
        before (nothing written)."""
        inserted = await self.session.execute(
            dialect_insert(self.session, ledger_transactions)
            .values(
                id=transaction.id,
                key=transaction.key,
                reference=transaction.reference,
                created_at=transaction.created_at,
            )
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(ledger_transactions.c.id)
        )
        if inserted.first() is None:
            return False
        if not transaction.entries:
            return True
        await self.session.execute(
            sa.insert(ledger_entries),
            [
                {
                    "transaction_id": transaction.id,
                    "account": e.account,
                    "currency": e.amount.currency,
                    "amount_minor": e.amount.amount_minor,
                    "kind": e.kind.value,
                    "reference": transaction.reference,
                    "created_at": transaction.created_at,
                }
                for e in transaction.entries
            ],
        )
        return True

    async def entries_of(self, key: str) -> list[Entry]:
        t, e = ledger_transactions.c, ledger_entries.c
        query = (
            sa.select(e.account, e.currency, e.amount_minor, e.kind)
            .join(ledger_transactions, t.id == e.transaction_id)
            .where(t.key == key)
            .order_by(e.id)
        )
        return [
            Entry(account, Money(amount, currency), EntryKind(kind))
            for account, currency, amount, kind in await self.session.execute(query)
        ]

    async def balance(self, account: str, currency: str) -> int:
        """The sum of the account's entries in `currency` (debit positive)."""
        e = ledger_entries.c
        query = sa.select(sa.func.coalesce(sa.func.sum(e.amount_minor), 0)).where(
            e.account == account, e.currency == currency
        )
        return int(await self.session.scalar(query) or 0)

    async def balances(self, accounts: Sequence[str]) -> dict[tuple[str, str], int]:
        e = ledger_entries.c
        query = (
            sa.select(e.account, e.currency, sa.func.sum(e.amount_minor))
            .where(e.account.in_(accounts))
            .group_by(e.account, e.currency)
        )
        return {
            (account, currency): int(total) for account, currency, total in await self.session.execute(query)
        }

    async def totals(self) -> tuple[dict[str, int], int]:
        """Sum of all entries per currency (zero when the books balance) and the entry count."""
        e = ledger_entries.c
        sums = {
            currency: int(total)
            for currency, total in await self.session.execute(
                sa.select(e.currency, sa.func.sum(e.amount_minor)).group_by(e.currency).order_by(e.currency)
            )
        }
        count = await self.session.scalar(sa.select(sa.func.count()).select_from(ledger_entries))
        return sums, int(count or 0)

    async def entries_for(
        self, accounts: Sequence[str], after: int | None, limit: int
    ) -> list[tuple[int, str, Entry, str, datetime]]:
        """(entry id, transaction id, entry, reference, time), newest first."""
        e = ledger_entries.c
        query = sa.select(ledger_entries).where(e.account.in_(accounts)).order_by(e.id.desc()).limit(limit)
        if after is not None:
            query = query.where(e.id < after)
        return [
            (
                row.id,
                row.transaction_id,
                Entry(row.account, Money(row.amount_minor, row.currency), EntryKind(row.kind)),
                row.reference,
                row.created_at,
            )
            for row in await self.session.execute(query)
        ]


# ---------------------------------------------------------------- payouts


def _to_payout(row: Any) -> Payout:
    return Payout(
        id=row.id,
        user_id=row.user_id,
        amount=Money(row.amount_minor, row.currency),
        request_id=row.request_id,
        created_at=row.created_at,
        state=PayoutState(row.state),
        batch_id=row.batch_id,
        failure_reason=row.failure_reason,
        completed_at=row.completed_at,
    )


def _to_batch(row: Any) -> PayoutBatch:
    return PayoutBatch(
        id=row.id,
        currency=row.currency,
        request_id=row.request_id,
        created_at=row.created_at,
        total_minor=row.total_minor,
        state=BatchState(row.state),
        completed_at=row.completed_at,
    )


class SqlPayouts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, payout: Payout) -> bool:
        statement = (
            dialect_insert(self.session, payouts)
            .values(
                id=payout.id,
                user_id=payout.user_id,
                amount_minor=payout.amount.amount_minor,
                currency=payout.amount.currency,
                request_id=payout.request_id,
                created_at=payout.created_at,
                **self._mutable(payout),
            )
            .on_conflict_do_nothing(index_elements=["user_id", "request_id"])
            .returning(payouts.c.id)
        )
        return (await self.session.execute(statement)).first() is not None

    @staticmethod
    def _mutable(payout: Payout) -> dict[str, Any]:
        return {
            "state": payout.state.value,
            "batch_id": payout.batch_id,
            "failure_reason": payout.failure_reason,
            "completed_at": payout.completed_at,
        }

    async def save(self, payout: Payout) -> None:
        await self.session.execute(
            sa.update(payouts).where(payouts.c.id == payout.id).values(**self._mutable(payout))
        )

    async def by_request(self, user_id: str, request_id: str) -> Payout | None:
        query = sa.select(payouts).where(payouts.c.user_id == user_id, payouts.c.request_id == request_id)
        row = (await self.session.execute(query)).first()
        return _to_payout(row) if row else None

    async def for_user(self, user_id: str, after: Key | None, limit: int) -> list[Payout]:
        query = (
            sa.select(payouts)
            .where(payouts.c.user_id == user_id, _before(payouts, after))
            .order_by(payouts.c.created_at.desc(), payouts.c.id.desc())
            .limit(limit)
        )
        return [_to_payout(row) for row in await self.session.execute(query)]

    async def paid_totals(self, user_id: str) -> dict[str, int]:
        query = (
            sa.select(payouts.c.currency, sa.func.sum(payouts.c.amount_minor))
            .where(payouts.c.user_id == user_id, payouts.c.state == PayoutState.PAID.value)
            .group_by(payouts.c.currency)
        )
        return {currency: int(total) for currency, total in await self.session.execute(query)}

    async def requested(self, currency: str) -> list[Payout]:
        """Every REQUESTED payout of a currency, locked (a concurrent batch waits)."""
        query = (
            sa.select(payouts)
            .where(payouts.c.state == PayoutState.REQUESTED.value, payouts.c.currency == currency)
            .order_by(payouts.c.created_at)
            .with_for_update()
        )
        return [_to_payout(row) for row in await self.session.execute(query)]

    async def in_batch(self, batch_id: str, *, for_update: bool = False) -> list[Payout]:
        query = sa.select(payouts).where(payouts.c.batch_id == batch_id).order_by(payouts.c.created_at)
        if for_update:
            query = query.with_for_update()
        return [_to_payout(row) for row in await self.session.execute(query)]

    async def add_batch(self, batch: PayoutBatch) -> bool:
        statement = (
            dialect_insert(self.session, payout_batches)
            .values(
                id=batch.id,
                currency=batch.currency,
                request_id=batch.request_id,
                state=batch.state.value,
                total_minor=batch.total_minor,
                created_at=batch.created_at,
                completed_at=batch.completed_at,
            )
            .on_conflict_do_nothing(index_elements=["request_id"])
            .returning(payout_batches.c.id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def save_batch(self, batch: PayoutBatch) -> None:
        await self.session.execute(
            sa.update(payout_batches)
            .where(payout_batches.c.id == batch.id)
            .values(state=batch.state.value, total_minor=batch.total_minor, completed_at=batch.completed_at)
        )

    async def batch(self, batch_id: str, *, for_update: bool = False) -> PayoutBatch | None:
        query = sa.select(payout_batches).where(payout_batches.c.id == batch_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _to_batch(row) if row else None

    async def batch_by_request(self, request_id: str) -> PayoutBatch | None:
        query = sa.select(payout_batches).where(payout_batches.c.request_id == request_id)
        row = (await self.session.execute(query)).first()
        return _to_batch(row) if row else None


class SqlPayoutAccounts:
    """Bank details encrypted with MultiFernet: the first key encrypts, every key decrypts,
    `rotate` re-encrypts every row with the first key (then old keys can be dropped)."""

    def __init__(self, session: AsyncSession, fernet: MultiFernet | None) -> None:
        self.session = session
        self._fernet = fernet

    def _keys(self) -> MultiFernet:
        if self._fernet is None:
            from lms_payment.domain.errors import Precondition

            raise Precondition("PROVIDER_NOT_CONFIGURED", "payout accounts need LMS_PAYOUT_ENCRYPTION_KEYS")
        return self._fernet

    async def put(self, account: PayoutAccount) -> None:
        details = json.dumps(
            {
                "holder_name": account.holder_name,
                "account_number": account.account_number,
                "bank_code": account.bank_code,
            }
        ).encode()
        values = {
            "details": self._keys().encrypt(details).decode(),
            "account_last4": account.last4,
            "country_code": account.country_code,
            "updated_at": account.updated_at,
        }
        statement = dialect_insert(self.session, payout_accounts).values(user_id=account.user_id, **values)
        await self.session.execute(statement.on_conflict_do_update(index_elements=["user_id"], set_=values))

    async def get(self, user_id: str) -> PayoutAccount | None:
        row = (
            await self.session.execute(sa.select(payout_accounts).where(payout_accounts.c.user_id == user_id))
        ).first()
        if row is None:
            return None
        details = json.loads(self._keys().decrypt(row.details.encode()))
        return PayoutAccount(
            user_id=row.user_id,
            holder_name=details["holder_name"],
            account_number=details["account_number"],
            bank_code=details["bank_code"],
            country_code=row.country_code,
            updated_at=row.updated_at,
        )

    async def lock(self, user_id: str) -> bool:
        """Lock the user's account row (payouts of one user queue here); False if none is set."""
        query = (
            sa.select(payout_accounts.c.user_id).where(payout_accounts.c.user_id == user_id).with_for_update()
        )
        return (await self.session.scalar(query)) is not None

    async def rotate(self) -> int:
        """Re-encrypt every row with the newest key; returns how many rows."""
        keys = self._keys()
        rows = list(
            await self.session.execute(sa.select(payout_accounts.c.user_id, payout_accounts.c.details))
        )
        for user_id, details in rows:
            await self.session.execute(
                sa.update(payout_accounts)
                .where(payout_accounts.c.user_id == user_id)
                .values(details=keys.rotate(details.encode()).decode())
            )
        return len(rows)


class SqlReferralCodes:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, code: ReferralCode) -> bool:
        statement = (
            dialect_insert(self.session, referral_codes)
            .values(
                code=code.code,
                owner_id=code.owner_id,
                commission_bps=code.commission_bps,
                created_at=code.created_at,
            )
            .on_conflict_do_nothing(index_elements=["code"])
            .returning(referral_codes.c.code)
        )
        return (await self.session.execute(statement)).first() is not None

    async def get(self, code: str) -> ReferralCode | None:
        row = (
            await self.session.execute(sa.select(referral_codes).where(referral_codes.c.code == code))
        ).first()
        return ReferralCode(row.code, row.owner_id, row.commission_bps, row.created_at) if row else None

    async def for_owner(self, owner_id: str) -> list[ReferralCode]:
        query = (
            sa.select(referral_codes)
            .where(referral_codes.c.owner_id == owner_id)
            .order_by(referral_codes.c.created_at, referral_codes.c.code)
        )
        return [
            ReferralCode(row.code, row.owner_id, row.commission_bps, row.created_at)
            for row in await self.session.execute(query)
        ]


# ---------------------------------------------------------------- subscriptions


def _to_plan(row: Any) -> Plan:
    return Plan(
        id=row.id,
        display_name=row.display_name,
        interval=BillingInterval(row.interval),
        price=Money(row.price_minor, row.currency),
        stripe_price_id=row.stripe_price_id,
        created_at=row.created_at,
        course_ids=tuple(row.course_ids or ()),
        all_courses=row.all_courses,
        active=row.active,
    )


def _to_subscription(row: Any) -> Subscription:
    return Subscription(
        id=row.id,
        user_id=row.user_id,
        plan_id=row.plan_id,
        provider=row.provider,
        request_id=row.request_id,
        created_at=row.created_at,
        state=SubscriptionStatus(row.state),
        provider_subscription_id=row.provider_subscription_id,
        provider_customer_id=row.provider_customer_id,
        client_secret=row.client_secret,
        current_period_end=row.current_period_end,
        cancel_at_period_end=row.cancel_at_period_end,
        updated_at=row.updated_at,
    )


class SqlPlans:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, plan: Plan) -> None:
        statement = (
            dialect_insert(self.session, plans)
            .values(
                id=plan.id,
                display_name=plan.display_name,
                interval=plan.interval.value,
                price_minor=plan.price.amount_minor,
                currency=plan.price.currency,
                stripe_price_id=plan.stripe_price_id,
                course_ids=list(plan.course_ids),
                all_courses=plan.all_courses,
                active=plan.active,
                created_at=plan.created_at,
            )
            .on_conflict_do_nothing(index_elements=["id"])
            .returning(plans.c.id)
        )
        if (await self.session.execute(statement)).first() is None:
            raise AlreadyExists(f"plans/{plan.id}")

    async def get(self, plan_id: str) -> Plan | None:
        row = (await self.session.execute(sa.select(plans).where(plans.c.id == plan_id))).first()
        return _to_plan(row) if row else None

    async def active(self) -> list[Plan]:
        query = sa.select(plans).where(plans.c.active.is_(True)).order_by(plans.c.id)
        return [_to_plan(row) for row in await self.session.execute(query)]

    async def many(self, plan_ids: Sequence[str]) -> dict[str, Plan]:
        if not plan_ids:
            return {}
        query = sa.select(plans).where(plans.c.id.in_(plan_ids))
        return {row.id: _to_plan(row) for row in await self.session.execute(query)}


class SqlSubscriptions:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, subscription: Subscription) -> bool:
        statement = (
            dialect_insert(self.session, subscriptions)
            .values(
                id=subscription.id,
                user_id=subscription.user_id,
                plan_id=subscription.plan_id,
                provider=subscription.provider,
                request_id=subscription.request_id,
                created_at=subscription.created_at,
                **self._mutable(subscription),
            )
            .on_conflict_do_nothing(index_elements=["user_id", "request_id"])
            .returning(subscriptions.c.id)
        )
        return (await self.session.execute(statement)).first() is not None

    @staticmethod
    def _mutable(subscription: Subscription) -> dict[str, Any]:
        return {
            "state": subscription.state.value,
            "provider_subscription_id": subscription.provider_subscription_id,
            "provider_customer_id": subscription.provider_customer_id,
            "client_secret": subscription.client_secret,
            "current_period_end": subscription.current_period_end,
            "cancel_at_period_end": subscription.cancel_at_period_end,
            "updated_at": subscription.updated_at or subscription.created_at,
        }

    async def save(self, subscription: Subscription) -> None:
        await self.session.execute(
            sa.update(subscriptions)
            .where(subscriptions.c.id == subscription.id)
            .values(**self._mutable(subscription))
        )

    async def get(self, subscription_id: str, *, for_update: bool = False) -> Subscription | None:
        query = sa.select(subscriptions).where(subscriptions.c.id == subscription_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _to_subscription(row) if row else None

    async def by_request(self, user_id: str, request_id: str) -> Subscription | None:
        query = sa.select(subscriptions).where(
            subscriptions.c.user_id == user_id, subscriptions.c.request_id == request_id
        )
        row = (await self.session.execute(query)).first()
        return _to_subscription(row) if row else None

    async def by_provider_id(
        self, provider: str, provider_subscription_id: str, *, for_update: bool = False
    ) -> Subscription | None:
        query = sa.select(subscriptions).where(
            subscriptions.c.provider == provider,
            subscriptions.c.provider_subscription_id == provider_subscription_id,
        )
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _to_subscription(row) if row else None

    async def for_user(self, user_id: str) -> list[Subscription]:
        query = (
            sa.select(subscriptions)
            .where(subscriptions.c.user_id == user_id)
            .order_by(subscriptions.c.created_at.desc(), subscriptions.c.id.desc())
        )
        return [_to_subscription(row) for row in await self.session.execute(query)]


# ---------------------------------------------------------------- unit of work


class SqlUnitOfWork(KitUnitOfWork):
    """The kit's unit of work plus this service's repositories; `collect(aggregate)` sends
    the events it raised to the outbox in the same transaction."""

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
        self._fernet = fernet

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        session = self.session
        self.orders = SqlOrders(session)
        self.provider_events = SqlProviderEvents(session)
        self.refunds = SqlRefunds(session)
        self.coupons = SqlCoupons(session)
        self.ledger = SqlLedger(session)
        self.payouts = SqlPayouts(session)
        self.payout_accounts = SqlPayoutAccounts(session, self._fernet)
        self.referral_codes = SqlReferralCodes(session)
        self.plans = SqlPlans(session)
        self.subscriptions = SqlSubscriptions(session)
        return self


def collect(uow: KitUnitOfWork, aggregate: Any) -> None:
    """Record the events `aggregate` (an order or a subscription) raised on `uow`; they reach
    the outbox on commit."""
    for event in aggregate.events:
        uow.record(mappers.event_to_proto(event))
    aggregate.events.clear()
