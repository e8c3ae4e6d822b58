"""The double-entry ledger in SQL. A transaction is booked once per key (ON CONFLICT on
`key`); balances are sums of entries, so a sale locks no row that other sales share."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_kit.domain.money import Money
from lms_kit.uow import SqlRepository
from lms_payment.adapters.sql import wrote_row
from lms_payment.adapters.tables import ledger_entries, ledger_transactions
from lms_payment.domain.ledger import BookedEntry, Entry, EntryKind, Transaction


class SqlLedger(SqlRepository):
    async def book(self, transaction: Transaction) -> bool:
        """Write a balanced transaction and move the balances; False if its key was booked
        before (nothing written)."""
        statement = (
            insert(ledger_transactions)
            .values(
                id=transaction.id,
                key=transaction.key,
                reference=transaction.reference,
                created_at=transaction.created_at,
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )
        if not await wrote_row(self.session, statement, ledger_transactions.c.id):
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

    async def entries_for(self, accounts: Sequence[str], after: int | None, limit: int) -> list[BookedEntry]:
        """The accounts' entries, newest first."""
        e = ledger_entries.c
        query = sa.select(ledger_entries).where(e.account.in_(accounts)).order_by(e.id.desc()).limit(limit)
        if after is not None:
            query = query.where(e.id < after)
        return [
            BookedEntry(
                row.id,
                row.transaction_id,
                Entry(row.account, Money(row.amount_minor, row.currency), EntryKind(row.kind)),
                row.reference,
                row.created_at,
            )
            for row in await self.session.execute(query)
        ]
