"""Lecture files and the file service: a change of a lecture's file asset is recorded for
the file service's references, and a VideoReady sets the real duration."""

from __future__ import annotations

from dataclasses import replace

from lms_course.domain.enums import LectureKind
from lms_course.domain.events import CourseChanged, LectureAssetChanged
from lms_course.domain.model import LectureContent
from lms_course.handlers.results import ChapterRef, LectureRef

from .fakes import unit_of_work
from .support import TEACHER, a_course, lectures, put_course


def video(asset: str, duration_s: int = 0) -> LectureContent:
    return LectureContent(LectureKind.VIDEO, asset, duration_s)


def asset_changes(store) -> list[tuple[str, str, str]]:
    return [(e.lecture_name, e.old_asset, e.new_asset) for e in store.events_of(LectureAssetChanged)]


async def test_setting_changing_and_deleting_a_file_asset_records_each_change(store, handlers):
    put_course(store, a_course())
    ref = lectures(store, "c1", 1)[0]
    chapter = ChapterRef("c1", ref.chapter_id)
    lecture = await handlers.structure.create_lecture(
        TEACHER, chapter, title="Intro", free_preview=False, content=video("files/f1"), position=None
    )
    name = lecture.name
    new_ref = LectureRef("c1", ref.chapter_id, lecture.id)
    update = dict(title="", free_preview=False)
    await handlers.structure.update_lecture(
        TEACHER, new_ref, {"content"}, content=video("files/f2"), **update
    )
    await handlers.structure.update_lecture(
        TEACHER, new_ref, {"title"}, content=video("files/f9"), title="x", free_preview=False
    )
    await handlers.structure.delete_lecture(TEACHER, new_ref)
    assert asset_changes(store) == [
        (name, "", "files/f1"),
        (name, "files/f1", "files/f2"),  # the title-only update changed no asset
        (name, "files/f2", ""),
    ]


async def test_assets_that_are_not_files_record_nothing(store, handlers):
    put_course(store, a_course())
    ref = lectures(store, "c1", 1)[0]  # its asset is videos/v0
    await handlers.structure.update_lecture(
        TEACHER, ref, {"content"}, title="", free_preview=False, content=video("videos/other")
    )
    await handlers.structure.delete_lecture(TEACHER, ref)
    assert asset_changes(store) == []


async def test_deleting_a_chapter_and_moving_a_lecture_move_the_references(store, handlers):
    put_course(store, a_course())
    ref = lectures(store, "c1", 1)[0]
    lecture = await handlers.structure.create_lecture(
        TEACHER,
        ChapterRef("c1", ref.chapter_id),
        title="A",
        free_preview=False,
        content=video("files/f1"),
        position=None,
    )
    old_name = lecture.name
    other = await handlers.structure.create_chapter(TEACHER, "c1", "Two", None)
    moved = await handlers.structure.move_lecture(
        TEACHER,
        LectureRef("c1", ref.chapter_id, lecture.id),
        to_chapter=ChapterRef("c1", other.id),
        position=0,
    )
    await handlers.structure.delete_chapter(TEACHER, ChapterRef("c1", other.id))
    assert asset_changes(store)[1:] == [
        (old_name, "files/f1", ""),
        (moved.name, "", "files/f1"),
        (moved.name, "files/f1", ""),
    ]


async def test_video_ready_sets_the_duration_once_and_leaves_a_changed_lecture_alone(store, handlers):
    put_course(store, a_course())
    first, second = lectures(store, "c1", 2)
    for ref, asset in ((first, "files/f1"), (second, "files/f2")):
        lecture = store.state.lectures[ref.lecture_id]
        store.state.lectures[ref.lecture_id] = replace(lecture, content=video(asset, 600))
    missing = LectureRef("c1", first.chapter_id, "gone")
    for _ in range(2):  # a redelivery (past the kit's inbox) changes nothing more
        async with unit_of_work(store)() as uow:
            await handlers.media.video_ready(
                uow, file_id="f1", duration_s=93, lectures=[first, second, missing]
            )
            await uow.commit()
    assert store.state.lectures[first.lecture_id].content.duration_s == 93
    assert store.state.lectures[second.lecture_id].content.duration_s == 600  # shows another video now
    assert len(store.events_of(CourseChanged)) == 1
