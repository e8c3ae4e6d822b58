"""What each purpose allows: content types, the largest size, the per-user quota, the
image variants made on confirm, and whether anyone may download it."""

from __future__ import annotations

import enum
from dataclasses import dataclass

MB = 1000 * 1000
GB = 1000 * MB

JPEG, PNG, WEBP = "image/jpeg", "image/png", "image/webp"
MP4, WEBM, QUICKTIME = "video/mp4", "video/webm", "video/quicktime"
PDF, ZIP, TEXT = "application/pdf", "application/zip", "text/plain"
# Office documents are ZIP containers: their first bytes show a ZIP.
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

THUMBNAIL_WIDTHS = (160, 320, 640, 1280)


class Purpose(enum.Enum):
    AVATAR = "avatar"
    COURSE_THUMBNAIL = "course_thumbnail"
    LECTURE_VIDEO = "lecture_video"
    ATTACHMENT = "attachment"
    CERTIFICATE = "certificate"
    PROCTORING_SNAPSHOT = "proctoring_snapshot"


@dataclass(frozen=True, slots=True)
class PurposeRules:
    content_types: frozenset[str]
    max_size_bytes: int
    quota_bytes: int  # all of one user's live files of this purpose together
    variant_widths: tuple[int, ...] = ()
    public: bool = False
    video: bool = False

    @property
    def images(self) -> bool:
        return bool(self.variant_widths)


RULES: dict[Purpose, PurposeRules] = {
    Purpose.AVATAR: PurposeRules(
        frozenset({JPEG, PNG, WEBP}), 5 * MB, 25 * MB, variant_widths=(160, 320), public=True
    ),
    Purpose.COURSE_THUMBNAIL: PurposeRules(
        frozenset({JPEG, PNG, WEBP}), 10 * MB, 2 * GB, variant_widths=THUMBNAIL_WIDTHS, public=True
    ),
    Purpose.LECTURE_VIDEO: PurposeRules(frozenset({MP4, WEBM, QUICKTIME}), 5 * GB, 200 * GB, video=True),
    Purpose.ATTACHMENT: PurposeRules(
        frozenset({PDF, ZIP, DOCX, XLSX, PPTX, JPEG, PNG, WEBP, TEXT}), 200 * MB, 20 * GB
    ),
    Purpose.CERTIFICATE: PurposeRules(frozenset({PDF}), 20 * MB, 50 * GB),
    Purpose.PROCTORING_SNAPSHOT: PurposeRules(frozenset({JPEG, PNG}), 2 * MB, 10 * GB),
}


def rules_of(purpose: Purpose) -> PurposeRules:
    return RULES[purpose]
