"""Categories and courses over gRPC with the real pipeline and PostgreSQL."""

from __future__ import annotations

import grpc
from google.protobuf import field_mask_pb2

from lms.course.v1 import course_pb2
from lms_devkit.course import People, add_chapter, add_lecture, fails, new_course, uid
from lms_kit.testing.harness import error_reason, field_violations


async def category(stub, people, slug: str, parent: str = "") -> course_pb2.Category:
    return await stub.CreateCategory(
        course_pb2.CreateCategoryRequest(
            category=course_pb2.Category(slug=slug, display_name=slug.title(), parent=parent)
        ),
        metadata=people.admin(),
    )


async def test_category_tree_keeps_sibling_order_and_moves_subtrees(service):
    stub, mint, _ = service
    people = People(mint)
    tag = uid()[:8]
    root = await category(stub, people, f"dev-{tag}")
    web = await category(stub, people, f"web-{tag}", root.name)
    data = await category(stub, people, f"data-{tag}", root.name)
    react = await category(stub, people, f"react-{tag}", web.name)

    moved = await stub.MoveCategory(
        course_pb2.MoveCategoryRequest(name=data.name, parent=root.name, position=0), metadata=people.admin()
    )
    assert moved.position == 0
    under = await stub.MoveCategory(
        course_pb2.MoveCategoryRequest(name=web.name, parent=data.name, position=0), metadata=people.admin()
    )

    tree = (await stub.ListCategories(course_pb2.ListCategoriesRequest())).categories
    ours = [c for c in tree if c.slug.endswith(tag)]
    assert [(c.slug, c.depth, c.position) for c in ours] == [
        (f"dev-{tag}", 0, ours[0].position),
        (f"data-{tag}", 1, 0),
        (f"web-{tag}", 2, 0),
        (f"react-{tag}", 3, 0),
    ]
    assert under.parent == data.name and react.parent == web.name


async def test_moving_a_category_under_its_own_descendant_is_refused(service):
    stub, mint, _ = service
    people = People(mint)
    tag = uid()[:8]
    root = await category(stub, people, f"a-{tag}")
    child = await category(stub, people, f"b-{tag}", root.name)

    for parent in (child.name, root.name):
        error = await fails(
            stub.MoveCategory(
                course_pb2.MoveCategoryRequest(name=root.name, parent=parent), metadata=people.admin()
            )
        )
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert error_reason(error) == "CATEGORY_CYCLE"


async def test_duplicate_slug_is_refused_and_teachers_cannot_edit_categories(service):
    stub, mint, _ = service
    people = People(mint)
    slug = f"dup-{uid()[:8]}"
    await category(stub, people, slug)
    error = await fails(category(stub, people, slug))
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.ALREADY_EXISTS, "CATEGORY_SLUG_TAKEN")
    denied = await fails(
        stub.CreateCategory(
            course_pb2.CreateCategoryRequest(category=course_pb2.Category(slug="x", display_name="X")),
            metadata=people.teacher(uid()),
        )
    )
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_bad_course_input_names_every_bad_field(service):
    stub, mint, _ = service
    course = course_pb2.Course(title="x" * 201, thumbnail="not-a-file", language="English!", tags=["a"] * 21)
    error = await fails(
        stub.CreateCourse(course_pb2.CreateCourseRequest(course=course), metadata=People(mint).teacher(uid()))
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert {"course.title", "course.thumbnail", "course.language", "course.tags"} <= set(
        field_violations(error)
    )


async def test_a_course_without_title_is_refused(service):
    stub, mint, _ = service
    error = await fails(new_course(stub, People(mint).teacher(uid()), title=""))
    assert field_violations(error) == {"course.title": "REQUIRED"}


async def test_students_cannot_create_courses(service):
    stub, mint, _ = service
    error = await fails(new_course(stub, People(mint).student(uid())))
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.PERMISSION_DENIED, "ACCESS_DENIED")


async def test_a_draft_is_visible_only_to_its_teachers_and_admins(service):
    stub, mint, _ = service
    people = People(mint)
    owner, other = uid(), uid()
    course = await new_course(stub, people.teacher(owner))
    request = course_pb2.GetCourseRequest(name=course.name)

    assert (
        await stub.GetCourse(request, metadata=people.teacher(owner))
    ).state == course_pb2.COURSE_STATE_DRAFT
    assert (await stub.GetCourse(request, metadata=people.admin())).name == course.name
    for metadata in (people.teacher(other), people.student(uid()), ()):
        error = await fails(stub.GetCourse(request, metadata=metadata))
        assert (error.code(), error_reason(error)) == (grpc.StatusCode.NOT_FOUND, "COURSE_NOT_FOUND")


async def test_only_teachers_of_the_course_may_edit_and_only_the_owner_names_instructors(service):
    stub, mint, _ = service
    people = People(mint)
    owner, co, stranger = uid(), uid(), uid()
    course = await new_course(stub, people.teacher(owner), title="Original")

    def update(paths, metadata, **fields):
        return stub.UpdateCourse(
            course_pb2.UpdateCourseRequest(
                course=course_pb2.Course(name=course.name, **fields),
                update_mask=field_mask_pb2.FieldMask(paths=paths),
            ),
            metadata=metadata,
        )

    error = await fails(update(["title"], people.teacher(stranger), title="Hijacked"))
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.NOT_FOUND, "COURSE_NOT_FOUND")
    await update(["instructors"], people.teacher(owner), instructors=[f"users/{co}"])
    edited = await update(["subtitle"], people.teacher(co), subtitle="By the co-instructor", title="ignored")
    assert (edited.title, edited.subtitle) == ("Original", "By the co-instructor")
    error = await fails(update(["instructors"], people.teacher(co), instructors=[]))
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.PERMISSION_DENIED, "NOT_COURSE_OWNER")
    error = await fails(update(["owner"], people.teacher(owner)))
    assert field_violations(error) == {"update_mask": "UNKNOWN_FIELD"}


async def test_a_stranger_teacher_gets_not_course_instructor_on_a_published_course(service):
    stub, mint, _ = service
    people = People(mint)
    owner = people.teacher(uid())
    course = await new_course(stub, owner)
    chapter = await add_chapter(stub, owner, course.name)
    await add_lecture(stub, owner, chapter.name)
    await stub.PublishCourse(course_pb2.PublishCourseRequest(name=course.name), metadata=owner)

    error = await fails(
        stub.ArchiveCourse(course_pb2.ArchiveCourseRequest(name=course.name), metadata=people.teacher(uid()))
    )
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.PERMISSION_DENIED, "NOT_COURSE_INSTRUCTOR")


async def test_publishing_needs_a_lecture_and_archiving_is_final(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    course = await new_course(stub, teacher)
    error = await fails(
        stub.PublishCourse(course_pb2.PublishCourseRequest(name=course.name), metadata=teacher)
    )
    assert (error.code(), error_reason(error)) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "COURSE_HAS_NO_LECTURES",
    )

    chapter = await add_chapter(stub, teacher, course.name)
    await add_lecture(stub, teacher, chapter.name)
    published = await stub.PublishCourse(course_pb2.PublishCourseRequest(name=course.name), metadata=teacher)
    assert published.state == course_pb2.COURSE_STATE_PUBLISHED and published.HasField("publish_time")
    public = await stub.GetCourse(course_pb2.GetCourseRequest(name=course.name))
    assert [len(c.lectures) for c in public.chapters] == [1]
    assert not public.chapters[0].lectures[0].HasField("video")  # outline only

    await stub.ArchiveCourse(course_pb2.ArchiveCourseRequest(name=course.name), metadata=teacher)
    error = await fails(
        stub.PublishCourse(course_pb2.PublishCourseRequest(name=course.name), metadata=teacher)
    )
    assert error_reason(error) == "COURSE_ARCHIVED"


async def test_create_course_with_the_same_request_id_returns_the_first_course(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    request = course_pb2.CreateCourseRequest(course=course_pb2.Course(title="Once"), request_id=uid())
    first = await stub.CreateCourse(request, metadata=teacher)
    again = await stub.CreateCourse(request, metadata=teacher)
    assert first.name == again.name


async def test_price_money_round_trips_and_free_is_zero(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    paid = await new_course(stub, teacher, price=1999)
    free = await new_course(stub, teacher)
    assert (paid.price.currency_code, paid.price.amount_minor) == ("USD", 1999)
    assert free.price.amount_minor == 0


async def test_refund_window_set_on_create_changed_by_a_mask_and_served_by_get_course_from_its_cache(
    service,
):
    stub, mint, running = service
    teacher = People(mint).teacher(uid())
    course = await new_course(stub, teacher, refund_window_days=14)
    default = await new_course(stub, teacher)
    assert course.HasField("refund_window_days") and course.refund_window_days == 14
    assert not default.HasField("refund_window_days")  # unset: the payment service's default

    def update(paths, **fields):
        return stub.UpdateCourse(
            course_pb2.UpdateCourseRequest(
                course=course_pb2.Course(name=course.name, **fields),
                update_mask=field_mask_pb2.FieldMask(paths=paths),
            ),
            metadata=teacher,
        )

    assert (await update(["title"], title="Renamed", refund_window_days=99)).refund_window_days == 14
    changed = await update(["refund_window_days"], refund_window_days=0)
    assert changed.HasField("refund_window_days") and changed.refund_window_days == 0  # no refunds

    chapter = await add_chapter(stub, teacher, course.name)
    await add_lecture(stub, teacher, chapter.name)
    await stub.PublishCourse(course_pb2.PublishCourseRequest(name=course.name), metadata=teacher)
    request = course_pb2.GetCourseRequest(name=course.name)
    filled = await stub.GetCourse(request)  # fills the cache
    cached = course_pb2.Course.FromString(
        await running.exposed["course_cache"].get(course.name.split("/")[1])
    )
    served = await stub.GetCourse(request)
    for answer in (filled, cached, served):
        assert answer.HasField("refund_window_days") and answer.refund_window_days == 0

    await update(["refund_window_days"])  # named, unset: back to the default
    assert not (await stub.GetCourse(request)).HasField("refund_window_days")


async def test_a_refund_window_over_365_days_is_a_field_violation_on_create_and_update(service):
    stub, mint, _ = service
    teacher = People(mint).teacher(uid())
    error = await fails(new_course(stub, teacher, refund_window_days=400))
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_FIELDS")
    assert field_violations(error) == {"course.refund_window_days": "MAX"}

    course = await new_course(stub, teacher)
    error = await fails(
        stub.UpdateCourse(
            course_pb2.UpdateCourseRequest(
                course=course_pb2.Course(name=course.name, refund_window_days=400),
                update_mask=field_mask_pb2.FieldMask(paths=["refund_window_days"]),
            ),
            metadata=teacher,
        )
    )
    assert field_violations(error) == {"course.refund_window_days": "MAX"}
