"""Builders for tests that drive the course service over gRPC (its own tests and
other services' tests, e.g. a payment test that needs a published course)."""

from __future__ import annotations

import uuid

import grpc

from lms.course.v1 import course_pb2
from lms.type.v1 import money_pb2


def uid() -> str:
    return str(uuid.uuid4())


class People:
    """Tokens for a teacher, learners and an admin."""

    def __init__(self, mint) -> None:
        self.mint = mint

    def teacher(self, user_id: str) -> tuple:
        return self.mint.bearer(user_id, roles=["teacher"])

    def student(self, user_id: str) -> tuple:
        return self.mint.bearer(user_id, roles=["student"])

    def admin(self, user_id: str = "admin-1") -> tuple:
        return self.mint.bearer(user_id, roles=["admin"])

    def payment(self) -> tuple:
        return self.mint.service_bearer("payment")


async def fails(call) -> grpc.aio.AioRpcError:
    """The error a call that must fail failed with."""
    try:
        await call
    except grpc.aio.AioRpcError as error:
        return error
    raise AssertionError("the call succeeded")


async def new_course(stub, teacher, *, title: str = "Course", price: int = 0, **fields) -> course_pb2.Course:
    course = course_pb2.Course(title=title, **fields)
    if price:
        course.price.CopyFrom(money_pb2.Money(currency_code="USD", amount_minor=price))
    return await stub.CreateCourse(course_pb2.CreateCourseRequest(course=course), metadata=teacher)


async def add_chapter(stub, teacher, course_name: str, title: str = "Chapter", position=None):
    request = course_pb2.CreateChapterRequest(parent=course_name, chapter=course_pb2.Chapter(title=title))
    if position is not None:
        request.position = position
    return await stub.CreateChapter(request, metadata=teacher)


async def add_lecture(
    stub, teacher, chapter_name: str, title: str = "Lecture", *, duration: int = 600, position=None
):
    lecture = course_pb2.Lecture(
        title=title, video=course_pb2.VideoContent(asset="videos/v1", duration_seconds=duration)
    )
    request = course_pb2.CreateLectureRequest(parent=chapter_name, lecture=lecture)
    if position is not None:
        request.position = position
    return await stub.CreateLecture(request, metadata=teacher)


async def published_course(stub, teacher, *, lectures: int = 2, chapters: int = 1, **fields):
    """A published course with `chapters` chapters of `lectures` lectures; returns (course, [lecture names])."""
    course = await new_course(stub, teacher, **fields)
    names = []
    for c in range(chapters):
        chapter = await add_chapter(stub, teacher, course.name, f"Chapter {c}")
        for i in range(lectures):
            names.append((await add_lecture(stub, teacher, chapter.name, f"Lecture {c}.{i}")).name)
    course = await stub.PublishCourse(course_pb2.PublishCourseRequest(name=course.name), metadata=teacher)
    return course, names


async def outbox_events(database, event_type, **match) -> list:
    """The events of `event_type` in the outbox whose fields equal `match`."""
    import sqlalchemy as sa

    from lms_kit.events.schema import outbox

    subject = event_type.DESCRIPTOR.full_name
    async with database.session() as session:
        rows = (
            await session.execute(sa.select(outbox.c.payload).where(outbox.c.subject == subject))
        ).scalars()
        events = [event_type.FromString(payload) for payload in rows]
    return [e for e in events if all(getattr(e, k) == v for k, v in match.items())]
