"""Reading files, downloads, deletion and references."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import PurePosixPath

from lms_file.domain.errors import FileAccessDenied, FileNotFound, VariantNotFound
from lms_file.domain.model import FileState, StoredFile, variant_key
from lms_file.domain.purposes import Purpose
from lms_file.domain.video import HLS_TYPE
from lms_file.handlers.common import GONE, FileAccess, FilePolicy
from lms_file.handlers.ports import After, FileUnitOfWork, ObjectStore, PlaybackSigner
from lms_file.handlers.results import DownloadLink
from lms_kit.domain import Actor, Clock, utc_now


class FileHandlers:
    def __init__(
        self,
        uow: Callable[[], FileUnitOfWork],
        store: ObjectStore,
        access: FileAccess,
        policy: FilePolicy,
        *,
        playback: PlaybackSigner | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._playback = playback
        self._uow = uow
        self._store = store
        self._access = access
        self._policy = policy
        self._clock = clock

    async def get(self, actor: Actor, file_id: str) -> StoredFile:
        return await self._access.visible(actor, file_id)

    async def list_mine(
        self, actor: Actor, purpose: Purpose | None, after: After, limit: int
    ) -> list[StoredFile]:
        async with self._uow() as uow:
            return await uow.files.list_for_owner(actor.user_id, purpose, after, limit)

    async def download_url(self, actor: Actor, file_id: str, variant_name: str = "") -> DownloadLink:
        """A short-lived presigned GET of a READY file or one of its variants."""
        file = await self._access.downloadable(actor, file_id)
        file.require(FileState.READY, "only a ready file can be downloaded")
        key, content_type, size, filename = (
            file.object_key,
            file.content_type,
            file.size_bytes,
            file.original_name,
        )
        if variant_name:
            variant = file.variant(variant_name)
            if variant is None or variant.content_type == HLS_TYPE:  # playlists: GetVideoPlaylist
                raise VariantNotFound(variant_name)
            key, content_type, size = (
                variant_key(file.id, variant.name),
                variant.content_type,
                variant.size_bytes,
            )
            filename = f"{PurePosixPath(file.original_name).stem}-{variant.name}"
        expires_s = self._policy.download_ttl_s
        expires_at = self._clock() + timedelta(seconds=expires_s)
        url = self._store.presign_get(key, expires_s, filename=filename, content_type=content_type)
        playback = ""
        if file.mux_playback_id and self._playback is not None and not variant_name:
            playback = self._playback.playback_url(file.mux_playback_id, expires_at)
        return DownloadLink(url, expires_at, content_type, size, playback)

    async def delete(self, actor: Actor, file_id: str) -> StoredFile:
        async with self._uow() as uow:
            file = await self._access.owned(actor, file_id, lock=True, uow=uow)
            if file.state in GONE:
                raise FileNotFound(file_id)
            file.delete(self._clock(), self._policy.retention)
            await uow.files.save(file)
            await uow.commit()
        return file

    async def add_reference(self, actor: Actor, file_id: str, referrer: str) -> StoredFile:
        def add(file: StoredFile) -> bool:
            added = file.add_reference(referrer)
            if added:
                file.announce_video((referrer,), self._clock())
            return added

        return await self._reference(actor, file_id, add)

    async def remove_reference(self, actor: Actor, file_id: str, referrer: str) -> StoredFile:
        return await self._reference(actor, file_id, lambda f: f.remove_reference(referrer))

    async def _reference(
        self, actor: Actor, file_id: str, change: Callable[[StoredFile], bool]
    ) -> StoredFile:
        async with self._uow() as uow:
            file = await uow.files.get(file_id, lock=True)
            if file is None or file.state in GONE:
                raise FileNotFound(file_id)
            if not (actor.service or actor.is_admin or file.owner_id == actor.user_id):
                raise FileAccessDenied(file_id)
            if change(file):
                await uow.files.save(file)
                await uow.commit()
        return file
