"""Lecture media from the file service: a video's real duration once it can be played."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from lms_course.domain.assets import FILE_PREFIX
from lms_course.handlers.common import SharedReads
from lms_course.handlers.ports import CourseUnitOfWork
from lms_course.handlers.results import LectureRef
from lms_kit.domain import Clock, utc_now

log = logging.getLogger("lms_course")


class MediaHandlers:
    def __init__(self, *, shared: SharedReads | None = None, clock: Clock = utc_now) -> None:
        self._shared = shared or SharedReads()
        self._clock = clock

    async def video_ready(
        self, uow: CourseUnitOfWork, *, file_id: str, duration_s: int, lectures: Iterable[LectureRef]
    ) -> list[str]:
        """The file service says video `file_id` lasts `duration_s`: set it on the named
        lectures that still show that video, in the consumer's unit of work (it commits
        with the inbox row). A lecture whose asset changed since, or that is gone, is left
        alone; one that already has the duration is not touched (a redelivery changes
        nothing). Returns the ids of the courses changed."""
        asset = f"{FILE_PREFIX}{file_id.removeprefix(FILE_PREFIX)}"
        changed: list[str] = []
        for ref in lectures:
            lecture = await uow.structure.get_lecture(ref.lecture_id)
            if lecture is None or lecture.course_id != ref.course_id or lecture.content.asset != asset:
                log.info("video_ready_lecture_skipped file_id=%s lecture_id=%s", file_id, ref.lecture_id)
                continue
            if lecture.content.duration_s == duration_s:
                continue
            course = await uow.courses.get(ref.course_id, lock=True)
            if course is None:
                continue
            lecture.content.duration_s = duration_s
            await uow.structure.save_lecture(lecture)
            course.changed(self._clock())  # CourseChanged: the totals of shared copies are stale
            await uow.courses.save(course)
            changed.append(course.id)
        return changed

    async def courses_changed(self, course_ids: Iterable[str]) -> None:
        for course_id in dict.fromkeys(course_ids):
            await self._shared.course_changed(course_id)
