"""Lecture assets that are file service objects (`files/{file}`): the only ones whose
use the file service tracks (external assets such as `videos/abc` are not its)."""

from __future__ import annotations

from datetime import datetime

from lms_course.domain.events import LectureAssetChanged
from lms_course.domain.model import Lecture

FILE_PREFIX = "files/"


def file_id_of(asset: str) -> str | None:
    """The file id of a `files/{file}` asset; None for any other asset."""
    file_id = asset.removeprefix(FILE_PREFIX)
    if file_id == asset or not file_id or "/" in file_id:
        return None
    return file_id


def asset_change(
    lecture: Lecture, old_asset: str, new_asset: str, now: datetime
) -> LectureAssetChanged | None:
    """The event the file service needs when a lecture's asset goes from `old_asset` to
    `new_asset` (empty: none); None when neither side is a file or nothing changed."""
    if old_asset == new_asset or (file_id_of(old_asset) is None and file_id_of(new_asset) is None):
        return None
    return LectureAssetChanged(lecture.course_id, lecture.id, lecture.name, old_asset, new_asset, now)
