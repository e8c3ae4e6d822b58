"""Earnings, ledger entries, payouts and their batches, payout accounts and referral codes,
domain -> proto."""

from __future__ import annotations

from lms.payment.v1 import payment_pb2
from lms_kit.domain.money import Money
from lms_kit.proto import money, set_times, timestamp
from lms_payment.domain.earnings import BatchState, Payout, PayoutAccount, PayoutBatch, ReferralCode
from lms_payment.domain.ledger import BookedEntry
from lms_payment.handlers.results import Balance, LedgerTotals
from lms_payment.mappers.common import ENTRY_KIND_TO_PROTO, PAYOUT_STATE_TO_PROTO


def earnings_to_proto(name: str, balances: list[Balance]) -> payment_pb2.Earnings:
    return payment_pb2.Earnings(
        name=name,
        balances=[
            payment_pb2.EarningsBalance(
                available=money(Money(b.available, b.currency)),
                in_payout=money(Money(b.in_payout, b.currency)),
                paid_out=money(Money(b.paid_out, b.currency)),
            )
            for b in balances
        ],
    )


def ledger_entry_to_proto(booked: BookedEntry) -> payment_pb2.LedgerEntry:
    return payment_pb2.LedgerEntry(
        transaction_id=booked.transaction_id,
        account=booked.entry.account,
        amount=money(booked.entry.amount),
        kind=ENTRY_KIND_TO_PROTO[booked.entry.kind],
        reference=booked.reference,
        create_time=timestamp(booked.at),
    )


def ledger_balance_to_proto(totals: LedgerTotals) -> payment_pb2.LedgerBalance:
    return payment_pb2.LedgerBalance(
        totals=[money(Money(total, currency)) for currency, total in totals.totals.items()],
        entry_count=totals.entry_count,
    )


def payout_to_proto(payout: Payout) -> payment_pb2.Payout:
    message = payment_pb2.Payout(
        name=f"users/{payout.user_id}/payouts/{payout.id}",
        amount=money(payout.amount),
        state=PAYOUT_STATE_TO_PROTO[payout.state],
        batch=f"payoutBatches/{payout.batch_id}" if payout.batch_id else "",
        failure_reason=payout.failure_reason,
    )
    set_times(message, create_time=payout.created_at, complete_time=payout.completed_at)
    return message


def batch_to_proto(batch: PayoutBatch, members: list[Payout]) -> payment_pb2.PayoutBatch:
    message = payment_pb2.PayoutBatch(
        name=f"payoutBatches/{batch.id}",
        currency_code=batch.currency,
        total=money(Money(batch.total_minor, batch.currency)),
        payouts=[payout_to_proto(p) for p in members],
        state=payment_pb2.PAYOUT_BATCH_STATE_COMPLETED
        if batch.state is BatchState.COMPLETED
        else payment_pb2.PAYOUT_BATCH_STATE_PROCESSING,
    )
    set_times(message, create_time=batch.created_at, complete_time=batch.completed_at)
    return message


def payout_account_to_proto(account: PayoutAccount) -> payment_pb2.PayoutAccount:
    """Masked: the account number never leaves the service."""
    message = payment_pb2.PayoutAccount(
        name=f"users/{account.user_id}/payoutAccount",
        holder_name=account.holder_name,
        bank_code=account.bank_code,
        country_code=account.country_code,
        account_number_last4=account.last4,
    )
    set_times(message, update_time=account.updated_at)
    return message


def referral_to_proto(code: ReferralCode) -> payment_pb2.ReferralCode:
    message = payment_pb2.ReferralCode(
        name=f"referralCodes/{code.code}",
        owner=f"users/{code.owner_id}",
        commission_bps=code.commission_bps,
        paid_order_count=code.paid_order_count,
    )
    set_times(message, create_time=code.created_at)
    return message
