"""The two services issuance asks, as real gRPC servers holding what a test puts in them:
UserService.GetUserInternal (display names) and CourseService.GetCourse (title, length,
teachers). They answer NOT_FOUND for anything else, as the real services do."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

import grpc

from lms.course.v1 import course_pb2, course_pb2_grpc
from lms.user.v1 import user_pb2, user_pb2_grpc


@dataclass
class People:
    names: dict[str, str] = field(default_factory=dict)  # user id -> display name
    courses: dict[str, course_pb2.Course] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def course(self, course_id: str, title: str, *, owner: str, hours: float = 2.5, instructors=()) -> None:
        self.courses[course_id] = course_pb2.Course(
            name=f"courses/{course_id}",
            title=title,
            owner=f"users/{owner}",
            instructors=[f"users/{i}" for i in instructors],
            total_duration_seconds=int(hours * 3600),
        )


class _Users(user_pb2_grpc.UserServiceServicer):
    def __init__(self, people: People) -> None:
        self._people = people

    async def GetUserInternal(self, request, context):
        self._people.calls.append(request.name)
        user_id = request.name.removeprefix("users/")
        if user_id not in self._people.names:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"{request.name} not found")
        return user_pb2.User(
            name=request.name, email=f"{user_id}@example.com", display_name=self._people.names[user_id]
        )


class _Courses(course_pb2_grpc.CourseServiceServicer):
    def __init__(self, people: People) -> None:
        self._people = people

    async def GetCourse(self, request, context):
        self._people.calls.append(request.name)
        course = self._people.courses.get(request.name.removeprefix("courses/"))
        if course is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"{request.name} not found")
        return course


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def start(people: People) -> tuple[grpc.aio.Server, str]:
    server = grpc.aio.server()
    user_pb2_grpc.add_UserServiceServicer_to_server(_Users(people), server)
    course_pb2_grpc.add_CourseServiceServicer_to_server(_Courses(people), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return server, f"127.0.0.1:{port}"
