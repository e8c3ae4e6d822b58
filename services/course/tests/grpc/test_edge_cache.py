"""What the gateway's edge cache may keep: anonymous answers that are the same for every
caller carry `cache-control: public, max-age=N` (N cut by up to 20% at random); answers to
signed-in callers and drafts carry none."""

from __future__ import annotations

from lms.course.v1 import course_pb2
from lms_devkit.course import People, new_course, published_course, uid


async def answered(call):
    """(answer, the max-age of its cache-control header or None)."""
    answer = await call
    return answer, max_age(dict(await call.initial_metadata() or ()))


def max_age(headers: dict) -> int | None:
    if "cache-control" not in headers:
        return None
    public, _, age = headers["cache-control"].partition(", max-age=")
    assert public == "public", headers["cache-control"]
    return int(age)


async def test_a_published_course_is_public_for_anonymous_callers_from_the_database_and_the_cache(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    course, _ = await published_course(stub, teacher, lectures=1)
    request = course_pb2.GetCourseRequest(name=course.name)

    for _ in range(2):  # the first fills the service's cache, the second is answered from it
        answer, age = await answered(stub.GetCourse(request))
        assert answer.lecture_count == 1
        assert age is not None and 48 <= age <= 60

    _, signed_in = await answered(stub.GetCourse(request, metadata=teacher))
    assert signed_in is None


async def test_a_draft_is_never_public(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    draft = await new_course(stub, teacher)
    answer, age = await answered(
        stub.GetCourse(course_pb2.GetCourseRequest(name=draft.name), metadata=teacher)
    )
    assert answer.state == course_pb2.COURSE_STATE_DRAFT and age is None


async def test_a_search_page_is_public_for_anonymous_callers_only(service):
    stub, mint, _ = service
    request = course_pb2.SearchCoursesRequest(query=f"nothing{uid()[:6]}")
    _, anonymous = await answered(stub.SearchCourses(request))
    assert anonymous is not None and 12 <= anonymous <= 15
    _, signed_in = await answered(stub.SearchCourses(request, metadata=People(mint).student(uid())))
    assert signed_in is None
