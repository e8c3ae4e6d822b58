"""ConfirmUpload: check the bytes in the bucket (size, SHA-256, magic bytes, pixels),
then make the purpose's variants. A refused upload leaves nothing behind."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from lms_file.domain.errors import ContentRefused, FileStateInvalid, UploadMissing
from lms_file.domain.model import FileState, StoredFile, Variant, variant_key
from lms_file.domain.purposes import rules_of
from lms_file.domain.sniff import SNIFF_BYTES, matches, sniff
from lms_file.domain.video import VideoJob
from lms_file.handlers.common import FileAccess
from lms_file.handlers.ports import FileUnitOfWork, ImageVariants, ObjectStore
from lms_kit.domain import Actor, Clock, utc_now

log = logging.getLogger("lms_file")

# Called after a video job was queued, to wake the worker.
WakeVideos = Callable[[], None]


class ConfirmHandlers:
    def __init__(
        self,
        uow: Callable[[], FileUnitOfWork],
        store: ObjectStore,
        images: ImageVariants,
        access: FileAccess,
        *,
        wake_videos: WakeVideos | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._store = store
        self._images = images
        self._access = access
        self._wake_videos = wake_videos
        self._clock = clock

    async def confirm(self, actor: Actor, file_id: str) -> StoredFile:
        async with self._uow() as uow:
            file = await self._access.owned(actor, file_id, uow=uow)
        if file.state in (FileState.PROCESSING, FileState.READY):
            return file  # confirmed before: a retry
        file.require(FileState.PENDING_UPLOAD, "only a pending upload can be confirmed")
        await self._assemble(file)
        try:
            detected = await self._check(file)
            variants = await self._variants(file) if rules_of(file.purpose).images else []
        except ContentRefused as refused:
            reason = refused.reason
            await self._store.delete_prefix(f"files/{file.id}/")

            async def refuse(stored: StoredFile, _: FileUnitOfWork) -> None:
                stored.failed(reason, self._clock())

            await self._settle(file.id, refuse)
            raise
        video = rules_of(file.purpose).video

        async def accept(stored: StoredFile, uow: FileUnitOfWork) -> None:
            stored.accepted(detected, self._clock())
            if video:  # the job commits with the state change: a crash cannot lose it
                await uow.video_jobs.add(VideoJob(stored.id))
            else:
                stored.processed(variants, self._clock())

        confirmed = await self._settle(file.id, accept)
        if video and self._wake_videos is not None:
            self._wake_videos()
        return confirmed

    async def _assemble(self, file: StoredFile) -> None:
        """A multipart upload becomes one object (S3 checks the parts)."""
        if file.multipart_upload_id is None:
            return
        parts = await self._store.list_parts(file.object_key, file.multipart_upload_id)
        if parts is None:  # completed by an earlier confirm that did not finish
            return
        if not parts:
            raise UploadMissing(file.id)
        expected = -(-file.size_bytes // file.part_size_bytes)
        if [p.number for p in parts] != list(range(1, expected + 1)):
            raise FileStateInvalid(
                file.id,
                file.state.name,
                f"{expected} parts are needed, {len(parts)} were uploaded; resume it",
            )
        await self._store.complete_multipart(file.object_key, file.multipart_upload_id, parts)

    async def _check(self, file: StoredFile) -> str:
        size = await self._store.size_of(file.object_key)
        if size is None:
            raise UploadMissing(file.id)
        if size != file.size_bytes:
            raise ContentRefused(
                "size_bytes", "SIZE_MISMATCH", f"{size} bytes were uploaded, {file.size_bytes} were declared"
            )
        detected = sniff(await self._store.read_head(file.object_key, SNIFF_BYTES))
        if not matches(file.content_type, detected):
            shown = detected or "an unrecognised type"
            raise ContentRefused(
                "content_type", "CONTENT_TYPE_MISMATCH", f"the bytes are {shown}, not {file.content_type}"
            )
        # S3 verified a single PUT's signed checksum; a multipart object is read and hashed.
        checked = await self._store.stored_sha256(file.object_key)
        if (checked or await self._store.sha256_of(file.object_key)) != file.sha256:
            raise ContentRefused("sha256", "CHECKSUM_MISMATCH", "the bytes do not have the declared SHA-256")
        return file.content_type  # the bytes showed it (a ZIP keeps its declared Office type)

    async def _variants(self, file: StoredFile) -> list[Variant]:
        widths = rules_of(file.purpose).variant_widths
        with tempfile.TemporaryDirectory(prefix="lms-file-") as scratch:
            source = Path(scratch) / "original"
            await self._store.download(file.object_key, source)
            rendered = await asyncio.to_thread(self._images.render, source, widths)
        for item in rendered:
            await self._store.put(
                variant_key(file.id, item.variant.name), item.data, item.variant.content_type
            )
        return [item.variant for item in rendered]

    async def _settle(
        self, file_id: str, change: Callable[[StoredFile, FileUnitOfWork], Awaitable[None]]
    ) -> StoredFile:
        """Apply `change` under the row lock, unless a concurrent confirm settled it first."""
        async with self._uow() as uow:
            file = await uow.files.get(file_id, lock=True)
            assert file is not None  # rows are only removed long after a purge
            if file.state is not FileState.PENDING_UPLOAD:
                return file
            await change(file, uow)
            await uow.files.save(file)
            await uow.commit()
        log.info("file_confirmed file_id=%s state=%s", file.id, file.state.name)
        return file
