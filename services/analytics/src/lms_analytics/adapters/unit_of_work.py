"""The analytics service's unit of work: its repositories on one transaction; the events of
the aggregates they saw go to the outbox with the rows."""

from __future__ import annotations

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncSession

from lms_analytics import mappers
from lms_analytics.adapters.items import SqlItems
from lms_kit.uow import SqlUnitOfWork


class SqlAnalyticsUnitOfWork(SqlUnitOfWork):
    items: SqlItems

    def bind(self, session: AsyncSession) -> None:
        self.items = SqlItems(session, self.track)

    def event_message(self, event: object) -> Message:
        return mappers.event_to_proto(event)
