"""The analytics unit of work: the kit's transaction (inbox, outbox) with no repositories of
its own; statements go to the column store."""

from __future__ import annotations

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncSession

from lms_kit.uow import SqlUnitOfWork


class SqlAnalyticsUnitOfWork(SqlUnitOfWork):
    def bind(self, session: AsyncSession) -> None:
        pass

    def event_message(self, event: object) -> Message:
        raise TypeError(f"the analytics service publishes no {type(event).__name__}")
