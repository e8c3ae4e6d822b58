"""What the file aggregate tells the rest of the mesh (lms.file.v1 events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lms_file.domain.purposes import Purpose


@dataclass(frozen=True, slots=True)
class FileUploaded:
    file_id: str
    owner_id: str
    purpose: Purpose
    content_type: str
    size_bytes: int
    confirmed_at: datetime


@dataclass(frozen=True, slots=True)
class FileReady:
    file_id: str
    owner_id: str
    purpose: Purpose
    variants: tuple[str, ...]
    ready_at: datetime


@dataclass(frozen=True, slots=True)
class FileFailed:
    file_id: str
    owner_id: str
    reason: str
    failed_at: datetime


@dataclass(frozen=True, slots=True)
class VideoReady:
    file_id: str
    owner_id: str
    duration_seconds: int
    references: tuple[str, ...]
    ready_at: datetime
