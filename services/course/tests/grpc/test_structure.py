"""Chapters and lectures: dense ordering under reorder, move and delete."""

from __future__ import annotations

import asyncio

import grpc
from google.rpc import error_details_pb2

from lms.course.v1 import course_pb2
from lms_devkit.course import People, add_chapter, add_lecture, fails, new_course, uid
from lms_kit.testing.harness import error_reason, rich_status


async def outline(stub, teacher, course_name: str) -> list[tuple[str, int, list[tuple[str, int]]]]:
    course = await stub.GetCourse(course_pb2.GetCourseRequest(name=course_name), metadata=teacher)
    return [(c.title, c.position, [(lec.title, lec.position) for lec in c.lectures]) for c in course.chapters]


async def test_inserting_and_moving_chapters_keeps_positions_dense(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    course = await new_course(stub, teacher)
    a = await add_chapter(stub, teacher, course.name, "A")
    await add_chapter(stub, teacher, course.name, "B")
    await add_chapter(stub, teacher, course.name, "C", position=0)

    await stub.MoveChapter(course_pb2.MoveChapterRequest(name=a.name, position=99), metadata=teacher)

    assert [(t, p) for t, p, _ in await outline(stub, teacher, course.name)] == [("C", 0), ("B", 1), ("A", 2)]


async def test_moving_a_lecture_between_chapters_leaves_no_gaps(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    course = await new_course(stub, teacher)
    one = await add_chapter(stub, teacher, course.name, "One")
    two = await add_chapter(stub, teacher, course.name, "Two")
    first = [await add_lecture(stub, teacher, one.name, f"1.{i}") for i in range(3)]
    await add_lecture(stub, teacher, two.name, "2.0")

    moved = await stub.MoveLecture(
        course_pb2.MoveLectureRequest(name=first[1].name, chapter=two.name, position=0), metadata=teacher
    )

    assert moved.name.startswith(two.name + "/lectures/") and moved.position == 0
    assert await outline(stub, teacher, course.name) == [
        ("One", 0, [("1.0", 0), ("1.2", 1)]),
        ("Two", 1, [("1.1", 0), ("2.0", 1)]),
    ]
    # The lecture answers to its new name only.
    got = await stub.GetLecture(course_pb2.GetLectureRequest(name=moved.name), metadata=teacher)
    assert got.video.asset == "videos/v1"


async def test_deleting_closes_the_gap(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    course = await new_course(stub, teacher)
    chapter = await add_chapter(stub, teacher, course.name, "Only")
    lectures = [await add_lecture(stub, teacher, chapter.name, f"L{i}") for i in range(3)]
    await stub.DeleteLecture(course_pb2.DeleteLectureRequest(name=lectures[0].name), metadata=teacher)
    second = await add_chapter(stub, teacher, course.name, "Second", position=0)
    await stub.DeleteChapter(course_pb2.DeleteChapterRequest(name=second.name), metadata=teacher)

    assert await outline(stub, teacher, course.name) == [("Only", 0, [("L1", 0), ("L2", 1)])]


async def test_concurrent_moves_leave_positions_dense(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    course = await new_course(stub, teacher)
    one = await add_chapter(stub, teacher, course.name, "One")
    two = await add_chapter(stub, teacher, course.name, "Two")
    lectures = [await add_lecture(stub, teacher, one.name, f"L{i}") for i in range(8)]

    await asyncio.gather(
        *[
            stub.MoveLecture(
                course_pb2.MoveLectureRequest(
                    name=lec.name, chapter=two.name if i % 2 else "", position=i % 3
                ),
                metadata=teacher,
            )
            for i, lec in enumerate(lectures)
        ]
    )

    chapters = await outline(stub, teacher, course.name)
    for _, _, items in chapters:
        assert [p for _, p in items] == list(range(len(items)))
    assert sorted(t for _, _, items in chapters for t, _ in items) == [f"L{i}" for i in range(8)]
    assert len(chapters[1][2]) == 4


async def test_lecture_kinds_round_trip_and_content_is_only_for_entitled_readers(service):
    stub, mint, _ = service
    people = People(mint)
    teacher = people.teacher(uid())
    course = await new_course(stub, teacher)
    chapter = await add_chapter(stub, teacher, course.name)
    kinds = [
        course_pb2.Lecture(
            title="Read", article=course_pb2.ArticleContent(body="# Hello"), free_preview=True
        ),
        course_pb2.Lecture(title="File", attachment=course_pb2.AttachmentContent(file="files/f1")),
        course_pb2.Lecture(title="Quiz", quiz=course_pb2.QuizContent(quiz="quizzes/q1")),
    ]
    made = [
        await stub.CreateLecture(
            course_pb2.CreateLectureRequest(parent=chapter.name, lecture=k), metadata=teacher
        )
        for k in kinds
    ]
    assert [m.kind for m in made] == [
        course_pb2.LECTURE_KIND_ARTICLE,
        course_pb2.LECTURE_KIND_ATTACHMENT,
        course_pb2.LECTURE_KIND_QUIZ,
    ]
    await stub.PublishCourse(course_pb2.PublishCourseRequest(name=course.name), metadata=teacher)

    preview = await stub.GetLecture(course_pb2.GetLectureRequest(name=made[0].name))
    assert preview.article.body == "# Hello"
    error = await fails(
        stub.GetLecture(course_pb2.GetLectureRequest(name=made[1].name), metadata=people.student(uid()))
    )
    assert error_reason(error) == "NOT_ENROLLED"


async def test_publishing_names_every_lecture_that_has_nothing_to_show(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    course = await new_course(stub, teacher)
    chapter = await add_chapter(stub, teacher, course.name)
    await add_lecture(stub, teacher, chapter.name, "Has a video")
    empty_video = await stub.CreateLecture(
        course_pb2.CreateLectureRequest(
            parent=chapter.name,
            lecture=course_pb2.Lecture(title="Video to come", video=course_pb2.VideoContent()),
        ),
        metadata=teacher,
    )
    blank = await stub.CreateLecture(
        course_pb2.CreateLectureRequest(parent=chapter.name, lecture=course_pb2.Lecture(title="Blank")),
        metadata=teacher,
    )
    error = await fails(
        stub.PublishCourse(course_pb2.PublishCourseRequest(name=course.name), metadata=teacher)
    )
    assert (error.code(), error_reason(error)) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "LECTURE_CONTENT_MISSING",
    )
    failure = error_details_pb2.PreconditionFailure()
    (packed,) = [d for d in rich_status(error).details if d.Is(failure.DESCRIPTOR)]
    packed.Unpack(failure)
    assert sorted(v.subject for v in failure.violations) == sorted([empty_video.name, blank.name])
    still = await stub.GetCourse(course_pb2.GetCourseRequest(name=course.name), metadata=teacher)
    assert still.state == course_pb2.COURSE_STATE_DRAFT
