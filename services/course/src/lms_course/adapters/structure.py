"""Chapters and lectures of a course in PostgreSQL (the use cases keep positions dense)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from lms_course.adapters.tables import chapters, lectures
from lms_course.domain.enums import LectureKind
from lms_course.domain.model import Chapter, Lecture, LectureContent
from lms_kit.uow import SqlRepository


class SqlStructure(SqlRepository):
    async def chapters(self, course_id: str) -> list[Chapter]:
        query = (
            sa.select(chapters)
            .where(chapters.c.course_id == course_id)
            .order_by(chapters.c.position, chapters.c.id)
        )
        return [Chapter(**row) for row in (await self.session.execute(query)).mappings()]

    async def outline(self, course_id: str, *, with_bodies: bool = False) -> list[Chapter]:
        """Chapters in order, each with its lectures in order (article bodies only
        `with_bodies`: the course page never shows them)."""
        found = await self.chapters(course_id)
        by_id = {c.id: c for c in found}
        query = (
            sa.select(*[col for col in lectures.c if with_bodies or col.name != "body"])
            .where(lectures.c.course_id == course_id)
            .order_by(lectures.c.chapter_id, lectures.c.position, lectures.c.id)
        )
        for row in (await self.session.execute(query)).mappings():
            chapter = by_id.get(row["chapter_id"])
            if chapter is not None:
                chapter.lectures.append(_lecture({"body": "", **row}))
        return found

    async def get_chapter(self, chapter_id: str) -> Chapter | None:
        query = sa.select(chapters).where(chapters.c.id == chapter_id)
        row = (await self.session.execute(query)).mappings().first()
        return Chapter(**row) if row else None

    async def add_chapter(self, chapter: Chapter) -> None:
        await self.session.execute(
            sa.insert(chapters).values(
                id=chapter.id, course_id=chapter.course_id, title=chapter.title, position=chapter.position
            )
        )

    async def save_chapter(self, chapter: Chapter) -> None:
        await self.session.execute(
            sa.update(chapters).where(chapters.c.id == chapter.id).values(title=chapter.title)
        )

    async def delete_chapter(self, chapter_id: str) -> None:
        await self.session.execute(sa.delete(lectures).where(lectures.c.chapter_id == chapter_id))
        await self.session.execute(sa.delete(chapters).where(chapters.c.id == chapter_id))

    async def set_chapter_positions(self, order: dict[str, int]) -> None:
        for chapter_id, position in order.items():
            await self.session.execute(
                sa.update(chapters).where(chapters.c.id == chapter_id).values(position=position)
            )

    async def lecture_ids(self, chapter_id: str) -> list[str]:
        query = (
            sa.select(lectures.c.id)
            .where(lectures.c.chapter_id == chapter_id)
            .order_by(lectures.c.position, lectures.c.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def get_lecture(self, lecture_id: str) -> Lecture | None:
        query = sa.select(lectures).where(lectures.c.id == lecture_id)
        row = (await self.session.execute(query)).mappings().first()
        return _lecture(row) if row else None

    async def add_lecture(self, lecture: Lecture) -> None:
        await self.session.execute(sa.insert(lectures).values(**_lecture_row(lecture)))

    async def save_lecture(self, lecture: Lecture) -> None:
        row = _lecture_row(lecture)
        del row["id"]
        await self.session.execute(sa.update(lectures).where(lectures.c.id == lecture.id).values(**row))

    async def delete_lecture(self, lecture_id: str) -> None:
        await self.session.execute(sa.delete(lectures).where(lectures.c.id == lecture_id))

    async def set_lecture_positions(self, chapter_id: str, order: dict[str, int]) -> None:
        """Put each lecture of `order` in `chapter_id` at its position."""
        for lecture_id, position in order.items():
            await self.session.execute(
                sa.update(lectures)
                .where(lectures.c.id == lecture_id)
                .values(chapter_id=chapter_id, position=position)
            )

    async def lecture_count(self, course_id: str) -> int:
        query = sa.select(sa.func.count()).select_from(lectures).where(lectures.c.course_id == course_id)
        return int((await self.session.execute(query)).scalar_one())


def _lecture_row(lecture: Lecture) -> dict[str, Any]:
    return {
        "id": lecture.id,
        "course_id": lecture.course_id,
        "chapter_id": lecture.chapter_id,
        "title": lecture.title,
        "position": lecture.position,
        "free_preview": lecture.free_preview,
        "kind": lecture.content.kind.value,
        "asset": lecture.content.asset,
        "duration_s": lecture.content.duration_s,
        "body": lecture.content.body,
    }


def _lecture(row: Mapping[Any, Any]) -> Lecture:
    return Lecture(
        id=row["id"],
        course_id=row["course_id"],
        chapter_id=row["chapter_id"],
        title=row["title"],
        position=row["position"],
        free_preview=row["free_preview"],
        content=LectureContent(LectureKind(row["kind"]), row["asset"], row["duration_s"], row["body"]),
    )
