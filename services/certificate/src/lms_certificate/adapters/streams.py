"""The course service's stream, made sure of before the completion consumer starts: the
mesh starts every service at once, and a consumer cannot bind to a stream that its
publisher has not created yet. Same settings as the publisher's (the kit's defaults)."""

from __future__ import annotations

from nats.js import JetStreamContext

from lms_kit.events.streams import ensure_stream


class UpstreamStream:
    def __init__(self, js: JetStreamContext, domain: str) -> None:
        self._js = js
        self._domain = domain

    async def start(self) -> None:
        await ensure_stream(self._js, self._domain)

    async def stop(self) -> None:
        return None
