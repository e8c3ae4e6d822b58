"""Earnings and the ledger as their owners and administrators read them."""

from __future__ import annotations

from lms_payment.domain import ledger
from lms_payment.domain.ledger import BookedEntry
from lms_payment.handlers.common import Deps
from lms_payment.handlers.results import Balance, LedgerTotals


class EarningsHandlers:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def balances(self, user_id: str) -> list[Balance]:
        """Per currency: what the user may take out, what is held for payouts, what was paid."""
        earnings, held = ledger.earnings_account(user_id), ledger.payouts_account(user_id)
        async with self._deps.uow() as uow:
            balances = await uow.ledger.balances([earnings, held])
            paid = await uow.payouts.paid_totals(user_id)
        currencies = sorted({currency for _, currency in balances} | set(paid))
        # Owed money sits on the credit side (negative): show it as a positive amount.
        return [
            Balance(
                currency,
                -balances.get((earnings, currency), 0),
                -balances.get((held, currency), 0),
                paid.get(currency, 0),
            )
            for currency in currencies
        ]

    async def entries(self, user_id: str, after: int | None, limit: int) -> list[BookedEntry]:
        """The user's earnings and payout entries, newest first."""
        accounts = [ledger.earnings_account(user_id), ledger.payouts_account(user_id)]
        async with self._deps.uow() as uow:
            return await uow.ledger.entries_for(accounts, after, limit)

    async def totals(self) -> LedgerTotals:
        async with self._deps.uow() as uow:
            totals, count = await uow.ledger.totals()
        return LedgerTotals(totals, count)
