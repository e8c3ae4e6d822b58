"""Every verified provider event, once: the primary key (provider, event id) is what makes
a replayed webhook a no-op, and the row is written in the transaction of what the event
changed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_kit.uow import SqlRepository
from lms_payment.adapters.sql import wrote_row
from lms_payment.adapters.tables import provider_events
from lms_payment.domain.model import Provider


class SqlProviderEvents(SqlRepository):
    async def remember(self, provider: Provider, event_id: str, event_type: str, now: datetime) -> bool:
        """Store the event id; False if it was stored before (a replay). A concurrent duplicate
        waits on the first one's row lock and then sees it."""
        statement = (
            insert(provider_events)
            .values(
                provider=provider.value,
                event_id=event_id,
                event_type=event_type,
                outcome="received",
                received_at=now,
            )
            .on_conflict_do_nothing(index_elements=["provider", "event_id"])
        )
        return await wrote_row(self.session, statement, provider_events.c.event_id)

    async def settle(self, provider: Provider, event_id: str, outcome: str, reference: str | None) -> None:
        await self.session.execute(
            sa.update(provider_events)
            .where(provider_events.c.provider == provider.value, provider_events.c.event_id == event_id)
            .values(outcome=outcome, order_id=reference)
        )
