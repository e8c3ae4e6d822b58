"""In-memory storage and bucket for handler tests, on the kit's fake unit of work
(uncommitted work is dropped; a block that changes state without committing fails)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lms_file.domain.model import LIVE_STATES, FileState, StoredFile
from lms_file.domain.purposes import Purpose
from lms_file.domain.video import JobState, VideoJob
from lms_file.handlers.ports import After, StoredObject, UploadedPart
from lms_kit.testing.fakes import FakeRepository, FakeUnitOfWork


@dataclass
class State:
    files: dict[str, StoredFile] = field(default_factory=dict)
    request_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    jobs: dict[str, VideoJob] = field(default_factory=dict)
    mux_events: set[str] = field(default_factory=set)


class FakeFiles(FakeRepository):
    def __init__(self, state: State, track: Callable[[object], None]) -> None:
        super().__init__(track)
        self._state = state

    async def add(self, file: StoredFile, *, request_id: str | None) -> StoredFile:
        if request_id is not None:
            self._state.request_ids[file.owner_id, request_id] = file.id
        self._state.files[file.id] = file
        return self.seen(file)

    async def get(self, file_id: str, *, lock: bool = False) -> StoredFile | None:
        file = self._state.files.get(file_id)
        return self.seen(file) if file is not None else None

    async def by_request_id(self, owner_id: str, request_id: str) -> StoredFile | None:
        file_id = self._state.request_ids.get((owner_id, request_id))
        return await self.get(file_id) if file_id else None

    async def save(self, file: StoredFile) -> None:
        self._state.files[file.id] = file

    async def list_for_owner(self, owner_id: str, purpose: Purpose | None, after: After, limit: int):
        raise NotImplementedError

    async def used_bytes(self, owner_id: str, purpose: Purpose) -> int:
        return sum(
            f.size_bytes
            for f in self._state.files.values()
            if f.owner_id == owner_id and f.purpose is purpose and f.state in LIVE_STATES
        )

    async def in_state_before(self, state: FileState, before: datetime, limit: int) -> list[StoredFile]:
        raise NotImplementedError

    async def known_ids(self, file_ids: Sequence[str]) -> set[str]:
        return set(file_ids) & set(self._state.files)

    async def purge(self, file_id: str) -> None:
        del self._state.files[file_id]


class FakeVideoJobs:
    def __init__(self, state: State) -> None:
        self._state = state

    async def add(self, job: VideoJob) -> None:
        self._state.jobs[job.file_id] = job

    async def get(self, file_id: str, *, lock: bool = False) -> VideoJob | None:
        return self._state.jobs.get(file_id)

    async def claim(self, now: datetime, lease_until: datetime) -> VideoJob | None:
        for job in self._state.jobs.values():
            expired = job.state is JobState.RUNNING and job.lease_until is not None and job.lease_until < now
            if job.state is JobState.QUEUED or expired:
                job.claimed(lease_until)
                return job
        return None

    async def by_mux_asset(self, asset_id: str) -> VideoJob | None:
        return next((j for j in self._state.jobs.values() if j.mux_asset_id == asset_id), None)

    async def save(self, job: VideoJob) -> None:
        self._state.jobs[job.file_id] = job


class FakeMuxEvents:
    def __init__(self, state: State) -> None:
        self._state = state

    async def first_delivery(self, event_id: str, now: datetime) -> bool:
        if event_id in self._state.mux_events:
            return False
        self._state.mux_events.add(event_id)
        return True


class FakeUnitOfWorkOfFile(FakeUnitOfWork[State]):
    def bind(self, state: State) -> None:
        self.files = FakeFiles(state, self.track)
        self.video_jobs = FakeVideoJobs(state)
        self.mux_events = FakeMuxEvents(state)


class FakeBucket:
    """Objects and multipart uploads in memory; URLs are opaque strings."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.multipart: dict[str, dict[int, bytes]] = {}
        self.started = 0

    def presign_put(self, key: str, content_type: str, sha256: str, expires_s: int):
        return f"put:{key}", {"Content-Type": content_type}

    def presign_part(self, key: str, upload_id: str, part_number: int, expires_s: int) -> str:
        return f"part:{upload_id}:{part_number}"

    def presign_get(self, key: str, expires_s: int, *, filename: str, content_type: str) -> str:
        return f"get:{key}"

    async def start_multipart(self, key: str, content_type: str) -> str:
        self.started += 1
        upload_id = f"mp-{self.started}"
        self.multipart[upload_id] = {}
        return upload_id

    async def list_parts(self, key: str, upload_id: str) -> list[UploadedPart] | None:
        parts = self.multipart.get(upload_id)
        if parts is None:
            return None
        return [UploadedPart(n, f"etag-{n}", len(d)) for n, d in sorted(parts.items())]

    async def complete_multipart(self, key: str, upload_id: str, parts: Sequence[UploadedPart]) -> None:
        self.objects[key] = b"".join(self.multipart.pop(upload_id)[p.number] for p in parts)

    async def abort_multipart(self, key: str, upload_id: str) -> None:
        self.multipart.pop(upload_id, None)

    async def size_of(self, key: str) -> int | None:
        return len(self.objects[key]) if key in self.objects else None

    async def stored_sha256(self, key: str) -> str | None:
        return None

    async def read_head(self, key: str, length: int) -> bytes:
        return self.objects[key][:length]

    async def sha256_of(self, key: str) -> str:
        return hashlib.sha256(self.objects[key]).hexdigest()

    async def download(self, key: str, into: Path) -> None:
        into.write_bytes(self.objects[key])  # noqa: ASYNC240 (a fake: small files)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        self.objects[key] = data

    async def upload_file(self, key: str, source: Path, content_type: str) -> None:
        self.objects[key] = source.read_bytes()  # noqa: ASYNC240 (a fake: small files)

    async def read(self, key: str) -> bytes:
        return self.objects[key]

    async def delete_prefix(self, prefix: str) -> None:
        for key in [k for k in self.objects if k.startswith(prefix)]:
            del self.objects[key]

    async def list_objects(self, prefix: str) -> list[StoredObject]:
        now = datetime.now(UTC)
        return [StoredObject(k, len(v), now) for k, v in self.objects.items() if k.startswith(prefix)]
