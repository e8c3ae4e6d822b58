"""Orders and provider events in SQL, and the service's unit of work."""

from __future__ import annotations

from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from lms_kit.db import Database
from lms_kit.db import UnitOfWork as KitUnitOfWork
from lms_payment import mappers
from lms_payment.adapters.tables import orders, provider_events
from lms_payment.domain.model import Money, Order, OrderState, Provider


def _insert(session: AsyncSession, table: sa.Table) -> Any:
    dialect = session.bind.dialect.name if session.bind is not None else "postgresql"
    return (sqlite.insert if dialect == "sqlite" else postgresql.insert)(table)


def _to_order(row: Any) -> Order:
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
    )


class SqlOrders:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, order_id: str, *, for_update: bool = False) -> Order | None:
        query = sa.select(orders).where(orders.c.id == order_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _to_order(row) if row else None

    async def by_request(self, user_id: str, request_id: str) -> Order | None:
        query = sa.select(orders).where(orders.c.user_id == user_id, orders.c.request_id == request_id)
        row = (await self.session.execute(query)).first()
        return _to_order(row) if row else None

    async def by_payment(
        self, provider: Provider, payment_id: str, *, for_update: bool = False
    ) -> Order | None:
        query = sa.select(orders).where(
            orders.c.provider == provider.value, orders.c.provider_payment_id == payment_id
        )
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _to_order(row) if row else None

    async def add(self, order: Order) -> bool:
        """Insert `order`; False if the learner already has an order with its request id."""
        statement = (
            _insert(self.session, orders)
            .values(
                id=order.id,
                user_id=order.user_id,
                course_id=order.course_id,
                amount_minor=order.amount.amount_minor,
                currency=order.amount.currency,
                provider=order.provider.value,
                request_id=order.request_id,
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
        }


class SqlProviderEvents:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def remember(self, provider: Provider, event_id: str, event_type: str, now: Any) -> bool:
        """Store the event id; False if it was stored before (a replay). A concurrent duplicate
        waits on the first one's row lock and then sees it."""
        statement = (
            _insert(self.session, provider_events)
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


class SqlUnitOfWork(KitUnitOfWork):
    """The kit's unit of work plus the orders and provider events; `collect(order)` sends the
    events an order raised to the outbox in the same transaction."""

    orders: SqlOrders
    provider_events: SqlProviderEvents

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        bind(self)
        return self


def bind(uow: KitUnitOfWork) -> None:
    """Attach this service's repositories to a kit unit of work (also the consumer's)."""
    uow.orders = SqlOrders(uow.session)  # type: ignore[attr-defined]
    uow.provider_events = SqlProviderEvents(uow.session)  # type: ignore[attr-defined]


def collect(uow: KitUnitOfWork, order: Order) -> None:
    """Record the events `order` raised on `uow` (they reach the outbox on commit)."""
    for event in order.events:
        uow.record(mappers.event_to_proto(event))
    order.events.clear()


def unit_of_work_factory(database: Database):
    return lambda: SqlUnitOfWork(database)
