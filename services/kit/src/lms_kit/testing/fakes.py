"""An in-memory unit of work for handler tests, with the real one's semantics.

    @dataclass
    class CourseState:                       # everything the fakes store
        courses: dict[str, Course] = field(default_factory=dict)

    class FakeCourseUnitOfWork(FakeUnitOfWork[CourseState]):
        def bind(self, state: CourseState) -> None:
            self.courses = FakeCourses(state.courses, self.track)

    store = FakeStore(CourseState())
    handlers = CourseHandlers(lambda: FakeCourseUnitOfWork(store))

Entering the block gives the repositories a deep copy of the committed state; `commit()`
makes that copy the committed state and appends the collected events to `store.events`.
Leaving without committing drops both, as a rolled-back transaction does, and a block
that changed state or raised events but never committed fails loudly with
UncommittedWork: a handler that forgets to commit cannot pass its tests.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

T = TypeVar("T")
A = TypeVar("A")


class UncommittedWork(AssertionError):
    """A unit of work changed state or raised events and was left without commit()."""


class FakeStore(Generic[T]):
    """The committed state of the fakes and every event committed so far."""

    def __init__(self, state: T) -> None:
        self.state = state
        self.events: list[object] = []
        self.commits = 0

    def events_of(self, kind: type[A]) -> list[A]:
        return [e for e in self.events if isinstance(e, kind)]


class FakeRepository:
    """Base of a fake repository: `seen(aggregate)` hands it to the unit of work."""

    def __init__(self, track: Callable[[object], None]) -> None:
        self._track = track

    def seen(self, aggregate: A) -> A:
        self._track(aggregate)
        return aggregate


class FakeUnitOfWork(Generic[T]):
    """Subclass it and create the fake repositories on the working state in `bind`."""

    def __init__(self, store: FakeStore[T]) -> None:
        self.store = store
        self._tracked: dict[int, Any] = {}
        self._emitted: list[object] = []
        self._state: T | None = None
        self._snapshot: T | None = None
        self.committed = False
        self.committed_events: list[object] = []

    def bind(self, state: T) -> None:
        """Create the repositories on `state` (the working copy)."""

    async def __aenter__(self) -> Self:
        self._state = copy.deepcopy(self.store.state)
        self._snapshot = copy.deepcopy(self.store.state)
        self._tracked.clear()
        self._emitted.clear()
        self.committed = False
        self.bind(self._state)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        changed = self._state != self._snapshot
        pending = bool(self._emitted) or any(getattr(a, "pending_events", ()) for a in self._tracked.values())
        self._state = self._snapshot = None
        self._tracked.clear()
        self._emitted.clear()
        if exc_type is None and not self.committed and (changed or pending):
            raise UncommittedWork("the unit of work changed state or raised events but was not committed")

    def track(self, aggregate: object) -> None:
        self._tracked.setdefault(id(aggregate), aggregate)

    def emit(self, event: object) -> None:
        self._emitted.append(event)

    async def commit(self) -> None:
        if self._state is None:
            raise RuntimeError("unit of work used outside `async with`")
        events: list[object] = []
        for aggregate in self._tracked.values():
            pull = getattr(aggregate, "pull_events", None)
            if pull is not None:
                events.extend(pull())
        events.extend(self._emitted)
        self._emitted.clear()
        self.store.state = copy.deepcopy(self._state)
        self._snapshot = copy.deepcopy(self._state)
        self.store.events.extend(events)
        self.store.commits += 1
        self.committed = True
        self.committed_events = events

    async def rollback(self) -> None:
        if self._snapshot is not None:
            self._state = copy.deepcopy(self._snapshot)
            self.bind(self._state)
        self._tracked.clear()
        self._emitted.clear()
