"""Files, their variants and references in PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_file.adapters.tables import file_references, file_variants, files
from lms_file.domain.model import LIVE_STATES, FileState, StoredFile, Variant
from lms_file.domain.purposes import Purpose
from lms_file.handlers.ports import After
from lms_kit.uow import SqlRepository


def _row(file: StoredFile) -> dict[str, Any]:
    return {
        "owner_id": file.owner_id,
        "purpose": file.purpose.value,
        "state": file.state.value,
        "content_type": file.content_type,
        "size_bytes": file.size_bytes,
        "sha256": file.sha256,
        "original_name": file.original_name,
        "multipart_upload_id": file.multipart_upload_id,
        "part_size_bytes": file.part_size_bytes,
        "failure_reason": file.failure_reason,
        "duration_seconds": file.duration_seconds,
        "mux_playback_id": file.mux_playback_id,
        "created_at": file.created_at,
        "upload_expires_at": file.upload_expires_at,
        "confirmed_at": file.confirmed_at,
        "deleted_at": file.deleted_at,
        "purge_at": file.purge_at,
    }


class SqlFiles(SqlRepository):
    async def add(self, file: StoredFile, *, request_id: str | None) -> StoredFile:
        inserted = await self.session.execute(
            insert(files)
            .values(id=file.id, request_id=request_id, **_row(file))
            .on_conflict_do_nothing(constraint="files_owner_request_key")
            .returning(files.c.id)
        )
        if inserted.first() is not None:
            return self.seen(file)
        # The request id was used before (a concurrent retry): that file is the answer.
        earlier = await self.by_request_id(file.owner_id, request_id or "")
        assert earlier is not None
        return earlier

    async def get(self, file_id: str, *, lock: bool = False) -> StoredFile | None:
        query = sa.select(files).where(files.c.id == file_id)
        if lock:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return self.seen((await self._load([row]))[0]) if row is not None else None

    async def by_request_id(self, owner_id: str, request_id: str) -> StoredFile | None:
        query = sa.select(files).where(files.c.owner_id == owner_id, files.c.request_id == request_id)
        row = (await self.session.execute(query)).first()
        return self.seen((await self._load([row]))[0]) if row is not None else None

    async def save(self, file: StoredFile) -> None:
        await self.session.execute(sa.update(files).where(files.c.id == file.id).values(**_row(file)))
        await self.session.execute(sa.delete(file_variants).where(file_variants.c.file_id == file.id))
        if file.variants:
            await self.session.execute(
                insert(file_variants),
                [
                    {
                        "file_id": file.id,
                        "name": v.name,
                        "content_type": v.content_type,
                        "width": v.width,
                        "height": v.height,
                        "size_bytes": v.size_bytes,
                    }
                    for v in file.variants
                ],
            )
        await self.session.execute(sa.delete(file_references).where(file_references.c.file_id == file.id))
        if file.references:
            await self.session.execute(
                insert(file_references), [{"file_id": file.id, "referrer": r} for r in file.references]
            )

    async def list_for_owner(
        self, owner_id: str, purpose: Purpose | None, after: After, limit: int
    ) -> list[StoredFile]:
        query = sa.select(files).where(files.c.owner_id == owner_id, files.c.state != FileState.DELETED.value)
        if purpose is not None:
            query = query.where(files.c.purpose == purpose.value)
        if after is not None:
            query = query.where(sa.tuple_(files.c.created_at, files.c.id) < sa.tuple_(*after))
        query = query.order_by(files.c.created_at.desc(), files.c.id.desc()).limit(limit)
        return await self._load(list(await self.session.execute(query)))

    async def used_bytes(self, owner_id: str, purpose: Purpose) -> int:
        query = sa.select(sa.func.coalesce(sa.func.sum(files.c.size_bytes), 0)).where(
            files.c.owner_id == owner_id,
            files.c.purpose == purpose.value,
            files.c.state.in_([s.value for s in LIVE_STATES]),
        )
        return int((await self.session.execute(query)).scalar_one())

    async def in_state_before(self, state: FileState, before: datetime, limit: int) -> list[StoredFile]:
        deadline = files.c.purge_at if state is FileState.DELETED else files.c.upload_expires_at
        query = (
            sa.select(files)
            .where(files.c.state == state.value, deadline < before)
            .order_by(deadline)
            .limit(limit)
        )
        return await self._load(list(await self.session.execute(query)))

    async def known_ids(self, file_ids: Sequence[str]) -> set[str]:
        rows = await self.session.execute(sa.select(files.c.id).where(files.c.id.in_(list(file_ids))))
        return {row.id for row in rows}

    async def purge(self, file_id: str) -> None:
        await self.session.execute(sa.delete(files).where(files.c.id == file_id))

    async def _load(self, rows: list[Any]) -> list[StoredFile]:
        if not rows:
            return []
        ids = [row.id for row in rows]
        variants: dict[str, list[Variant]] = {i: [] for i in ids}
        query = (
            sa.select(file_variants).where(file_variants.c.file_id.in_(ids)).order_by(file_variants.c.name)
        )
        for v in await self.session.execute(query):
            variants[v.file_id].append(Variant(v.name, v.content_type, v.width, v.height, v.size_bytes))
        references: dict[str, list[str]] = {i: [] for i in ids}
        query = (
            sa.select(file_references)
            .where(file_references.c.file_id.in_(ids))
            .order_by(file_references.c.referrer)
        )
        for r in await self.session.execute(query):
            references[r.file_id].append(r.referrer)
        return [
            StoredFile(
                row.id,
                row.owner_id,
                Purpose(row.purpose),
                FileState(row.state),
                row.content_type,
                row.size_bytes,
                row.sha256,
                row.original_name,
                row.created_at,
                upload_expires_at=row.upload_expires_at,
                multipart_upload_id=row.multipart_upload_id,
                part_size_bytes=row.part_size_bytes,
                confirmed_at=row.confirmed_at,
                deleted_at=row.deleted_at,
                purge_at=row.purge_at,
                failure_reason=row.failure_reason,
                duration_seconds=row.duration_seconds,
                mux_playback_id=row.mux_playback_id,
                variants=variants[row.id],
                references=references[row.id],
            )
            for row in rows
        ]
