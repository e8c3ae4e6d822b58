"""Periodic clean-up: unconfirmed uploads past their deadline, deleted files past their
retention, and objects in the bucket that no file owns."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from lms_file.domain.model import FileState
from lms_file.handlers.common import FilePolicy
from lms_file.handlers.ports import FileUnitOfWork, ObjectStore
from lms_kit.domain import Clock, utc_now

log = logging.getLogger("lms_file")


@dataclass(frozen=True, slots=True)
class SweepReport:
    expired_uploads: int
    purged_files: int
    orphan_objects: int


class SweepHandlers:
    def __init__(
        self,
        uow: Callable[[], FileUnitOfWork],
        store: ObjectStore,
        policy: FilePolicy,
        *,
        clock: Clock = utc_now,
        batch: int = 100,
    ) -> None:
        self._uow = uow
        self._store = store
        self._policy = policy
        self._clock = clock
        self._batch = batch

    async def sweep(self) -> SweepReport:
        report = SweepReport(await self._expire_uploads(), await self._purge_deleted(), await self._orphans())
        if any((report.expired_uploads, report.purged_files, report.orphan_objects)):
            log.info(
                "file_sweep expired_uploads=%d purged_files=%d orphan_objects=%d",
                report.expired_uploads,
                report.purged_files,
                report.orphan_objects,
            )
        return report

    async def _expire_uploads(self) -> int:
        async with self._uow() as uow:
            due = await uow.files.in_state_before(FileState.PENDING_UPLOAD, self._clock(), self._batch)
        for file in due:
            if file.multipart_upload_id is not None:
                await self._store.abort_multipart(file.object_key, file.multipart_upload_id)
            await self._store.delete_prefix(f"files/{file.id}/")
            async with self._uow() as uow:
                current = await uow.files.get(file.id, lock=True)
                if current is not None and current.state is FileState.PENDING_UPLOAD:
                    current.expired()
                    await uow.files.save(current)
                    await uow.commit()
        return len(due)

    async def _purge_deleted(self) -> int:
        async with self._uow() as uow:
            due = await uow.files.in_state_before(FileState.DELETED, self._clock(), self._batch)
        for file in due:
            await self._store.delete_prefix(f"files/{file.id}/")
            async with self._uow() as uow:
                current = await uow.files.get(file.id, lock=True)
                if current is not None and current.state is FileState.DELETED and not current.references:
                    await uow.files.purge(file.id)
                    await uow.commit()
        return len(due)

    async def _orphans(self) -> int:
        """Objects under files/ with no row, older than the grace period (a crash between
        S3 and the database)."""
        cutoff = self._clock() - self._policy.orphan_grace
        objects = [o for o in await self._store.list_objects("files/") if o.modified_at < cutoff]
        owners = {o.key.split("/")[1] for o in objects if o.key.count("/") >= 2}
        if not owners:
            return 0
        async with self._uow() as uow:
            known = await uow.files.known_ids(sorted(owners))
        orphans = sorted(owners - known)
        for file_id in orphans:
            await self._store.delete_prefix(f"files/{file_id}/")
        return len(orphans)
