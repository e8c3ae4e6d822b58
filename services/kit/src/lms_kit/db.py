"""One service's database: an async SQLAlchemy engine, sessions and a transaction scope.

`Database` is built from an async SQLAlchemy URL at start-up (never at import time):
`postgresql+psycopg://...` everywhere (the dev runner's embedded PostgreSQL, the machine's
server in tests, a managed cluster in production). `lms_kit.uow.SqlUnitOfWork` builds on
the transaction scope here: events recorded on it go to the outbox table in the same
transaction as the domain rows.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Self

from google.protobuf.message import Message
from sqlalchemy import insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from lms_kit.events.envelope import Envelope
from lms_kit.events.schema import outbox

log = logging.getLogger(__name__)


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    max_overflow: int = 10,
    pool_timeout_s: float = 30.0,
    pool_recycle_s: float = 1800.0,
    echo: bool = False,
) -> AsyncEngine:
    """An async PostgreSQL engine for `url` with a checked pool."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"the kit runs on PostgreSQL only, not {parsed.get_backend_name()!r}")
    return create_async_engine(
        parsed,
        echo=echo,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout_s,
        pool_recycle=pool_recycle_s,
        pool_pre_ping=True,  # a restarted server must not fail the first request per connection
    )


class Database:
    """The service's database. Create one at start-up; `await dispose()` on shutdown."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        max_overflow: int = 10,
        pool_timeout_s: float = 30.0,
        pool_recycle_s: float = 1800.0,
        echo: bool = False,
    ) -> None:
        self.url = url
        self.engine = create_engine(
            url,
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_timeout_s=pool_timeout_s,
            pool_recycle_s=pool_recycle_s,
            echo=echo,
        )
        # expire_on_commit=False: objects stay readable after commit (async cannot lazy-load).
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._outbox_listeners: list[Callable[[], None]] = []

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A plain session; the caller controls the transaction (`async with session.begin()`)."""
        async with self._sessions() as session:
            yield session

    def unit_of_work(self) -> UnitOfWork:
        """A new unit of work: `async with db.unit_of_work() as uow: ...; await uow.commit()`."""
        return UnitOfWork(self)

    def add_outbox_listener(self, callback: Callable[[], None]) -> None:
        """Call `callback()` after every commit that wrote events (the relay's wake-up)."""
        self._outbox_listeners.append(callback)

    def remove_outbox_listener(self, callback: Callable[[], None]) -> None:
        self._outbox_listeners.remove(callback)

    def _events_committed(self) -> None:
        for callback in list(self._outbox_listeners):
            try:
                callback()
            except Exception:  # a listener must not turn a committed write into an error
                log.exception("outbox_listener_failed")

    async def dispose(self) -> None:
        await self.engine.dispose()


class UnitOfWork:
    """One atomic operation: writes plus the events recorded with them.

    Nothing is written unless `commit()` is called inside the `async with` block; leaving the
    block by an exception, or without committing, rolls everything back. Services subclass
    `lms_kit.uow.SqlUnitOfWork`, which adds repositories and collects aggregates' events.
    """

    def __init__(self, database: Database) -> None:
        self._database = database
        self._pending: list[Envelope] = []
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._session

    async def __aenter__(self) -> Self:
        self._session = self._database._sessions()
        await self._session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        self._pending.clear()
        try:
            if session.in_transaction():  # not committed: drop every write
                await session.rollback()
        finally:
            await session.close()

    def record(self, event: Message, *, event_id: str | None = None) -> str:
        """Add `event` to the outbox when this unit of work commits; returns its event id.

        The envelope (id, time, trace context) is fixed now, so the consumer's trace continues
        from the operation that raised the event.
        """
        envelope = Envelope.new(event, event_id=event_id)
        self._pending.append(envelope)
        return envelope.event_id

    async def commit(self) -> None:
        """Write the recorded events to the outbox and commit everything in one transaction."""
        session = self.session
        wrote_events = bool(self._pending)
        if self._pending:
            await session.execute(insert(outbox), [e.to_outbox_row() for e in self._pending])
            self._pending.clear()
        await session.commit()
        if wrote_events:
            self._database._events_committed()

    async def rollback(self) -> None:
        self._pending.clear()
        await self.session.rollback()
