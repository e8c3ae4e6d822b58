"""The file aggregate: an object in the bucket, from upload to purge."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lms_file.domain.errors import FileReferenced, FileStateInvalid, UploadRefused
from lms_file.domain.events import FileFailed, FileReady, FileUploaded, VideoReady
from lms_file.domain.purposes import Purpose, rules_of
from lms_kit.domain import Aggregate, FieldViolation


class FileState(enum.Enum):
    PENDING_UPLOAD = "pending_upload"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"
    EXPIRED = "expired"
    DELETED = "deleted"


# States whose bytes count against the owner's quota.
LIVE_STATES = frozenset({FileState.PENDING_UPLOAD, FileState.PROCESSING, FileState.READY})


@dataclass(frozen=True, slots=True)
class Variant:
    name: str  # e.g. "w320.webp"; also the last part of its object key
    content_type: str
    width: int
    height: int
    size_bytes: int


def original_key(file_id: str) -> str:
    return f"files/{file_id}/original"


def variant_key(file_id: str, variant_name: str) -> str:
    return f"files/{file_id}/{variant_name}"


def upload_violations(purpose: Purpose, content_type: str, size_bytes: int) -> list[FieldViolation]:
    """What the purpose's rules say against a declared upload (empty when allowed)."""
    rules = rules_of(purpose)
    violations = []
    if content_type not in rules.content_types:
        allowed = ", ".join(sorted(rules.content_types))
        violations.append(
            FieldViolation(
                "content_type",
                f"{purpose.name} files may be {allowed}, not {content_type}",
                "CONTENT_TYPE_NOT_ALLOWED",
            )
        )
    if size_bytes > rules.max_size_bytes:
        violations.append(
            FieldViolation(
                "size_bytes",
                f"{purpose.name} files are at most {rules.max_size_bytes} bytes",
                "FILE_TOO_LARGE",
            )
        )
    return violations


@dataclass(eq=True)
class StoredFile(Aggregate):
    id: str
    owner_id: str
    purpose: Purpose
    state: FileState
    content_type: str
    size_bytes: int
    sha256: str
    original_name: str
    created_at: datetime
    upload_expires_at: datetime | None = None
    multipart_upload_id: str | None = None
    part_size_bytes: int = 0
    confirmed_at: datetime | None = None
    deleted_at: datetime | None = None
    purge_at: datetime | None = None
    failure_reason: str = ""
    duration_seconds: int = 0
    mux_playback_id: str = ""
    variants: list[Variant] = field(default_factory=list)
    references: list[str] = field(default_factory=list)

    @classmethod
    def start_upload(
        cls,
        file_id: str,
        owner_id: str,
        purpose: Purpose,
        content_type: str,
        size_bytes: int,
        sha256: str,
        original_name: str,
        now: datetime,
        upload_ttl: timedelta,
    ) -> StoredFile:
        """A pending upload; one the purpose does not allow is refused (UploadRefused)."""
        violations = upload_violations(purpose, content_type, size_bytes)
        if violations:
            raise UploadRefused(violations)
        return cls(
            file_id,
            owner_id,
            purpose,
            FileState.PENDING_UPLOAD,
            content_type,
            size_bytes,
            sha256,
            original_name,
            now,
            upload_expires_at=now + upload_ttl,
        )

    @property
    def object_key(self) -> str:
        return original_key(self.id)

    @property
    def public(self) -> bool:
        return rules_of(self.purpose).public

    def variant(self, name: str) -> Variant | None:
        return next((v for v in self.variants if v.name == name), None)

    def require(self, state: FileState, wanted: str) -> None:
        if self.state is not state:
            raise FileStateInvalid(self.id, self.state.name, wanted)

    def accepted(self, content_type: str, now: datetime) -> None:
        """The bytes passed every check: the file is usable once processed."""
        self.require(FileState.PENDING_UPLOAD, "only a pending upload can be confirmed")
        self.state = FileState.PROCESSING
        self.content_type = content_type
        self.confirmed_at = now
        self.upload_expires_at = None
        self.raise_event(
            FileUploaded(self.id, self.owner_id, self.purpose, content_type, self.size_bytes, now)
        )

    def processed(
        self, variants: list[Variant], now: datetime, *, duration_seconds: int = 0, mux_playback_id: str = ""
    ) -> None:
        self.require(FileState.PROCESSING, "only a file being processed can become ready")
        self.state = FileState.READY
        self.variants = list(variants)
        self.mux_playback_id = mux_playback_id
        self.raise_event(
            FileReady(self.id, self.owner_id, self.purpose, tuple(v.name for v in variants), now)
        )
        if rules_of(self.purpose).video:
            self.duration_seconds = duration_seconds
            self.raise_event(
                VideoReady(self.id, self.owner_id, duration_seconds, tuple(self.references), now)
            )

    def failed(self, reason: str, now: datetime) -> None:
        """Refused or processing failed; the caller has deleted (or will delete) its objects."""
        if self.state not in (FileState.PENDING_UPLOAD, FileState.PROCESSING):
            raise FileStateInvalid(self.id, self.state.name, "only an upload being checked can fail")
        self.state = FileState.FAILED
        self.failure_reason = reason
        self.upload_expires_at = None
        self.raise_event(FileFailed(self.id, self.owner_id, reason, now))

    def expired(self) -> None:
        self.require(FileState.PENDING_UPLOAD, "only a pending upload can expire")
        self.state = FileState.EXPIRED
        self.upload_expires_at = None

    def delete(self, now: datetime, retention: timedelta) -> None:
        """Soft delete; a referenced file is kept (FileReferenced)."""
        if self.references:
            raise FileReferenced(self.id, sorted(self.references))
        if self.state is FileState.DELETED:
            return
        if self.state is FileState.PENDING_UPLOAD:
            raise FileStateInvalid(self.id, self.state.name, "abort a pending upload instead")
        self.state = FileState.DELETED
        self.deleted_at = now
        self.purge_at = now + retention

    def add_reference(self, referrer: str) -> bool:
        """True when the reference is new."""
        if self.state in (FileState.DELETED, FileState.EXPIRED, FileState.FAILED):
            raise FileStateInvalid(self.id, self.state.name, "only a live file can be referenced")
        if referrer in self.references:
            return False
        self.references = sorted([*self.references, referrer])
        return True

    def announce_video(self, referrers: tuple[str, ...], now: datetime) -> bool:
        """A ready video got new referrers: VideoReady again, for them (so a lecture set to
        an already processed video learns its duration too). False for anything else."""
        if not (rules_of(self.purpose).video and self.state is FileState.READY and referrers):
            return False
        self.raise_event(VideoReady(self.id, self.owner_id, self.duration_seconds, referrers, now))
        return True

    def remove_reference(self, referrer: str) -> bool:
        if referrer not in self.references:
            return False
        self.references = [r for r in self.references if r != referrer]
        return True
