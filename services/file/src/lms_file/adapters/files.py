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

# A file with its variants and references in one query (one round trip per read).
_VARIANTS = (
    sa.select(
        sa.func.coalesce(
            sa.func.json_agg(
                sa.func.json_build_array(
                    file_variants.c.name,
                    file_variants.c.content_type,
                    file_variants.c.width,
                    file_variants.c.height,
                    file_variants.c.size_bytes,
                )
            ),
            sa.text("'[]'::json"),
        )
    )
    .where(file_variants.c.file_id == files.c.id)
    .scalar_subquery()
    .label("variant_list")
)
_REFERENCES = (
    sa.select(sa.func.coalesce(sa.func.array_agg(file_references.c.referrer), sa.text("'{}'::varchar[]")))
    .where(file_references.c.file_id == files.c.id)
    .scalar_subquery()
    .label("reference_list")
)


def _select() -> sa.Select[Any]:
    return sa.select(files, _VARIANTS, _REFERENCES)


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
        query = _select().where(files.c.id == file_id)
        if lock:
            query = query.with_for_update(of=files)
        row = (await self.session.execute(query)).first()
        return self.seen(_stored(row)) if row is not None else None

    async def by_request_id(self, owner_id: str, request_id: str) -> StoredFile | None:
        query = _select().where(files.c.owner_id == owner_id, files.c.request_id == request_id)
        row = (await self.session.execute(query)).first()
        return self.seen(_stored(row)) if row is not None else None

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
        query = _select().where(files.c.owner_id == owner_id, files.c.state != FileState.DELETED.value)
        if purpose is not None:
            query = query.where(files.c.purpose == purpose.value)
        if after is not None:
            query = query.where(sa.tuple_(files.c.created_at, files.c.id) < sa.tuple_(*after))
        query = query.order_by(files.c.created_at.desc(), files.c.id.desc()).limit(limit)
        return [_stored(row) for row in await self.session.execute(query)]

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
            _select().where(files.c.state == state.value, deadline < before).order_by(deadline).limit(limit)
        )
        return [_stored(row) for row in await self.session.execute(query)]

    async def known_ids(self, file_ids: Sequence[str]) -> set[str]:
        rows = await self.session.execute(sa.select(files.c.id).where(files.c.id.in_(list(file_ids))))
        return {row.id for row in rows}

    async def purge(self, file_id: str) -> None:
        await self.session.execute(sa.delete(files).where(files.c.id == file_id))


def _stored(row: Any) -> StoredFile:
    return StoredFile(
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
        variants=sorted((Variant(*v) for v in row.variant_list), key=lambda v: v.name),
        references=sorted(row.reference_list),
    )
