"""Lecture videos after confirm: a persisted job per video, run by a background worker.
Locally (no Mux keys) ffmpeg makes HLS renditions, a poster and the duration; the
renditions are served as playlists whose segment URLs are presigned."""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from lms_file.domain.errors import FileStateInvalid, VariantNotFound
from lms_file.domain.model import FileState, StoredFile, Variant, variant_key
from lms_file.domain.video import HLS_TYPE, JobState, Rendition, VideoJob
from lms_file.handlers.common import FileAccess, FilePolicy
from lms_file.handlers.ports import FileUnitOfWork, ObjectStore, TranscodeFailed, Transcoder, VideoPlatform
from lms_kit.domain import Actor, Clock, utc_now

log = logging.getLogger("lms_file")

MASTER = "master.m3u8"
MUX_FETCH_TTL_S = 24 * 3600
POSTER = "poster.jpg"


def rendition_variant(rendition: Rendition, playlist_size: int) -> Variant:
    return Variant(f"{rendition.name}.m3u8", HLS_TYPE, rendition.width, rendition.height, playlist_size)


class VideoHandlers:
    def __init__(
        self,
        uow: Callable[[], FileUnitOfWork],
        store: ObjectStore,
        transcoder: Transcoder,
        access: FileAccess,
        policy: FilePolicy,
        *,
        mux: VideoPlatform | None = None,
        lease: timedelta = timedelta(minutes=30),
        clock: Clock = utc_now,
    ) -> None:
        self._mux = mux
        self._uow = uow
        self._store = store
        self._transcoder = transcoder
        self._access = access
        self._policy = policy
        self._lease = lease
        self._clock = clock

    async def run_pending(self) -> int:
        """Process jobs until none is claimable; how many were processed."""
        count = 0
        while await self.run_next() is not None:
            count += 1
        return count

    async def run_next(self) -> str | None:
        """Claim one job and process it; the file id, or None when there was none."""
        now = self._clock()
        async with self._uow() as uow:
            job = await uow.video_jobs.claim(now, now + self._lease)
            if job is None:
                return None
            await uow.commit()
        async with self._uow() as uow:
            file = await uow.files.get(job.file_id)
        if file is None or file.state is not FileState.PROCESSING:
            await self._finish(job, lambda j: j.done())
            return job.file_id
        log.info(
            "video_job_started file_id=%s attempt=%d mux=%s", file.id, job.attempts, self._mux is not None
        )
        try:
            if self._mux is not None:
                await self._hand_to_mux(file, job)
            else:
                await self._transcode(file)
        except TranscodeFailed as failed:
            await self._failed(job, str(failed))
        return job.file_id

    async def _hand_to_mux(self, file: StoredFile, job: VideoJob) -> None:
        """Mux fetches the original through a presigned URL; its webhook finishes the job."""
        url = self._store.presign_get(
            file.object_key, MUX_FETCH_TTL_S, filename=file.original_name, content_type=file.content_type
        )
        asset_id = await self._mux.create_asset(url, file.id) if self._mux is not None else ""
        await self._finish(job, lambda j: j.handed_to_mux(asset_id))
        log.info("video_handed_to_mux file_id=%s asset_id=%s", file.id, asset_id)

    async def _transcode(self, file: StoredFile) -> None:
        with tempfile.TemporaryDirectory(prefix="lms-video-") as scratch:
            source, out = Path(scratch) / "source", Path(scratch) / "hls"
            out.mkdir()
            await self._store.download(file.object_key, source)
            made = await asyncio.to_thread(self._transcoder.transcode, source, out)
            # Earlier attempts' leftovers go first, so a resumed job leaves one set of segments.
            await self._store.delete_prefix(f"files/{file.id}/hls/")
            for path in sorted(p for p in out.rglob("*") if p.is_file()):
                key = variant_key(file.id, f"hls/{path.relative_to(out).as_posix()}")
                content_type = HLS_TYPE if path.suffix == ".m3u8" else mimetypes.guess_type(path.name)[0]
                await self._store.upload_file(key, path, content_type or "video/mp2t")
            await self._store.upload_file(variant_key(file.id, POSTER), made.poster, "image/jpeg")
            variants = [Variant(POSTER, "image/jpeg", *made.poster_size, made.poster.stat().st_size)]
            variants += [
                rendition_variant(r, (out / r.name / "index.m3u8").stat().st_size) for r in made.renditions
            ]

        def ready(stored: StoredFile) -> None:
            stored.processed(variants, self._clock(), duration_seconds=made.duration_seconds)

        await self._settle(file.id, ready)

    async def _settle(self, file_id: str, change: Callable[[StoredFile], None]) -> None:
        async with self._uow() as uow:
            file = await uow.files.get(file_id, lock=True)
            job = await uow.video_jobs.get(file_id, lock=True)
            if file is None or job is None or job.state is JobState.DONE:
                return
            if file.state is FileState.PROCESSING:
                change(file)
                await uow.files.save(file)
            job.done()
            await uow.video_jobs.save(job)
            await uow.commit()
        log.info("video_ready file_id=%s", file_id)

    async def _failed(self, job: VideoJob, error: str) -> None:
        async with self._uow() as uow:
            current = await uow.video_jobs.get(job.file_id, lock=True)
            file = await uow.files.get(job.file_id, lock=True)
            if current is None or file is None:
                return
            final = current.attempt_failed(error)
            await uow.video_jobs.save(current)
            if final and file.state is FileState.PROCESSING:
                file.failed("VIDEO_PROCESSING_FAILED", self._clock())
                await uow.files.save(file)
            await uow.commit()
        log.warning("video_job_failed file_id=%s final=%s error=%s", job.file_id, final, error[:200])
        if final:
            await self._store.delete_prefix(f"files/{job.file_id}/")

    async def _finish(self, job: VideoJob, change: Callable[[VideoJob], None]) -> None:
        async with self._uow() as uow:
            current = await uow.video_jobs.get(job.file_id, lock=True)
            if current is not None:
                change(current)
                await uow.video_jobs.save(current)
                await uow.commit()

    async def playlist(self, actor: Actor, file_id: str, rendition: str = "") -> str:
        """The master playlist (its renditions as gateway paths), or one rendition's
        playlist with presigned segment URLs, for callers who may download the file."""
        file = await self._access.downloadable(actor, file_id)
        file.require(FileState.READY, "only a ready video can be played")
        if not any(v.content_type == HLS_TYPE for v in file.variants):
            raise FileStateInvalid(file.id, file.state.name, "the video has no HLS renditions")
        if not rendition:
            names = {v.name.removesuffix(".m3u8") for v in file.variants if v.content_type == HLS_TYPE}
            master = (await self._store.read(variant_key(file.id, f"hls/{MASTER}"))).decode()
            return "".join(
                f"/v1/files/{file.id}:playlist?rendition={line.split('/')[0]}\n"
                if line.endswith("/index.m3u8") and line.split("/")[0] in names
                else line + "\n"
                for line in master.splitlines()
            )
        if file.variant(f"{rendition}.m3u8") is None:
            raise VariantNotFound(rendition, field="rendition")
        text = (await self._store.read(variant_key(file.id, f"hls/{rendition}/index.m3u8"))).decode()
        expires_s = self._policy.download_ttl_s + 3 * 3600  # a playlist is watched for a while
        lines = []
        for line in text.splitlines():
            if line and not line.startswith("#"):
                key = variant_key(file.id, f"hls/{rendition}/{line}")
                line = self._store.presign_get(key, expires_s, filename=line, content_type="video/mp2t")
            lines.append(line)
        return "\n".join(lines) + "\n"
