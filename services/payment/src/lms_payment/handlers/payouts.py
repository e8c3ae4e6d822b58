"""Payout accounts (bank details), payouts and their batches."""

from __future__ import annotations

import uuid

from lms_kit.domain import Invalid
from lms_kit.domain.money import Money
from lms_payment.domain import ledger
from lms_payment.domain.earnings import BatchState, Payout, PayoutAccount, PayoutBatch
from lms_payment.domain.errors import (
    InsufficientEarnings,
    PayoutAccountMissing,
    PayoutAccountNotFound,
    PayoutBatchNotFound,
    PayoutNotInBatch,
)
from lms_payment.handlers.common import Deps, log
from lms_payment.handlers.results import After


class PayoutHandlers:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    # Payout accounts

    async def set_account(
        self, user_id: str, *, holder_name: str, account_number: str, bank_code: str, country_code: str
    ) -> PayoutAccount:
        account = PayoutAccount(
            user_id=user_id,
            holder_name=holder_name,
            account_number=account_number,
            bank_code=bank_code,
            country_code=country_code,
            updated_at=self._deps.clock(),
        )
        async with self._deps.uow() as uow:
            await uow.payout_accounts.put(account)
            await uow.commit()
        log.info("payout_account_set user_id=%s", user_id)  # never the details
        return account

    async def account(self, user_id: str) -> PayoutAccount:
        async with self._deps.uow() as uow:
            account = await uow.payout_accounts.get(user_id)
        if account is None:
            raise PayoutAccountNotFound(user_id)
        return account

    async def rotate_account_keys(self) -> int:
        """Re-encrypt every payout account with the newest key; how many."""
        async with self._deps.uow() as uow:
            count = await uow.payout_accounts.rotate()
            await uow.commit()
        return count

    # Payouts

    async def request(self, user_id: str, amount: Money, request_id: str) -> Payout:
        """Hold `amount` of the user's available earnings for a payout. The user's payout
        account row is locked while the earnings are summed, so concurrent requests cannot
        overdraw them. Idempotent by (user, request id)."""
        if amount.amount_minor <= 0:
            raise Invalid.field("amount.amount_minor", "MIN", "must be positive")
        now = self._deps.clock()
        async with self._deps.uow() as uow:
            existing = await uow.payouts.by_request(user_id, request_id)
            if existing is not None:
                return existing
            if not await uow.payout_accounts.lock(user_id):
                raise PayoutAccountMissing()
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

    async def for_user(self, user_id: str, after: After, limit: int) -> list[Payout]:
        async with self._deps.uow() as uow:
            return await uow.payouts.for_user(user_id, after, limit)

    # Batches

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
                batch.include(payout)
                await uow.payouts.save(payout)
            if not requested:
                batch.complete(now)
            await uow.payouts.add_batch(batch)
            await uow.commit()
        log.info("payout_batch_created batch_id=%s payouts=%d", batch.id, len(requested))
        return batch, requested

    async def complete_batch(self, batch_id: str, failed: dict[str, str]) -> tuple[PayoutBatch, list[Payout]]:
        """Every payout of the batch is paid except `failed` ({payout id: reason, or ""}), whose
        money returns to the user's earnings. Idempotent."""
        now = self._deps.clock()
        async with self._deps.uow() as uow:
            batch = await uow.payouts.batch(batch_id, for_update=True)
            if batch is None:
                raise PayoutBatchNotFound(batch_id)
            members = await uow.payouts.in_batch(batch_id, for_update=True)
            if batch.state is BatchState.COMPLETED:
                return batch, members
            unknown = set(failed) - {p.id for p in members}
            if unknown:
                raise PayoutNotInBatch(f"not in this batch: {', '.join(sorted(unknown))}")
            for payout in members:
                paid = payout.id not in failed
                reason = failed.get(payout.id) or "transfer failed"
                if payout.complete(paid=paid, reason=reason, now=now):  # raises PayoutCompleted
                    await uow.payouts.save(payout)
                    await uow.ledger.book(
                        ledger.payout_completed(payout.user_id, payout.id, payout.amount, paid=paid, now=now)
                    )
            batch.complete(now)
            await uow.payouts.save_batch(batch)
            await uow.commit()
        log.info("payout_batch_completed batch_id=%s failed=%d", batch_id, len(failed))
        return batch, members
