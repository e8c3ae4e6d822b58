"""Uploads: start (presigned PUT or multipart), resume, abort."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

from lms_file.domain.errors import FileStateInvalid, OwnerNotYours, QuotaExceeded
from lms_file.domain.model import FileState, StoredFile
from lms_file.domain.purposes import Purpose, rules_of
from lms_file.handlers.common import FileAccess, FilePolicy
from lms_file.handlers.ports import FileUnitOfWork, ObjectStore
from lms_file.handlers.results import PartUrl, UploadTicket
from lms_kit.domain import Actor, Clock, utc_now


class UploadHandlers:
    def __init__(
        self,
        uow: Callable[[], FileUnitOfWork],
        store: ObjectStore,
        access: FileAccess,
        policy: FilePolicy,
        *,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._store = store
        self._access = access
        self._policy = policy
        self._clock = clock

    async def create(
        self,
        actor: Actor,
        purpose: Purpose,
        content_type: str,
        size_bytes: int,
        sha256: str,
        original_name: str,
        *,
        request_id: str | None = None,
        owner_id: str | None = None,
    ) -> UploadTicket:
        """`owner_id`: internal services upload for a user; end users own what they upload."""
        if owner_id is not None and (actor.user_id or not actor.service):
            raise OwnerNotYours()
        owner = owner_id or actor.user_id
        now = self._clock()
        file = StoredFile.start_upload(
            str(uuid.uuid4()),
            owner,
            purpose,
            content_type,
            size_bytes,
            sha256,
            original_name,
            now,
            self._policy.upload_ttl,
        )
        if size_bytes > self._policy.multipart_threshold_bytes:
            file.part_size_bytes = self._policy.part_size_for(size_bytes)
        async with self._uow() as uow:
            earlier = await uow.files.by_request_id(owner, request_id) if request_id else None
            if earlier is not None:  # a retried call: the same upload, fresh URLs
                return await self._ticket(earlier, uploaded=[])
            quota = rules_of(purpose).quota_bytes
            used = await uow.files.used_bytes(owner, purpose)
            if used + size_bytes > quota:
                raise QuotaExceeded(purpose.name, quota, used)
            if file.part_size_bytes:
                file.multipart_upload_id = await self._store.start_multipart(file.object_key, content_type)
            stored = await uow.files.add(file, request_id=request_id)
            await uow.commit()
        if stored.id != file.id and file.multipart_upload_id is not None:
            await self._store.abort_multipart(file.object_key, file.multipart_upload_id)
        return await self._ticket(stored, uploaded=[])

    async def resume(self, actor: Actor, file_id: str) -> UploadTicket:
        async with self._uow() as uow:
            file = await self._access.owned(actor, file_id, uow=uow)
        file.require(FileState.PENDING_UPLOAD, "only a pending upload can be resumed")
        if file.multipart_upload_id is None:
            return await self._ticket(file, uploaded=[])
        parts = await self._store.list_parts(file.object_key, file.multipart_upload_id)
        if parts is None:
            raise FileStateInvalid(file.id, file.state.name, "the multipart upload is gone; start again")
        return await self._ticket(file, uploaded=[p.number for p in parts if p.size_bytes > 0])

    async def abort(self, actor: Actor, file_id: str) -> StoredFile:
        async with self._uow() as uow:
            file = await self._access.owned(actor, file_id, lock=True, uow=uow)
            file.require(FileState.PENDING_UPLOAD, "only a pending upload can be aborted")
            await self._discard_upload(file)
            file.expired()
            await uow.files.save(file)
            await uow.commit()
        return file

    async def _discard_upload(self, file: StoredFile) -> None:
        if file.multipart_upload_id is not None:
            await self._store.abort_multipart(file.object_key, file.multipart_upload_id)
        await self._store.delete_prefix(f"files/{file.id}/")

    async def _ticket(self, file: StoredFile, *, uploaded: list[int]) -> UploadTicket:
        expires_s = self._policy.url_ttl_s
        expires_at = self._clock() + timedelta(seconds=expires_s)
        if file.multipart_upload_id is None:
            url, headers = self._store.presign_put(file.object_key, file.content_type, file.sha256, expires_s)
            return UploadTicket(file, expires_at, url=url, headers=headers)
        parts = []
        part_size = file.part_size_bytes
        count = -(-file.size_bytes // part_size)
        for number in range(1, count + 1):
            if number in uploaded:
                continue
            size = min(part_size, file.size_bytes - (number - 1) * part_size)
            url = self._store.presign_part(file.object_key, file.multipart_upload_id, number, expires_s)
            parts.append(PartUrl(number, url, size))
        return UploadTicket(file, expires_at, parts=parts, uploaded_parts=sorted(uploaded))
