"""What upload use cases return besides the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lms_file.domain.model import StoredFile


@dataclass(frozen=True, slots=True)
class PartUrl:
    number: int
    url: str
    size_bytes: int


@dataclass(frozen=True, slots=True)
class UploadTicket:
    """How the client sends the bytes: one PUT (`url`, `headers`) or the missing parts."""

    file: StoredFile
    url_expires_at: datetime
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    parts: list[PartUrl] = field(default_factory=list)
    uploaded_parts: list[int] = field(default_factory=list)

    @property
    def multipart(self) -> bool:
        return self.file.multipart_upload_id is not None


@dataclass(frozen=True, slots=True)
class DownloadLink:
    url: str
    expires_at: datetime
    content_type: str
    size_bytes: int
    playback_url: str = ""
