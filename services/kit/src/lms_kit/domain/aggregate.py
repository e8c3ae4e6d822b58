"""Aggregates raise domain events; the unit of work collects them at commit.

    @dataclass
    class Course(Aggregate):
        ...
        def publish(self, now: datetime) -> None:
            ...
            self.raise_event(CoursePublished(self.id, now))

A repository tells its unit of work about every aggregate it loads or adds
(`track`); on commit the unit of work pulls their events and writes them to the
outbox in the same transaction. The events are not dataclass fields, so they take
no part in equality or copies made for comparison.
"""

from __future__ import annotations


class Aggregate:
    """Base of an aggregate root. Works with plain and `slots=True` dataclasses."""

    __slots__ = ("_pending_events",)
    _pending_events: list[object]

    def raise_event(self, event: object) -> None:
        """Record `event`; it is published if, and only if, the unit of work commits."""
        try:
            self._pending_events.append(event)
        except AttributeError:
            # object.__setattr__: frozen dataclasses refuse plain attribute writes.
            object.__setattr__(self, "_pending_events", [event])

    def pull_events(self) -> list[object]:
        """The events raised since the last pull, oldest first; clears them."""
        events = getattr(self, "_pending_events", None)
        if not events:
            return []
        object.__setattr__(self, "_pending_events", [])
        return events

    @property
    def pending_events(self) -> tuple[object, ...]:
        """The events raised and not yet pulled (for tests and assertions)."""
        return tuple(getattr(self, "_pending_events", ()))
