"""What users earn and take out: payouts and their batches, payout accounts (bank
details), and referral codes. The money itself lives in the ledger (domain/ledger.py)."""

from __future__ import annotations

import enum
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from lms_kit.domain import Aggregate
from lms_kit.domain.money import Money
from lms_payment.domain.errors import PayoutNotInBatch


class PayoutState(enum.StrEnum):
    REQUESTED = "requested"
    BATCHED = "batched"
    PAID = "paid"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PayoutCompleted:
    """A payout's transfer ended: paid, or failed (the money is back in the earnings)."""

    payout_id: str
    user_id: str
    amount: Money
    paid: bool
    failure_reason: str
    at: datetime


@dataclass
class Payout(Aggregate):
    id: str
    user_id: str
    amount: Money
    request_id: str
    created_at: datetime
    state: PayoutState = PayoutState.REQUESTED
    batch_id: str = ""
    failure_reason: str = ""
    completed_at: datetime | None = None

    def batch(self, batch_id: str) -> None:
        if self.state is not PayoutState.REQUESTED:
            raise PayoutNotInBatch(f"payout {self.id} is {self.state}")
        self.state = PayoutState.BATCHED
        self.batch_id = batch_id

    def complete(self, *, paid: bool, reason: str, now: datetime) -> bool:
        """Record the transfer's outcome; True the first time."""
        if self.state in (PayoutState.PAID, PayoutState.FAILED):
            return False
        if self.state is not PayoutState.BATCHED:
            raise PayoutNotInBatch(f"payout {self.id} is not batched")
        self.state = PayoutState.PAID if paid else PayoutState.FAILED
        self.failure_reason = "" if paid else reason[:500]
        self.completed_at = now
        self.raise_event(PayoutCompleted(self.id, self.user_id, self.amount, paid, self.failure_reason, now))
        return True


class BatchState(enum.StrEnum):
    PROCESSING = "processing"
    COMPLETED = "completed"


@dataclass
class PayoutBatch(Aggregate):
    id: str
    currency: str
    request_id: str
    created_at: datetime
    total_minor: int = 0
    state: BatchState = BatchState.PROCESSING
    completed_at: datetime | None = None

    def include(self, payout: Payout) -> None:
        """Put a requested payout of the batch's currency in it."""
        if payout.amount.currency != self.currency:
            raise ValueError(f"a {payout.amount.currency} payout in a {self.currency} batch")
        payout.batch(self.id)
        self.total_minor += payout.amount.amount_minor

    def complete(self, now: datetime) -> None:
        self.state, self.completed_at = BatchState.COMPLETED, now


_ACCOUNT_NUMBER = re.compile(r"^[A-Za-z0-9]{4,34}$")


@dataclass(frozen=True, slots=True)
class PayoutAccount(Aggregate):
    """Bank details. Only the repository sees them encrypted; reads outside the service
    show `last4` alone."""

    user_id: str
    holder_name: str
    account_number: str
    bank_code: str
    country_code: str
    updated_at: datetime

    def __post_init__(self) -> None:
        if not _ACCOUNT_NUMBER.match(self.account_number):
            raise ValueError("account_number is 4 to 34 letters and digits")

    @property
    def last4(self) -> str:
        return self.account_number[-4:]


REFERRAL_CODE = re.compile(r"^[A-Za-z0-9_-]{3,32}$")


def new_referral_code() -> str:
    """Eight characters from an alphabet without look-alikes (0/O, 1/I/l)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


@dataclass(frozen=True, slots=True)
class ReferralCode(Aggregate):
    code: str
    owner_id: str
    commission_bps: int
    created_at: datetime
    paid_order_count: int = 0

    def __post_init__(self) -> None:
        if not REFERRAL_CODE.match(self.code):
            raise ValueError("a referral code is 3 to 32 of A-Z, a-z, 0-9, '-' and '_'")
        if not 0 <= self.commission_bps <= 10_000:
            raise ValueError("commission is 0..10000 basis points")
