"""The event wiring a service needs at run time, as App hooks.

    events = EventRuntime(database, settings.nats_url, domain="course")
    App(..., on_start=[events.start], on_stop=[events.stop, database.dispose])

`start` connects to NATS, makes sure the domain's stream (and the dead-letter
stream) exist, starts the outbox relay and whatever was `attach`ed (event
consumers, listeners such as a cache invalidator); `stop` stops them in reverse
and drains the connection. Without a NATS URL
(an embedded run with no broker) both are no-ops and events stay in the outbox
until a relay runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext

from lms_kit.events.relay import OutboxRelay
from lms_kit.events.streams import ensure_dead_letter_stream, ensure_stream

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from lms_kit.db import Database


class Runnable(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


Attachment = Callable[[Client, JetStreamContext], Runnable]


class EventRuntime:
    def __init__(self, database: Database, nats_url: str, *, domain: str) -> None:
        self._database = database
        self._nats_url = nats_url
        self._domain = domain
        self._attachments: list[Attachment] = []
        self._client: Client | None = None
        self.relay: OutboxRelay | None = None
        self.running: list[Runnable] = []

    def attach(self, factory: Attachment) -> None:
        """Run what `factory(client, js)` builds (an EventConsumer, a listener) once connected."""
        self._attachments.append(factory)

    async def start(self) -> None:
        if not self._nats_url:
            log.info("events_disabled domain=%s reason=no_nats_url", self._domain)
            return
        self._client = await nats.connect(self._nats_url, name=f"lms-{self._domain}")
        js = self._client.jetstream()
        await ensure_stream(js, self._domain)
        await ensure_dead_letter_stream(js)
        self.relay = OutboxRelay(self._database, js, service=self._domain)
        await self.relay.start()
        for factory in self._attachments:
            runnable = factory(self._client, js)
            await runnable.start()
            self.running.append(runnable)

    async def stop(self) -> None:
        for runnable in reversed(self.running):
            await runnable.stop()
        self.running.clear()
        if self.relay is not None:
            await self.relay.stop()
        if self._client is not None:
            await self._client.drain()
