"""Mux webhooks: a checked signature, then asset ready / errored settle the video job.
Each event id is handled once; a replay changes nothing."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from lms_file.domain.model import FileState
from lms_file.domain.mux import parse_event, verify_signature
from lms_file.domain.video import JobState
from lms_file.handlers.ports import FileUnitOfWork, ObjectStore
from lms_kit.domain import Clock, utc_now

log = logging.getLogger("lms_file")

READY, ERRORED = "video.asset.ready", "video.asset.errored"


class MuxWebhookHandlers:
    def __init__(
        self,
        uow: Callable[[], FileUnitOfWork],
        store: ObjectStore,
        secrets: list[str],
        *,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._store = store
        self._secrets = secrets
        self._clock = clock

    async def handle(self, body: bytes, signature: str) -> bool:
        """True when the delivery changed something."""
        now = self._clock()
        verify_signature(body, signature, self._secrets, now)
        event = parse_event(body)
        if event.type not in (READY, ERRORED):
            return False
        failed = False
        async with self._uow() as uow:
            if not await uow.mux_events.first_delivery(event.id, now):
                return False
            job = await uow.video_jobs.by_mux_asset(event.asset_id)
            file = await uow.files.get(job.file_id, lock=True) if job is not None else None
            if job is None or file is None or job.state is not JobState.WAITING:
                await uow.commit()  # remember the id: an unknown asset stays unknown
                log.info(
                    "mux_event_ignored event_id=%s type=%s asset_id=%s", event.id, event.type, event.asset_id
                )
                return False
            if file.state is FileState.PROCESSING:
                if event.type == READY:
                    file.processed(
                        [],
                        now,
                        duration_seconds=max(1, math.ceil(event.duration_s)),
                        mux_playback_id=event.playback_id,
                    )
                else:
                    file.failed("VIDEO_PROCESSING_FAILED", now)
                    failed = True
                await uow.files.save(file)
            if event.type == READY:
                job.done(event.playback_id)
            else:
                job.errored(event.error or "Mux reported an error")
            await uow.video_jobs.save(job)
            await uow.commit()
        if failed:
            await self._store.delete_prefix(f"files/{file.id}/")
        log.info("mux_event_handled event_id=%s type=%s file_id=%s", event.id, event.type, file.id)
        return True
