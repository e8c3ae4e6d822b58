"""One service's database: an async SQLAlchemy engine, sessions and a unit of work.

`Database` is built from an async SQLAlchemy URL at start-up (never at import time):
`sqlite+aiosqlite:///var/course.db` for the embedded default, `postgresql+psycopg://...`
for tests and production. `Database.unit_of_work()` is the one way use cases write:
events recorded on it go to the outbox table in the same transaction as the domain rows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from google.protobuf.message import Message
from sqlalchemy import event, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from lms_kit.events.envelope import Envelope
from lms_kit.events.schema import outbox

log = logging.getLogger(__name__)

# How long an SQLite writer waits for the file lock before failing with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 5_000


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    max_overflow: int = 10,
    pool_timeout_s: float = 30.0,
    pool_recycle_s: float = 1800.0,
    echo: bool = False,
) -> AsyncEngine:
    """An async engine for `url`, with the kit's SQLite set-up when the URL is SQLite.

    Pool settings apply to server databases only; SQLite keeps SQLAlchemy's default pool.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(parsed, echo=echo)
        _configure_sqlite(engine)
        return engine
    return create_async_engine(
        parsed,
        echo=echo,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout_s,
        pool_recycle=pool_recycle_s,
        pool_pre_ping=True,  # a restarted server must not fail the first request per connection
    )


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so that our BEGIN below is the one used.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")  # off by default in SQLite
        cursor.execute("PRAGMA journal_mode")
        if cursor.fetchone()[0] != "wal":  # WAL is stored in the file: only new files switch
            _enable_wal(cursor)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: a deferred transaction that reads and then
        # writes fails at once with SQLITE_BUSY when another writer got there first, without
        # waiting on busy_timeout. SQLite has one writer anyway (Rails 7.1 made the same choice).
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _enable_wal(cursor: Any) -> None:
    """Switch to WAL (readers never wait for the writer), retrying while a peer holds the lock.

    The switch needs an exclusive lock and SQLite does not apply busy_timeout to it, so worker
    processes opening a new file together would otherwise fail with "database is locked".
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except Exception as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(0.01)  # only ever on a brand-new file, while a peer creates it


def dialect_insert(bind: AsyncSession | str, table: sa.Table) -> Any:
    """An INSERT for the database in use (a session, or a dialect name) that supports
    ON CONFLICT DO NOTHING / DO UPDATE on both PostgreSQL and SQLite."""
    dialect = bind if isinstance(bind, str) else bind.bind.dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


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

    @property
    def dialect(self) -> str:
        """`postgresql` or `sqlite`."""
        return self.engine.dialect.name

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
    """One atomic business operation: domain writes plus the events they raise.

    Nothing is written unless `commit()` is called inside the `async with` block; leaving the
    block by an exception, or without committing, rolls everything back. Services subclass it
    to add repositories bound to `self.session` (override `__aenter__`, call super first).
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
