"""A teacher's own course list (ListTeachingCourses): owned and co-taught courses,
drafts included, newest first, keyset pages; only the teacher or an admin."""

from __future__ import annotations

import grpc
from google.protobuf import field_mask_pb2

from lms.course.v1 import course_pb2
from lms_devkit.course import People, fails, new_course, published_course, uid
from lms_kit.testing.harness import error_reason


async def test_a_teacher_lists_owned_and_co_taught_courses_including_drafts_in_pages(service):
    stub, mint, _ = service
    people = People(mint)
    teacher, colleague = uid(), uid()
    draft = await new_course(stub, people.teacher(teacher), title="My draft")
    co_taught = await new_course(stub, people.teacher(colleague), title="Co-taught")
    await stub.UpdateCourse(
        course_pb2.UpdateCourseRequest(
            course=course_pb2.Course(name=co_taught.name, instructors=[f"users/{teacher}"]),
            update_mask=field_mask_pb2.FieldMask(paths=["instructors"]),
        ),
        metadata=people.teacher(colleague),
    )
    await new_course(stub, people.teacher(colleague), title="Not mine")
    published, _ = await published_course(stub, people.teacher(teacher), title="My published")

    request = course_pb2.ListTeachingCoursesRequest(parent=f"users/{teacher}", page_size=2)
    first = await stub.ListTeachingCourses(request, metadata=people.teacher(teacher))
    request.page_token = first.next_page_token
    second = await stub.ListTeachingCourses(request, metadata=people.teacher(teacher))

    assert [c.name for c in first.courses] == [published.name, co_taught.name]
    assert [c.name for c in second.courses] == [draft.name]
    assert first.next_page_token and not second.next_page_token
    assert second.courses[0].state == course_pb2.COURSE_STATE_DRAFT
    as_admin = await stub.ListTeachingCourses(
        course_pb2.ListTeachingCoursesRequest(parent=f"users/{teacher}"), metadata=people.admin()
    )
    assert len(as_admin.courses) == 3


async def test_another_teacher_may_not_list_someone_elses_courses(service):
    stub, mint, _ = service
    people = People(mint)
    teacher = uid()
    await new_course(stub, people.teacher(teacher), title="Secret draft")
    request = course_pb2.ListTeachingCoursesRequest(parent=f"users/{teacher}")

    for metadata in (people.teacher(uid()), people.student(uid())):
        error = await fails(stub.ListTeachingCourses(request, metadata=metadata))
        assert (error.code(), error_reason(error)) == (grpc.StatusCode.PERMISSION_DENIED, "ACCESS_DENIED")
    error = await fails(stub.ListTeachingCourses(request))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_a_page_token_is_bound_to_its_teacher(service):
    stub, mint, _ = service
    people = People(mint)
    teacher = uid()
    for title in ("One", "Two"):
        await new_course(stub, people.teacher(teacher), title=title)
    first = await stub.ListTeachingCourses(
        course_pb2.ListTeachingCoursesRequest(parent=f"users/{teacher}", page_size=1),
        metadata=people.teacher(teacher),
    )
    reused = course_pb2.ListTeachingCoursesRequest(
        parent="users/admin-1", page_size=1, page_token=first.next_page_token
    )
    error = await fails(stub.ListTeachingCourses(reused, metadata=people.admin()))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_every_answer_that_carries_a_course_counts_its_lectures_and_duration(service):
    """Lists, search hits and write answers carry the figures GetCourse shows, drafts too."""
    from lms_devkit.course import add_chapter, add_lecture

    stub, mint, _ = service
    people = People(mint)
    teacher = uid()
    word = f"zephyr{uid()[:6]}"
    published, _ = await published_course(stub, people.teacher(teacher), title=f"Winds {word}", lectures=3)
    draft = await new_course(stub, people.teacher(teacher), title="Draft with one")
    chapter = await add_chapter(stub, people.teacher(teacher), draft.name)
    await add_lecture(stub, people.teacher(teacher), chapter.name, duration=90)

    assert (published.lecture_count, published.total_duration_seconds) == (3, 1800)  # the publish answer
    page = await stub.GetCourse(course_pb2.GetCourseRequest(name=published.name))
    assert (page.lecture_count, page.total_duration_seconds) == (3, 1800)
    listed = await stub.ListTeachingCourses(
        course_pb2.ListTeachingCoursesRequest(parent=f"users/{teacher}"), metadata=people.teacher(teacher)
    )
    figures = {c.name: (c.lecture_count, c.total_duration_seconds) for c in listed.courses}
    assert figures == {published.name: (3, 1800), draft.name: (1, 90)}
    hits = await stub.SearchCourses(course_pb2.SearchCoursesRequest(query=word))
    assert [(h.course.lecture_count, h.course.total_duration_seconds) for h in hits.results] == [(3, 1800)]
    renamed = await stub.UpdateCourse(
        course_pb2.UpdateCourseRequest(
            course=course_pb2.Course(name=draft.name, title="Renamed"),
            update_mask=field_mask_pb2.FieldMask(paths=["title"]),
        ),
        metadata=people.teacher(teacher),
    )
    assert (renamed.lecture_count, renamed.total_duration_seconds) == (1, 90)
