"""The unit-of-work protocol that handlers are written against.

A service's port extends it with its repositories:

    class CourseUnitOfWork(UnitOfWork, Protocol):
        @property
        def courses(self) -> Courses: ...

    async with self._uow() as uow:
        course = await uow.courses.get(course_id)    # tracked: its events are collected
        course.publish(now)
        await uow.commit()                           # rows + events, one transaction

Leaving the block without `commit()` drops every write and every event.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self


class UnitOfWork(Protocol):
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def track(self, aggregate: object) -> None:
        """Collect `aggregate`'s events at commit (repositories call this)."""
        ...

    def emit(self, event: object) -> None:
        """Publish `event` (one no aggregate raised) if this unit of work commits."""
        ...

    async def commit(self) -> None: ...
