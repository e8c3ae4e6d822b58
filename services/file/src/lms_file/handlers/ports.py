"""What the use cases need from storage, the object store, the image library and the
course service, as Protocols (adapters/ implements them; tests/unit/fakes.py in memory)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from lms_file.domain.model import FileState, StoredFile, Variant
from lms_file.domain.purposes import Purpose
from lms_file.domain.video import Rendition, VideoJob
from lms_kit.domain import Actor, UnitOfWork

# Keyset paging: the (created_at, id) of the last file of the previous page.
After = tuple[datetime, str] | None


class Files(Protocol):
    async def add(self, file: StoredFile, *, request_id: str | None) -> StoredFile:
        """Insert; with a request id already used by the owner, the file made then."""
        ...

    async def get(self, file_id: str, *, lock: bool = False) -> StoredFile | None: ...

    async def by_request_id(self, owner_id: str, request_id: str) -> StoredFile | None: ...

    async def save(self, file: StoredFile) -> None: ...

    async def list_for_owner(
        self, owner_id: str, purpose: Purpose | None, after: After, limit: int
    ) -> list[StoredFile]:
        """The owner's files that are not deleted, newest first."""
        ...

    async def used_bytes(self, owner_id: str, purpose: Purpose) -> int:
        """The declared sizes of the owner's live files of the purpose (lms_file.domain.model.LIVE_STATES)."""
        ...

    async def in_state_before(self, state: FileState, before: datetime, limit: int) -> list[StoredFile]:
        """Files in `state` whose deadline (upload expiry or purge time) is before `before`."""
        ...

    async def known_ids(self, file_ids: Sequence[str]) -> set[str]:
        """Which of these ids have a row (for the orphan sweep)."""
        ...

    async def purge(self, file_id: str) -> None:
        """Remove the row of a purged file."""
        ...


class VideoJobs(Protocol):
    async def add(self, job: VideoJob) -> None: ...

    async def get(self, file_id: str, *, lock: bool = False) -> VideoJob | None: ...

    async def claim(self, now: datetime, lease_until: datetime) -> VideoJob | None:
        """The oldest QUEUED job, or a RUNNING one whose lease ran out (its worker died),
        now leased to the caller until `lease_until`; None when there is none."""
        ...

    async def by_mux_asset(self, asset_id: str) -> VideoJob | None: ...

    async def save(self, job: VideoJob) -> None: ...


class MuxEvents(Protocol):
    async def first_delivery(self, event_id: str, now: datetime) -> bool:
        """Record the event id; False when it was recorded before (a replay)."""
        ...


class FileUnitOfWork(UnitOfWork, Protocol):
    @property
    def files(self) -> Files: ...

    @property
    def video_jobs(self) -> VideoJobs: ...

    @property
    def mux_events(self) -> MuxEvents: ...


@dataclass(frozen=True, slots=True)
class UploadedPart:
    number: int
    etag: str
    size_bytes: int


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    size_bytes: int
    modified_at: datetime


class ObjectStore(Protocol):
    """An S3 bucket. Presigning is local; every other call goes to the server."""

    def presign_put(
        self, key: str, content_type: str, sha256: str, expires_s: int
    ) -> tuple[str, dict[str, str]]:
        """A URL to PUT the object, and the headers the PUT must carry: the content type and
        the SHA-256 are signed, so S3 itself refuses other bytes (BadDigest)."""
        ...

    def presign_part(self, key: str, upload_id: str, part_number: int, expires_s: int) -> str: ...

    def presign_get(self, key: str, expires_s: int, *, filename: str, content_type: str) -> str:
        """A URL to GET the object; S3 answers with Content-Disposition naming `filename`."""
        ...

    async def start_multipart(self, key: str, content_type: str) -> str:
        """The new multipart upload's id."""
        ...

    async def list_parts(self, key: str, upload_id: str) -> list[UploadedPart] | None:
        """The parts uploaded so far; None when the upload no longer exists."""
        ...

    async def complete_multipart(self, key: str, upload_id: str, parts: Sequence[UploadedPart]) -> None: ...

    async def abort_multipart(self, key: str, upload_id: str) -> None: ...

    async def size_of(self, key: str) -> int | None:
        """The object's size; None when there is no object."""
        ...

    async def stored_sha256(self, key: str) -> str | None:
        """The SHA-256 (hex) S3 verified when the object was put; None when it has none."""
        ...

    async def read_head(self, key: str, length: int) -> bytes: ...

    async def sha256_of(self, key: str) -> str:
        """Lower-case hex SHA-256 of the whole object, streamed."""
        ...

    async def download(self, key: str, into: Path) -> None: ...

    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def upload_file(self, key: str, source: Path, content_type: str) -> None: ...

    async def read(self, key: str) -> bytes:
        """A whole (small) object: playlists."""
        ...

    async def delete_prefix(self, prefix: str) -> None:
        """Delete every object whose key starts with `prefix`."""
        ...

    async def list_objects(self, prefix: str) -> list[StoredObject]: ...


@dataclass(frozen=True, slots=True)
class RenderedVariant:
    variant: Variant
    data: bytes


class ImageVariants(Protocol):
    def render(self, source: Path, widths: Sequence[int]) -> list[RenderedVariant]:
        """Resized copies (EXIF orientation applied, metadata stripped), one per width and
        format; raises ContentRefused (IMAGE_REFUSED) for a bomb or an undecodable image.
        Blocking: the caller runs it in a thread."""
        ...


class LectureViewers(Protocol):
    async def may_view(self, actor: Actor, referrer: str) -> bool:
        """Whether the caller may see the resource that references a file (the course
        service decides for lectures)."""
        ...


class TranscodeFailed(Exception):
    """The transcoder could not make the renditions (a broken or unsupported video)."""


@dataclass(frozen=True, slots=True)
class Transcoded:
    duration_seconds: int
    renditions: list[Rendition]
    poster: Path
    poster_size: tuple[int, int]


class Transcoder(Protocol):
    def transcode(self, source: Path, out_dir: Path) -> Transcoded:
        """out_dir/<rendition>/index.m3u8 with segments, out_dir/master.m3u8, out_dir/poster.jpg.
        Blocking: the caller runs it in a thread. Raises TranscodeFailed."""
        ...


class VideoPlatform(Protocol):
    """Mux (its SDK), when keys are set."""

    async def create_asset(self, input_url: str, passthrough: str) -> str:
        """The new asset's id; Mux fetches the input itself."""
        ...


class PlaybackSigner(Protocol):
    def playback_url(self, playback_id: str, expires_at: datetime) -> str:
        """A playback URL of a Mux video with a signed token valid until `expires_at`."""
        ...
