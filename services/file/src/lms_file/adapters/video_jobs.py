"""Video jobs in PostgreSQL; claims skip rows another worker holds (SKIP LOCKED)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_file.adapters.tables import mux_events, video_jobs
from lms_file.domain.video import JobState, VideoJob
from lms_kit.domain import utc_now
from lms_kit.uow import SqlRepository


def _job(row: Any) -> VideoJob:
    return VideoJob(
        row.file_id,
        JobState(row.state),
        row.attempts,
        row.lease_until,
        row.mux_asset_id,
        row.playback_id,
        row.error,
    )


def _values(job: VideoJob) -> dict[str, Any]:
    return {
        "state": job.state.value,
        "attempts": job.attempts,
        "lease_until": job.lease_until,
        "mux_asset_id": job.mux_asset_id,
        "playback_id": job.playback_id,
        "error": job.error,
    }


class SqlVideoJobs(SqlRepository):
    async def add(self, job: VideoJob) -> None:
        await self.session.execute(
            sa.insert(video_jobs).values(file_id=job.file_id, queued_at=utc_now(), **_values(job))
        )

    async def get(self, file_id: str, *, lock: bool = False) -> VideoJob | None:
        query = sa.select(video_jobs).where(video_jobs.c.file_id == file_id)
        if lock:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _job(row) if row is not None else None

    async def claim(self, now: datetime, lease_until: datetime) -> VideoJob | None:
        claimable = sa.or_(
            video_jobs.c.state == JobState.QUEUED.value,
            sa.and_(video_jobs.c.state == JobState.RUNNING.value, video_jobs.c.lease_until < now),
        )
        query = (
            sa.select(video_jobs)
            .where(claimable)
            .order_by(video_jobs.c.queued_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        row = (await self.session.execute(query)).first()
        if row is None:
            return None
        job = _job(row)
        job.claimed(lease_until)
        await self.save(job)
        return job

    async def by_mux_asset(self, asset_id: str) -> VideoJob | None:
        query = sa.select(video_jobs).where(video_jobs.c.mux_asset_id == asset_id).with_for_update()
        row = (await self.session.execute(query)).first()
        return _job(row) if row is not None else None

    async def save(self, job: VideoJob) -> None:
        await self.session.execute(
            sa.update(video_jobs).where(video_jobs.c.file_id == job.file_id).values(**_values(job))
        )


class SqlMuxEvents(SqlRepository):
    async def first_delivery(self, event_id: str, now: datetime) -> bool:
        inserted = await self.session.execute(
            insert(mux_events)
            .values(event_id=event_id, received_at=now)
            .on_conflict_do_nothing()
            .returning(mux_events.c.event_id)
        )
        return inserted.first() is not None
