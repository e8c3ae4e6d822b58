"""In-memory repositories (the Protocols of lms_payment.handlers.ports) on the kit's fake
unit of work: a unit of work works on a copy of the committed state, `commit()` keeps it
and the events, leaving without commit drops both, and a block that changed state or
raised events without committing fails with UncommittedWork. The repositories keep the
promises of the SQL adapters that the use cases rely on (idempotent inserts, a coupon's
limits, a ledger transaction booked once per key) and hand out copies, so a change a use
case does not save is lost as it would be in the database. Row locks and concurrency
belong in tests/grpc; the course service and the providers are fakes here too."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from lms_kit.domain.money import Money
from lms_kit.testing.fakes import FakeRepository, FakeStore, FakeUnitOfWork
from lms_payment.domain.coupons import Coupon
from lms_payment.domain.earnings import Payout, PayoutAccount, PayoutBatch, PayoutState, ReferralCode
from lms_payment.domain.errors import AlreadyExists, CouponExhausted, EnrolmentRefused
from lms_payment.domain.ledger import BookedEntry, Entry, Transaction
from lms_payment.domain.model import CourseOffer, Order, OrderState, Provider, Refund, RefundStatus
from lms_payment.domain.providers import (
    EventKind,
    OpenedPayment,
    PaymentState,
    PaymentStatus,
    ProviderEvent,
    RefundState,
)
from lms_payment.domain.subscriptions import Plan, Subscription
from lms_payment.handlers.results import After, OrderFilter

Track = Callable[[object], None]
A = TypeVar("A")
PRICE = Money(10_000, "USD")


def stored(aggregate: A) -> A:
    """What storage keeps of an aggregate: its fields, never its pending events."""
    kept = copy.deepcopy(aggregate)
    pull = getattr(kept, "pull_events", None)
    if pull is not None:
        pull()
    return kept


@dataclass
class Redemption:
    coupon_code: str
    user_id: str
    released: bool = False


@dataclass
class ProviderEventRow:
    event_type: str
    outcome: str
    reference: str | None = None


@dataclass
class State:
    """Everything the fakes store (plain dataclasses, compared with ==)."""

    orders: dict[str, Order] = field(default_factory=dict)
    provider_events: dict[tuple[str, str], ProviderEventRow] = field(default_factory=dict)
    refunds: dict[str, Refund] = field(default_factory=dict)
    coupons: dict[str, Coupon] = field(default_factory=dict)
    redemptions: dict[str, Redemption] = field(default_factory=dict)  # by order id
    transactions: dict[str, Transaction] = field(default_factory=dict)  # by key
    entries: list[BookedEntry] = field(default_factory=list)
    payouts: dict[str, Payout] = field(default_factory=dict)
    batches: dict[str, PayoutBatch] = field(default_factory=dict)
    payout_accounts: dict[str, PayoutAccount] = field(default_factory=dict)
    referral_codes: dict[str, ReferralCode] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)


def _newest_first(items: list[Any], after: After, limit: int) -> list[Any]:
    ordered = sorted(items, key=lambda i: (i.created_at, i.id), reverse=True)
    if after is not None:
        ordered = [i for i in ordered if (i.created_at, i.id) < after]
    return ordered[:limit]


class FakeOrders(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._rows = state.orders

    def _out(self, order: Order | None) -> Order | None:
        return self.seen(copy.deepcopy(order)) if order else None

    async def get(self, order_id: str, *, for_update: bool = False) -> Order | None:
        return self._out(self._rows.get(order_id))

    async def by_request(self, user_id: str, request_id: str) -> Order | None:
        return self._out(
            next((o for o in self._rows.values() if (o.user_id, o.request_id) == (user_id, request_id)), None)
        )

    async def by_payment(
        self, provider: Provider, payment_id: str, *, for_update: bool = False
    ) -> Order | None:
        return self._out(
            next(
                (
                    o
                    for o in self._rows.values()
                    if (o.provider, o.provider_payment_id) == (provider, payment_id)
                ),
                None,
            )
        )

    async def by_transaction(
        self, provider: Provider, transaction_id: str, *, for_update: bool = False
    ) -> Order | None:
        return self._out(
            next(
                (
                    o
                    for o in self._rows.values()
                    if (o.provider, o.transaction_id) == (provider, transaction_id)
                ),
                None,
            )
        )

    async def add(self, order: Order) -> bool:
        if await self.by_request(order.user_id, order.request_id) is not None:
            return False
        self._rows[order.id] = stored(order)
        self.seen(order)
        return True

    async def save(self, order: Order) -> None:
        self._rows[order.id] = stored(order)

    async def search(self, where: OrderFilter, after: After, limit: int) -> list[Order]:
        found = [
            o
            for o in self._rows.values()
            if (not where.user_id or o.user_id == where.user_id)
            and (not where.course_id or o.course_id == where.course_id)
            and (where.state is None or o.state is where.state)
            and (where.provider is None or o.provider is where.provider)
            and (where.created_from is None or o.created_at >= where.created_from)
            and (where.created_to is None or o.created_at < where.created_to)
        ]
        return [self.seen(copy.deepcopy(o)) for o in _newest_first(found, after, limit)]

    async def stale(self, states: Sequence[OrderState], created_before: datetime, limit: int) -> list[str]:
        found = sorted(
            (o for o in self._rows.values() if o.state in states and o.created_at < created_before),
            key=lambda o: o.created_at,
        )
        return [o.id for o in found[:limit]]

    async def paid_with_referral(self, codes: Sequence[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for order in self._rows.values():
            if (
                order.referral
                and order.referral.code in codes
                and order.state in (OrderState.PAID, OrderState.FULFILLED)
            ):
                counts[order.referral.code] = counts.get(order.referral.code, 0) + 1
        return counts


class FakeProviderEvents(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._rows = state.provider_events

    async def remember(self, provider: Provider, event_id: str, event_type: str, now: datetime) -> bool:
        if (provider.value, event_id) in self._rows:
            return False
        self._rows[(provider.value, event_id)] = ProviderEventRow(event_type, "received")
        return True

    async def settle(self, provider: Provider, event_id: str, outcome: str, reference: str | None) -> None:
        row = self._rows[(provider.value, event_id)]
        row.outcome, row.reference = outcome, reference


class FakeRefunds(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._rows = state.refunds

    def _out(self, refund: Refund | None) -> Refund | None:
        return self.seen(copy.deepcopy(refund)) if refund else None

    async def add(self, refund: Refund) -> bool:
        if await self.by_request(refund.order_id, refund.request_id) is not None:
            return False
        self._rows[refund.id] = stored(refund)
        self.seen(refund)
        return True

    async def save(self, refund: Refund) -> None:
        self._rows[refund.id] = stored(refund)

    async def get(self, refund_id: str, *, for_update: bool = False) -> Refund | None:
        return self._out(self._rows.get(refund_id))

    async def by_request(self, order_id: str, request_id: str) -> Refund | None:
        return self._out(
            next(
                (r for r in self._rows.values() if (r.order_id, r.request_id) == (order_id, request_id)), None
            )
        )

    async def by_provider_id(self, provider_refund_id: str, *, for_update: bool = False) -> Refund | None:
        return self._out(
            next((r for r in self._rows.values() if r.provider_refund_id == provider_refund_id), None)
        )

    async def for_order(self, order_id: str) -> list[Refund]:
        found = sorted((r for r in self._rows.values() if r.order_id == order_id), key=lambda r: r.created_at)
        return [self.seen(copy.deepcopy(r)) for r in found]

    async def stale_pending(self, created_before: datetime, limit: int) -> list[str]:
        found = sorted(
            (
                r
                for r in self._rows.values()
                if r.state is RefundStatus.PENDING and r.created_at < created_before
            ),
            key=lambda r: r.created_at,
        )
        return [r.id for r in found[:limit]]


class FakeCoupons(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._rows = state.coupons
        self._redemptions = state.redemptions

    async def add(self, coupon: Coupon) -> None:
        if coupon.code in self._rows:
            raise AlreadyExists(f"coupons/{coupon.code}")
        self._rows[coupon.code] = stored(coupon)
        self.seen(coupon)

    async def get(self, code: str) -> Coupon | None:
        found = self._rows.get(code)
        return self.seen(copy.deepcopy(found)) if found else None

    async def list(self, after: str | None, limit: int) -> list[Coupon]:
        codes = sorted(c for c in self._rows if after is None or c > after)[:limit]
        return [self.seen(copy.deepcopy(self._rows[c])) for c in codes]

    async def deactivate(self, code: str) -> None:
        self._rows[code].active = False

    async def redeem(self, coupon: Coupon, *, order_id: str, user_id: str, now: datetime) -> None:
        row = self._rows[coupon.code]
        if not row.active or (row.max_redemptions and row.redemption_count >= row.max_redemptions):
            raise CouponExhausted(f"coupon {coupon.code} has no redemptions left")
        mine = [
            r
            for r in self._redemptions.values()
            if (r.coupon_code, r.user_id, r.released) == (coupon.code, user_id, False)
        ]
        if coupon.max_redemptions_per_user and len(mine) >= coupon.max_redemptions_per_user:
            raise CouponExhausted(f"coupon {coupon.code} was already used the most times allowed")
        row.redemption_count += 1
        self._redemptions[order_id] = Redemption(coupon.code, user_id)

    async def release(self, order_id: str) -> bool:
        found = self._redemptions.get(order_id)
        if found is None or found.released:
            return False
        found.released = True
        row = self._rows[found.coupon_code]
        row.redemption_count = max(0, row.redemption_count - 1)
        return True

    async def reclaim(self, order_id: str) -> bool:
        found = self._redemptions.get(order_id)
        if found is None or not found.released:
            return False
        found.released = False
        self._rows[found.coupon_code].redemption_count += 1
        return True


class FakeLedger(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._transactions = state.transactions
        self._entries = state.entries

    async def book(self, transaction: Transaction) -> bool:
        if transaction.key in self._transactions:
            return False
        self._transactions[transaction.key] = copy.deepcopy(transaction)
        next_id = itertools.count(len(self._entries) + 1)
        for entry in transaction.entries:
            self._entries.append(
                BookedEntry(
                    next(next_id), transaction.id, entry, transaction.reference, transaction.created_at
                )
            )
        return True

    async def entries_of(self, key: str) -> list[Entry]:
        found = self._transactions.get(key)
        return list(found.entries) if found else []

    async def balance(self, account: str, currency: str) -> int:
        return sum(
            b.entry.amount.amount_minor
            for b in self._entries
            if b.entry.account == account and b.entry.amount.currency == currency
        )

    async def balances(self, accounts: Sequence[str]) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = {}
        for b in self._entries:
            if b.entry.account in accounts:
                key = (b.entry.account, b.entry.amount.currency)
                out[key] = out.get(key, 0) + b.entry.amount.amount_minor
        return out

    async def totals(self) -> tuple[dict[str, int], int]:
        out: dict[str, int] = {}
        for b in self._entries:
            out[b.entry.amount.currency] = out.get(b.entry.amount.currency, 0) + b.entry.amount.amount_minor
        return dict(sorted(out.items())), len(self._entries)

    async def entries_for(self, accounts: Sequence[str], after: int | None, limit: int) -> list[BookedEntry]:
        found = [b for b in reversed(self._entries) if b.entry.account in accounts]
        if after is not None:
            found = [b for b in found if b.entry_id < after]
        return found[:limit]


class FakePayouts(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._rows = state.payouts
        self._batches = state.batches

    def _copies(self, payouts: list[Payout]) -> list[Payout]:
        return [self.seen(copy.deepcopy(p)) for p in sorted(payouts, key=lambda p: p.created_at)]

    async def add(self, payout: Payout) -> bool:
        if await self.by_request(payout.user_id, payout.request_id) is not None:
            return False
        self._rows[payout.id] = stored(payout)
        self.seen(payout)
        return True

    async def save(self, payout: Payout) -> None:
        self._rows[payout.id] = stored(payout)

    async def by_request(self, user_id: str, request_id: str) -> Payout | None:
        found = next(
            (p for p in self._rows.values() if (p.user_id, p.request_id) == (user_id, request_id)), None
        )
        return self.seen(copy.deepcopy(found)) if found else None

    async def for_user(self, user_id: str, after: After, limit: int) -> list[Payout]:
        mine = [p for p in self._rows.values() if p.user_id == user_id]
        return [self.seen(copy.deepcopy(p)) for p in _newest_first(mine, after, limit)]

    async def paid_totals(self, user_id: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in self._rows.values():
            if p.user_id == user_id and p.state is PayoutState.PAID:
                out[p.amount.currency] = out.get(p.amount.currency, 0) + p.amount.amount_minor
        return out

    async def requested(self, currency: str) -> list[Payout]:
        return self._copies(
            [
                p
                for p in self._rows.values()
                if p.state is PayoutState.REQUESTED and p.amount.currency == currency
            ]
        )

    async def in_batch(self, batch_id: str, *, for_update: bool = False) -> list[Payout]:
        return self._copies([p for p in self._rows.values() if p.batch_id == batch_id])

    async def add_batch(self, batch: PayoutBatch) -> bool:
        if any(b.request_id == batch.request_id for b in self._batches.values()):
            return False
        self._batches[batch.id] = stored(batch)
        self.seen(batch)
        return True

    async def save_batch(self, batch: PayoutBatch) -> None:
        self._batches[batch.id] = stored(batch)

    async def batch(self, batch_id: str, *, for_update: bool = False) -> PayoutBatch | None:
        found = self._batches.get(batch_id)
        return self.seen(copy.deepcopy(found)) if found else None

    async def batch_by_request(self, request_id: str) -> PayoutBatch | None:
        found = next((b for b in self._batches.values() if b.request_id == request_id), None)
        return self.seen(copy.deepcopy(found)) if found else None


class FakePayoutAccounts(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._rows = state.payout_accounts

    async def put(self, account: PayoutAccount) -> None:
        self._rows[account.user_id] = stored(account)

    async def get(self, user_id: str) -> PayoutAccount | None:
        found = self._rows.get(user_id)
        return self.seen(copy.deepcopy(found)) if found else None

    async def lock(self, user_id: str) -> bool:
        return user_id in self._rows

    async def rotate(self) -> int:
        return len(self._rows)


class FakeReferralCodes(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._rows = state.referral_codes

    async def add(self, code: ReferralCode) -> bool:
        if code.code in self._rows:
            return False
        self._rows[code.code] = stored(code)
        self.seen(code)
        return True

    async def get(self, code: str) -> ReferralCode | None:
        found = self._rows.get(code)
        return self.seen(copy.deepcopy(found)) if found else None

    async def for_owner(self, owner_id: str) -> list[ReferralCode]:
        mine = sorted(
            (c for c in self._rows.values() if c.owner_id == owner_id), key=lambda c: (c.created_at, c.code)
        )
        return [self.seen(copy.deepcopy(c)) for c in mine]


class FakePlans(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._rows = state.plans

    async def add(self, plan: Plan) -> None:
        if plan.id in self._rows:
            raise AlreadyExists(f"plans/{plan.id}")
        self._rows[plan.id] = stored(plan)

    async def get(self, plan_id: str) -> Plan | None:
        return self._rows.get(plan_id)

    async def active(self) -> list[Plan]:
        return [p for _, p in sorted(self._rows.items()) if p.active]

    async def many(self, plan_ids: Sequence[str]) -> dict[str, Plan]:
        return {i: self._rows[i] for i in plan_ids if i in self._rows}


class FakeSubscriptions(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._rows = state.subscriptions

    def _out(self, found: Subscription | None) -> Subscription | None:
        return self.seen(copy.deepcopy(found)) if found else None

    async def add(self, subscription: Subscription) -> bool:
        if await self.by_request(subscription.user_id, subscription.request_id) is not None:
            return False
        self._rows[subscription.id] = stored(subscription)
        self.seen(subscription)
        return True

    async def save(self, subscription: Subscription) -> None:
        self._rows[subscription.id] = stored(subscription)

    async def get(self, subscription_id: str, *, for_update: bool = False) -> Subscription | None:
        return self._out(self._rows.get(subscription_id))

    async def by_request(self, user_id: str, request_id: str) -> Subscription | None:
        return self._out(
            next((s for s in self._rows.values() if (s.user_id, s.request_id) == (user_id, request_id)), None)
        )

    async def by_provider_id(
        self, provider: str, provider_subscription_id: str, *, for_update: bool = False
    ) -> Subscription | None:
        return self._out(
            next(
                (
                    s
                    for s in self._rows.values()
                    if (s.provider, s.provider_subscription_id) == (provider, provider_subscription_id)
                ),
                None,
            )
        )

    async def for_user(self, user_id: str) -> list[Subscription]:
        mine = sorted(
            (s for s in self._rows.values() if s.user_id == user_id), key=lambda s: (s.created_at, s.id)
        )
        return [self.seen(copy.deepcopy(s)) for s in reversed(mine)]


class FakePaymentUnitOfWork(FakeUnitOfWork[State]):
    def bind(self, state: State) -> None:
        self.orders = FakeOrders(state, self.track)
        self.provider_events = FakeProviderEvents(state, self.track)
        self.refunds = FakeRefunds(state, self.track)
        self.coupons = FakeCoupons(state, self.track)
        self.ledger = FakeLedger(state, self.track)
        self.payouts = FakePayouts(state, self.track)
        self.payout_accounts = FakePayoutAccounts(state, self.track)
        self.referral_codes = FakeReferralCodes(state, self.track)
        self.plans = FakePlans(state, self.track)
        self.subscriptions = FakeSubscriptions(state, self.track)


def new_store() -> FakeStore[State]:
    return FakeStore(State())


# -- the course service and a provider ----------------------------------------------


class FakeCatalog:
    """One course on sale at `price`; enrolments recorded, or refused with `refusal`."""

    def __init__(self, price: Money = PRICE, *, teacher_id: str = "teacher-1") -> None:
        self.price = price
        self.teacher_id = teacher_id
        self.refusal = ""
        self.enrolled: list[str] = []
        self.revoked: list[str] = []

    async def offer(self, course_id: str) -> CourseOffer:
        return CourseOffer(course_id, self.price, True, teacher_id=self.teacher_id)

    async def enroll_paid(self, *, course_id: str, user_id: str, order_id: str) -> None:
        if self.refusal:
            raise EnrolmentRefused(self.refusal, "refused")
        self.enrolled.append(order_id)

    async def revoke(self, *, order_id: str, reason: str) -> None:
        self.revoked.append(order_id)


class FakeGateway:
    """A provider that opens payments, refunds at once, and signs webhooks with `signature`."""

    public_key_id = ""

    def __init__(self, provider: Provider = Provider.STRIPE) -> None:
        self.provider = provider
        self.opened: list[str] = []
        self.refunded: list[tuple[str, Money]] = []
        self.events: dict[bytes, ProviderEvent] = {}

    async def open_payment(
        self, *, order_id: str, amount: Money, user_id: str, idempotency_key: str
    ) -> OpenedPayment:
        self.opened.append(idempotency_key)
        return OpenedPayment(f"pi_{order_id}", f"pi_{order_id}_secret")

    async def fetch_payment(self, provider_payment_id: str) -> PaymentState:
        return PaymentState(provider_payment_id, PaymentStatus.PENDING)

    async def refund(
        self,
        *,
        provider_payment_id: str,
        transaction_id: str,
        amount: Money,
        idempotency_key: str,
        reason: str,
    ) -> RefundState:
        self.refunded.append((idempotency_key, amount))
        return RefundState(f"re_{idempotency_key}", RefundStatus.SUCCEEDED, amount)

    async def fetch_refund(self, provider_refund_id: str, *, provider_payment_id: str) -> RefundState:
        raise AssertionError("every refund settles at once here")

    def paid(self, order: Order, event_id: str = "evt_1") -> bytes:
        """A signed 'payment succeeded' delivery for `order` (the body is its key here)."""
        payload = f"{event_id}:{order.provider_payment_id}".encode()
        self.events[payload] = ProviderEvent(
            self.provider,
            event_id,
            "payment_intent.succeeded",
            EventKind.PAYMENT_SUCCEEDED,
            provider_payment_id=order.provider_payment_id,
            order_id=order.id,
            amount=order.amount,
        )
        return payload

    def verify_webhook(self, payload: bytes, headers: dict[str, str]) -> ProviderEvent:
        from lms_payment.domain.errors import WebhookRejected

        if headers.get("signature") != "good" or payload not in self.events:
            raise WebhookRejected("bad signature")
        return self.events[payload]
