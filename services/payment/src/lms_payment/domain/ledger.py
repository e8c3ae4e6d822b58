"""The double-entry ledger: every movement of money is a transaction whose entries sum to
zero in each currency (debit positive, credit negative), so the books always balance.

Accounts:
  provider:{provider}        money held at a payment provider (an asset: debit balance)
  platform:fees              the platform's share of sales (revenue: credit balance)
  platform:subscriptions     subscription revenue
  platform:payouts_sent      money sent out to users' banks
  earnings:users/{user}      what the platform owes a user: teacher shares, commissions
  payouts:users/{user}       money held for a user's requested payouts

A sale of A splits into the teacher's share, the platform fee and the referrer's
commission, which comes out of the platform fee (the teacher's share never depends on who
referred the learner). A refund reverses each leg in proportion to the amount refunded,
with the cumulative-floor method, so that refunding an order in any number of parts
reverses every leg exactly once it is fully refunded; the platform absorbs the rounding.
"""

from __future__ import annotations

import enum
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from lms_kit.domain.money import Money
from lms_payment.domain.model import Order

PLATFORM_FEES = "platform:fees"
PLATFORM_SUBSCRIPTIONS = "platform:subscriptions"
PAYOUTS_SENT = "platform:payouts_sent"


def provider_account(provider: str) -> str:
    return f"provider:{provider}"


def earnings_account(user_id: str) -> str:
    return f"earnings:users/{user_id}"


def payouts_account(user_id: str) -> str:
    return f"payouts:users/{user_id}"


class EntryKind(enum.StrEnum):
    SALE = "sale"
    PLATFORM_FEE = "platform_fee"
    COMMISSION = "commission"
    REFUND_REVERSAL = "refund_reversal"
    PAYOUT = "payout"
    SUBSCRIPTION = "subscription"
    PROVIDER = "provider"


@dataclass(frozen=True, slots=True)
class Entry:
    account: str
    amount: Money  # debit positive, credit negative
    kind: EntryKind


@dataclass(frozen=True, slots=True)
class BookedEntry:
    """An entry as the books hold it: its sequence number, its transaction, what it is for."""

    entry_id: int
    transaction_id: str
    entry: Entry
    reference: str
    at: datetime


@dataclass
class Transaction:
    """A balanced set of entries. `reference` names what it belongs to (an order, a refund,
    a payout, an invoice); the repository keeps (kind_key, reference) unique, so booking the
    same thing twice is impossible even if a handler is replayed."""

    id: str
    key: str  # what makes it unique, e.g. "sale:orders/o1", "refund:r1"
    reference: str
    created_at: datetime
    entries: list[Entry] = field(default_factory=list)

    def __post_init__(self) -> None:
        totals: dict[str, int] = defaultdict(int)
        for entry in self.entries:
            totals[entry.amount.currency] += entry.amount.amount_minor
        unbalanced = {c: t for c, t in totals.items() if t != 0}
        if unbalanced:
            raise ValueError(f"unbalanced ledger transaction {self.key}: {unbalanced}")
        self.entries = [e for e in self.entries if not e.amount.is_zero]


def _transaction(key: str, reference: str, now: datetime, entries: Iterable[Entry]) -> Transaction:
    return Transaction(str(uuid.uuid4()), key, reference, now, list(entries))


@dataclass(frozen=True, slots=True)
class SaleSplit:
    teacher: int
    platform: int
    commission: int


def split_sale(amount_minor: int, fee_bps: int, commission_bps: int) -> SaleSplit:
    """Teacher share, platform fee and commission (all minor units) of a sale."""
    fee = amount_minor * fee_bps // 10_000
    commission = min(amount_minor * commission_bps // 10_000, fee)
    return SaleSplit(amount_minor - fee, fee - commission, commission)


def sale(order: Order, now: datetime) -> Transaction:
    """The money of a paid order: received at the provider, owed to the teacher, the
    platform and the referrer."""
    amount = order.amount
    commission_bps = order.referral.commission_bps if order.referral else 0
    split = split_sale(amount.amount_minor, order.platform_fee_bps, commission_bps)
    money = lambda minor: Money(minor, amount.currency)  # noqa: E731
    entries = [
        Entry(provider_account(order.provider.value), amount, EntryKind.PROVIDER),
        Entry(earnings_account(order.teacher_id), money(-split.teacher), EntryKind.SALE),
        Entry(PLATFORM_FEES, money(-split.platform), EntryKind.PLATFORM_FEE),
    ]
    if order.referral is not None:
        entries.append(
            Entry(
                earnings_account(order.referral.referrer_id), money(-split.commission), EntryKind.COMMISSION
            )
        )
    return _transaction(f"sale:{order.id}", f"orders/{order.id}", now, entries)


def refund_reversal(
    order: Order,
    sale_entries: Iterable[Entry],
    *,
    refunded_before: int,
    refund: Money,
    refund_id: str,
    now: datetime,
) -> Transaction:
    """Take back each credit leg of the sale in proportion to `refund`.

    Each leg x gives back floor(x * (before + r) / A) - floor(x * before / A): summed over all
    parts of a full refund that is exactly x. The platform's leg takes the rounding, so the
    transaction balances."""
    total = order.amount.amount_minor
    after = refunded_before + refund.amount_minor
    reversals: list[Entry] = []
    taken_back = 0
    for entry in sale_entries:
        if entry.amount.amount_minor >= 0:  # the provider leg: handled below
            continue
        owed = -entry.amount.amount_minor
        back = owed * after // total - owed * refunded_before // total
        reversals.append(Entry(entry.account, Money(back, refund.currency), EntryKind.REFUND_REVERSAL))
        taken_back += back
    rounding = refund.amount_minor - taken_back
    if rounding:
        reversals.append(Entry(PLATFORM_FEES, Money(rounding, refund.currency), EntryKind.REFUND_REVERSAL))
    reversals.append(Entry(provider_account(order.provider.value), -refund, EntryKind.PROVIDER))
    return _transaction(f"refund:{refund_id}", f"orders/{order.id}/refunds/{refund_id}", now, reversals)


def payout_requested(user_id: str, payout_id: str, amount: Money, now: datetime) -> Transaction:
    return _transaction(
        f"payout-request:{payout_id}",
        f"users/{user_id}/payouts/{payout_id}",
        now,
        [
            Entry(earnings_account(user_id), amount, EntryKind.PAYOUT),
            Entry(payouts_account(user_id), -amount, EntryKind.PAYOUT),
        ],
    )


def payout_completed(
    user_id: str, payout_id: str, amount: Money, *, paid: bool, now: datetime
) -> Transaction:
    """Paid: the held money leaves the platform. Failed: it returns to the user's earnings."""
    destination = PAYOUTS_SENT if paid else earnings_account(user_id)
    return _transaction(
        f"payout-{'paid' if paid else 'failed'}:{payout_id}",
        f"users/{user_id}/payouts/{payout_id}",
        now,
        [
            Entry(payouts_account(user_id), amount, EntryKind.PAYOUT),
            Entry(destination, -amount, EntryKind.PAYOUT),
        ],
    )


def subscription_payment(
    provider: str, subscription_id: str, invoice_id: str, amount: Money, now: datetime
) -> Transaction:
    return _transaction(
        f"invoice:{provider}:{invoice_id}",
        f"subscriptions/{subscription_id}",
        now,
        [
            Entry(provider_account(provider), amount, EntryKind.PROVIDER),
            Entry(PLATFORM_SUBSCRIPTIONS, -amount, EntryKind.SUBSCRIPTION),
        ],
    )
