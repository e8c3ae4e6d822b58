"""Earnings, the ledger, payout accounts, payouts and their batches, referral codes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from lms_payment.domain import ledger
from lms_payment.domain.earnings import (
    BatchState,
    Payout,
    PayoutAccount,
    PayoutBatch,
    ReferralCode,
    new_referral_code,
)
from lms_payment.domain.errors import AlreadyExists, InsufficientEarnings, NotFound, Precondition
from lms_payment.domain.ledger import Entry
from lms_payment.domain.model import Money
from lms_payment.handlers.common import Deps, log
from lms_payment.mappers import payout_completed


@dataclass(frozen=True, slots=True)
class Balance:
    currency: str
    available: int
    in_payout: int
    paid_out: int


@dataclass(frozen=True, slots=True)
class BookedEntry:
    entry_id: int
    transaction_id: str
    entry: Entry
    reference: str
    at: datetime


class EarningsHandlers:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    # Ledger

    async def balances(self, user_id: str) -> list[Balance]:
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
        accounts = [ledger.earnings_account(user_id), ledger.payouts_account(user_id)]
        async with self._deps.uow() as uow:
            rows = await uow.ledger.entries_for(accounts, after, limit)
        return [BookedEntry(*row) for row in rows]

    async def totals(self) -> tuple[dict[str, int], int]:
        async with self._deps.uow() as uow:
            return await uow.ledger.totals()

    # Payout accounts

    async def set_payout_account(self, account: PayoutAccount) -> PayoutAccount:
        async with self._deps.uow() as uow:
            await uow.payout_accounts.put(account)
            await uow.commit()
        log.info("payout_account_set user_id=%s", account.user_id)  # never the details
        return account

    async def payout_account(self, user_id: str) -> PayoutAccount:
        async with self._deps.uow() as uow:
            account = await uow.payout_accounts.get(user_id)
        if account is None:
            raise NotFound("PAYOUT_ACCOUNT_MISSING", f"users/{user_id}/payoutAccount")
        return account

    async def rotate_payout_account_keys(self) -> int:
        async with self._deps.uow() as uow:
            count = await uow.payout_accounts.rotate()
            await uow.commit()
        return count

    # Payouts

    async def request_payout(self, user_id: str, amount: Money, request_id: str) -> Payout:
        """Hold `amount` of the user's available earnings for a payout. The user's payout
        account row is locked while the earnings are summed, so concurrent requests cannot
        overdraw them."""
        if amount.amount_minor <= 0:
            raise ValueError("a payout needs a positive amount")
        now = self._deps.clock()
        async with self._deps.uow() as uow:
            existing = await uow.payouts.by_request(user_id, request_id)
            if existing is not None:
                return existing
            if not await uow.payout_accounts.lock(user_id):
                raise Precondition("PAYOUT_ACCOUNT_MISSING", "set a payout account first")
            owed = -await uow.ledger.balance(ledger.earnings_account(user_id), amount.currency)
            if amount.amount_minor > owed:
                raise InsufficientEarnings(max(owed, 0), amount.currency)
            payout = Payout(str(uuid.uuid4()), user_id, amount, request_id, now)
            await uow.payouts.add(payout)
            await uow.ledger.book(ledger.payout_requested(user_id, payout.id, amount, now))
            await uow.commit()
        log.info(
            "payout_requested payout_id=%s user_id=%s amount_minor=%d",
            payout.id,
            user_id,
            amount.amount_minor,
        )
        return payout

    async def payouts(self, user_id: str, after: tuple[datetime, str] | None, limit: int) -> list[Payout]:
        async with self._deps.uow() as uow:
            return await uow.payouts.for_user(user_id, after, limit)

    async def create_batch(self, currency: str, request_id: str) -> tuple[PayoutBatch, list[Payout]]:
        """Every requested payout of `currency`, in one batch. Idempotent by request id."""
        now = self._deps.clock()
        async with self._deps.uow() as uow:
            existing = await uow.payouts.batch_by_request(request_id)
            if existing is not None:
                return existing, await uow.payouts.in_batch(existing.id)
            requested = await uow.payouts.requested(currency)
            batch = PayoutBatch(str(uuid.uuid4()), currency, request_id, now)
            for payout in requested:
                payout.batch(batch.id)
                batch.total_minor += payout.amount.amount_minor
                await uow.payouts.save(payout)
            if not requested:
                batch.state, batch.completed_at = BatchState.COMPLETED, now
            await uow.payouts.add_batch(batch)
            await uow.commit()
        log.info("payout_batch_created batch_id=%s payouts=%d", batch.id, len(requested))
        return batch, requested

    async def complete_batch(self, batch_id: str, failed: dict[str, str]) -> tuple[PayoutBatch, list[Payout]]:
        """Every payout of the batch is paid except `failed` ({payout id: reason}), whose money
        returns to the user's earnings. Idempotent."""
        now = self._deps.clock()
        async with self._deps.uow() as uow:
            batch = await uow.payouts.batch(batch_id, for_update=True)
            if batch is None:
                raise NotFound("PAYOUT_BATCH_NOT_FOUND", f"payoutBatches/{batch_id}")
            members = await uow.payouts.in_batch(batch_id, for_update=True)
            if batch.state is BatchState.COMPLETED:
                return batch, members
            unknown = set(failed) - {p.id for p in members}
            if unknown:
                raise Precondition("PAYOUT_NOT_IN_BATCH", f"not in this batch: {', '.join(sorted(unknown))}")
            for payout in members:
                paid = payout.id not in failed
                if payout.complete(paid=paid, reason=failed.get(payout.id, ""), now=now):
                    await uow.payouts.save(payout)
                    await uow.ledger.book(
                        ledger.payout_completed(payout.user_id, payout.id, payout.amount, paid=paid, now=now)
                    )
                    uow.record(payout_completed(payout))
            batch.state, batch.completed_at = BatchState.COMPLETED, now
            await uow.payouts.save_batch(batch)
            await uow.commit()
        log.info("payout_batch_completed batch_id=%s failed=%d", batch_id, len(failed))
        return batch, members

    # Referral codes

    async def create_referral_code(self, owner_id: str, code: str = "") -> ReferralCode:
        now = self._deps.clock()
        wanted = code.upper() if code else ""
        async with self._deps.uow() as uow:
            for _ in range(5):  # a generated code that collides is simply drawn again
                referral = ReferralCode(
                    wanted or new_referral_code(), owner_id, self._deps.terms.referral_commission_bps, now
                )
                if await uow.referral_codes.add(referral):
                    await uow.commit()
                    return referral
                if wanted:
                    break
        raise AlreadyExists(f"referralCodes/{wanted or 'generated'}")

    async def referral_codes(self, owner_id: str) -> list[ReferralCode]:
        async with self._deps.uow() as uow:
            codes = await uow.referral_codes.for_owner(owner_id)
            counts = await uow.orders.paid_with_referral([c.code for c in codes])
        return [
            ReferralCode(c.code, c.owner_id, c.commission_bps, c.created_at, counts.get(c.code, 0))
            for c in codes
        ]
