"""The SQL unit of work every service uses: repositories bound to one transaction, and the
events their aggregates raised written to the outbox in that same transaction.

    class CourseUnitOfWork(SqlUnitOfWork):
        def bind(self, session: AsyncSession) -> None:
            self.courses = SqlCourses(session, self.track)

        def event_message(self, event: object) -> Message:
            return mappers.event_to_proto(event)

A repository passes every aggregate it loads or adds to `track`; `commit()` pulls the
events of every tracked aggregate (and those given to `emit`), turns each into its proto
message and writes them to the outbox before the commit. Leaving the block without
committing drops the rows and the events alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self, TypeVar

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncSession

from lms_kit.db import Database
from lms_kit.db import UnitOfWork as TransactionScope

A = TypeVar("A")


def _ignore(_aggregate: object) -> None:
    return None


class SqlRepository:
    """Base of a repository: its session, and the unit of work's `track` for aggregates."""

    def __init__(self, session: AsyncSession, track: Callable[[object], None] = _ignore) -> None:
        self.session = session
        self._track = track

    def seen(self, aggregate: A) -> A:
        """Hand `aggregate` to the unit of work (its events are collected at commit); returns it."""
        self._track(aggregate)
        return aggregate


class SqlUnitOfWork(TransactionScope):
    """Subclass it: `bind` creates the repositories on the session; `event_message` maps a
    domain event to its proto (events that already are proto messages pass through)."""

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self._tracked: dict[int, Any] = {}
        self._emitted: list[object] = []
        # The domain events of the last commit, in order (for callers that react after it).
        self.committed_events: list[object] = []

    def bind(self, session: AsyncSession) -> None:
        """Create the repositories on `session` (called on entering the block)."""

    def event_message(self, event: object) -> Message:
        """The proto message of a domain event; override in a service that raises domain events."""
        raise TypeError(f"no proto message for domain event {type(event).__name__}; override event_message")

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self._tracked.clear()
        self._emitted.clear()
        self.bind(self.session)
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        self._tracked.clear()
        self._emitted.clear()
        await super().__aexit__(*exc_info)

    def track(self, aggregate: object) -> None:
        self._tracked.setdefault(id(aggregate), aggregate)

    def emit(self, event: object) -> None:
        self._emitted.append(event)

    def collect(self) -> list[object]:
        """Pull the events of every tracked aggregate, then the emitted ones."""
        events: list[object] = []
        for aggregate in self._tracked.values():
            pull = getattr(aggregate, "pull_events", None)
            if pull is not None:
                events.extend(pull())
        events.extend(self._emitted)
        self._emitted.clear()
        return events

    async def commit(self) -> None:
        events = self.collect()
        for event in events:
            self.record(event if isinstance(event, Message) else self.event_message(event))
        await super().commit()
        self.committed_events = events
