"""A background job that runs a coroutine every `interval_s` (or at once when woken)
until stopped; a failed run is logged and the next one still happens."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("lms_file")


class Periodic:
    def __init__(self, name: str, run: Callable[[], Awaitable[object]], interval_s: float) -> None:
        self._name = name
        self._run = run
        self._interval_s = interval_s
        self._task: asyncio.Task[None] | None = None
        self._woken: asyncio.Event | None = None

    def wake(self) -> None:
        """Run now instead of at the next interval (called from the event loop)."""
        if self._woken is not None:
            self._woken.set()

    async def start(self) -> None:
        self._woken = asyncio.Event()
        self._task = asyncio.create_task(self._loop(), name=self._name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            try:
                await self._run()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("periodic_job_failed job=%s", self._name)
            assert self._woken is not None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), self._interval_s)
            self._woken.clear()
