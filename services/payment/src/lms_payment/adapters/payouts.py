"""Payouts, their batches and payout accounts in SQL. A payout never exceeds the user's
earnings: the handler locks the user's payout account row (one user's payouts queue
there), then sums the entries. Bank details are encrypted with MultiFernet: the first key
encrypts, every key decrypts, `rotate` re-encrypts every row with the first key."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import MultiFernet
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lms_kit.domain.money import Money
from lms_kit.secrets import multi_fernet
from lms_kit.uow import SqlRepository
from lms_payment.adapters.sql import Key, before, wrote_row
from lms_payment.adapters.tables import payout_accounts, payout_batches, payouts
from lms_payment.domain.earnings import BatchState, Payout, PayoutAccount, PayoutBatch, PayoutState
from lms_payment.domain.errors import ProviderNotConfigured


def payout_keys(keys: str) -> MultiFernet | None:
    """The bank-details keys of LMS_PAYOUT_ENCRYPTION_KEYS, or None when none are set
    (payout accounts are then refused)."""
    return multi_fernet(keys) if keys.strip() else None


def _ignore(_aggregate: object) -> None:
    return None


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


class SqlPayouts(SqlRepository):
    async def add(self, payout: Payout) -> bool:
        statement = (
            insert(payouts)
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
        )
        if not await wrote_row(self.session, statement, payouts.c.id):
            return False
        self.seen(payout)
        return True

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
        return self.seen(_to_payout(row)) if row else None

    async def for_user(self, user_id: str, after: Key, limit: int) -> list[Payout]:
        query = (
            sa.select(payouts)
            .where(payouts.c.user_id == user_id, before(payouts, after))
            .order_by(payouts.c.created_at.desc(), payouts.c.id.desc())
            .limit(limit)
        )
        return [self.seen(_to_payout(row)) for row in await self.session.execute(query)]

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
        return [self.seen(_to_payout(row)) for row in await self.session.execute(query)]

    async def in_batch(self, batch_id: str, *, for_update: bool = False) -> list[Payout]:
        query = sa.select(payouts).where(payouts.c.batch_id == batch_id).order_by(payouts.c.created_at)
        if for_update:
            query = query.with_for_update()
        return [self.seen(_to_payout(row)) for row in await self.session.execute(query)]

    async def add_batch(self, batch: PayoutBatch) -> bool:
        statement = (
            insert(payout_batches)
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
        )
        if not await wrote_row(self.session, statement, payout_batches.c.id):
            return False
        self.seen(batch)
        return True

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
        return self.seen(_to_batch(row)) if row else None

    async def batch_by_request(self, request_id: str) -> PayoutBatch | None:
        query = sa.select(payout_batches).where(payout_batches.c.request_id == request_id)
        row = (await self.session.execute(query)).first()
        return self.seen(_to_batch(row)) if row else None


class SqlPayoutAccounts(SqlRepository):
    """Bank details encrypted with MultiFernet: the first key encrypts, every key decrypts,
    `rotate` re-encrypts every row with the first key (then old keys can be dropped)."""

    def __init__(
        self, session: AsyncSession, fernet: MultiFernet | None, track: Callable[[object], None] = _ignore
    ) -> None:
        super().__init__(session, track)
        self._fernet = fernet

    def _keys(self) -> MultiFernet:
        if self._fernet is None:
            raise ProviderNotConfigured("payout accounts need LMS_PAYOUT_ENCRYPTION_KEYS")
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
        statement = insert(payout_accounts).values(user_id=account.user_id, **values)
        await self.session.execute(statement.on_conflict_do_update(index_elements=["user_id"], set_=values))
        self.seen(account)

    async def get(self, user_id: str) -> PayoutAccount | None:
        row = (
            await self.session.execute(sa.select(payout_accounts).where(payout_accounts.c.user_id == user_id))
        ).first()
        if row is None:
            return None
        details = json.loads(self._keys().decrypt(row.details.encode()))
        account = PayoutAccount(
            user_id=row.user_id,
            holder_name=details["holder_name"],
            account_number=details["account_number"],
            bank_code=details["bank_code"],
            country_code=row.country_code,
            updated_at=row.updated_at,
        )
        return self.seen(account)

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
