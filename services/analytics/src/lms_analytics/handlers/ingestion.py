"""Use cases that store statements: domain events from the platform, client event batches."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from lms_analytics.domain.client_events import ClientEvent, statements_from_client_events
from lms_analytics.domain.statements import statement_from_event
from lms_analytics.handlers.ports import Statements
from lms_kit.domain import Actor


class Ingestion:
    def __init__(self, statements: Statements, clock: Callable[[], datetime]) -> None:
        self._statements = statements
        self._clock = clock

    async def record_domain_event(
        self, event_id: str, event_type: str, payload: Mapping[str, Any], occurred_at: datetime | None
    ) -> bool:
        """Store the event as a statement; False when its id was stored before."""
        now = self._clock()
        statement = statement_from_event(event_id, event_type, payload, occurred_at or now)
        stored, _ = await self._statements.add([statement], now=now)
        return stored == 1

    async def track(self, actor: Actor, events: list[ClientEvent]) -> tuple[int, int]:
        """Store a batch of the actor's client events; (stored, duplicates)."""
        now = self._clock()
        statements = statements_from_client_events(actor.user_id, events, now)
        return await self._statements.add(statements, now=now)
