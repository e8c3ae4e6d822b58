"""What the file use cases share: their settings, loading a file for its owner, and
deciding who may see it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from lms_file.domain.errors import FileAccessDenied, FileNotFound
from lms_file.domain.model import FileState, StoredFile
from lms_file.handlers.ports import FileUnitOfWork, LectureViewers
from lms_kit.domain import Actor

MIB = 1024 * 1024
S3_MIN_PART_BYTES = 5 * MIB
S3_MAX_PARTS = 10_000

GONE = frozenset({FileState.DELETED, FileState.EXPIRED})


@dataclass(frozen=True, slots=True)
class FilePolicy:
    upload_ttl: timedelta = timedelta(hours=6)
    url_ttl_s: int = 3600  # upload URLs
    download_ttl_s: int = 300
    multipart_threshold_bytes: int = 64 * MIB
    part_size_bytes: int = 16 * MIB
    retention: timedelta = timedelta(days=30)
    orphan_grace: timedelta = timedelta(days=1)

    def part_size_for(self, size_bytes: int) -> int:
        """At least S3's minimum, and large enough that the parts fit S3's part count."""
        needed = -(-size_bytes // S3_MAX_PARTS)
        return max(self.part_size_bytes, S3_MIN_PART_BYTES, needed)


class FileAccess:
    """Loading files and the download policy: owner, admins, internal services, anyone for
    public files, and whoever may see a resource that references the file."""

    def __init__(self, uow: Callable[[], FileUnitOfWork], viewers: LectureViewers) -> None:
        self._uow = uow
        self._viewers = viewers

    async def owned(
        self, actor: Actor, file_id: str, *, lock: bool = False, uow: FileUnitOfWork
    ) -> StoredFile:
        """The file, for its owner, an admin or an internal service acting for itself;
        NOT_FOUND for anyone else."""
        file = await uow.files.get(file_id, lock=lock)
        service_itself = bool(actor.service) and not actor.user_id
        if file is None or not (actor.is_admin or service_itself or file.owner_id == actor.user_id):
            raise FileNotFound(file_id)
        return file

    async def visible(self, actor: Actor, file_id: str) -> StoredFile:
        """The file in any state for its owner and admins; while it is not gone, for anyone
        who may download it; NOT_FOUND for others."""
        async with self._uow() as uow:
            file = await uow.files.get(file_id)
        if file is not None and (actor.is_admin or file.owner_id == actor.user_id):
            return file
        if file is None or file.state in GONE or not await self.may_download(actor, file):
            raise FileNotFound(file_id)
        return file

    async def downloadable(self, actor: Actor, file_id: str) -> StoredFile:
        """The file, when the caller may download it: NOT_FOUND when it is gone,
        PERMISSION_DENIED (FILE_ACCESS_DENIED) when the caller may not."""
        async with self._uow() as uow:
            file = await uow.files.get(file_id)
        if file is None or file.state in GONE:
            raise FileNotFound(file_id)
        if not await self.may_download(actor, file):
            raise FileAccessDenied(file_id)
        return file

    async def may_download(self, actor: Actor, file: StoredFile) -> bool:
        if file.public or actor.is_admin or (bool(actor.service) and not actor.user_id):
            return True
        if actor.user_id and actor.user_id == file.owner_id:
            return True
        for referrer in file.references:
            if await self._viewers.may_view(actor, referrer):
                return True
        return False
