"""The course service through the real Envoy, as clients use it: a teacher (an account
of the user service, promoted by an administrator) creates and publishes a course; a
learner finds it by search, enrols, completes every lecture and reaches 100%, with
exactly one CourseCompleted event on the mesh's JetStream."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlparse

import httpx
import nats
import pytest

from lms.course.v1 import events_pb2
from lms_kit.auth.tokens import TokenSigner

from .test_identity_flows import mailed_link

if TYPE_CHECKING:
    from conftest import RunningMesh

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"


def dev_bearer(mesh: RunningMesh, subject: str, *roles: str) -> dict[str, str]:
    """A token signed with the dev issuer key (as docs/devmesh.md shows)."""
    keys = mesh.data_dir / "keys"
    kid = json.loads((keys / "jwks.json").read_text())["keys"][0]["kid"]
    signer = TokenSigner.from_pem_file(
        str(keys / "dev-issuer.pem"), kid=kid, issuer="lms.user", audience="lms"
    )
    return {"authorization": f"Bearer {signer.sign(subject, roles=list(roles))}"}


def admin_bearer(mesh: RunningMesh) -> dict[str, str]:
    return dev_bearer(mesh, "e2e-admin", "admin")


def sign_up(rest: httpx.Client, name: str, verify_in: RunningMesh | None = None) -> tuple[str, str]:
    """Register; returns (user name `users/{id}`, email). With `verify_in` (the mesh whose
    user service logs the links), the email is verified too: buying and reviewing need it."""
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    registered = rest.post(
        "/v1/users:register", json={"email": email, "password": PASSWORD, "displayName": name}
    )
    assert registered.status_code == 200, registered.text
    if verify_in is not None:
        link = mailed_link(verify_in, email)
        token = parse_qs(urlparse(link).query)["token"][0]
        assert rest.post("/v1/auth:verifyEmail", json={"token": token}).status_code == 200
    return registered.json()["user"]["name"], email


def log_in(rest: httpx.Client, email: str) -> dict[str, str]:
    response = rest.post("/v1/auth:login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"authorization": f"Bearer {response.json()['tokens']['accessToken']}"}


def ok(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def test_teacher_publishes_and_learner_finds_enrols_and_completes(
    devmesh: RunningMesh, rest: httpx.Client
) -> None:
    teacher_name, teacher_email = sign_up(rest, "teacher")
    ok(
        rest.post(
            f"/v1/{teacher_name}:setRoles", json={"roles": ["ROLE_TEACHER"]}, headers=admin_bearer(devmesh)
        )
    )
    teacher = log_in(rest, teacher_email)  # the new token carries the teacher role

    word = f"quasar{uuid.uuid4().hex[:6]}"
    course = ok(
        rest.post(
            "/v1/courses",
            json={"title": f"Astronomy of the {word}", "description": "Stars and more.", "tags": ["space"]},
            headers=teacher,
        )
    )
    assert course["state"] == "COURSE_STATE_DRAFT"
    lectures = []
    for c in range(2):
        chapter = ok(
            rest.post(f"/v1/{course['name']}/chapters", json={"title": f"Part {c}"}, headers=teacher)
        )
        for i in range(2):
            lecture = ok(
                rest.post(
                    f"/v1/{chapter['name']}/lectures",
                    json={
                        "title": f"Lecture {c}.{i}",
                        "video": {"asset": "videos/abc", "durationSeconds": 300},
                    },
                    headers=teacher,
                )
            )
            lectures.append(lecture["name"])
    published = ok(rest.post(f"/v1/{course['name']}:publish", json={}, headers=teacher))
    assert published["state"] == "COURSE_STATE_PUBLISHED"
    mine = ok(rest.get(f"/v1/{teacher_name}/teachingCourses", params={"pageSize": 10}, headers=teacher))
    assert [c["name"] for c in mine["courses"]] == [course["name"]]

    learner_name, learner_email = sign_up(rest, "learner")
    learner = log_in(rest, learner_email)
    denied = rest.get(f"/v1/{teacher_name}/teachingCourses", headers=learner)
    assert denied.status_code == 403
    found = ok(rest.get("/v1/courses:search", params={"query": word}))
    assert [r["course"]["name"] for r in found["results"]] == [course["name"]]
    assert "<mark>" in found["results"][0]["snippet"]
    detail = ok(rest.get(f"/v1/{course['name']}"))
    assert detail["lectureCount"] == 4 and len(detail["chapters"]) == 2

    enrollment = ok(rest.post(f"/v1/{course['name']}:enroll", json={}, headers=learner))
    assert enrollment["state"] == "ENROLLMENT_STATE_ACTIVE"
    for name in lectures + lectures[:1]:  # one completion repeated: harmless
        progress = ok(rest.post(f"/v1/{name}:complete", json={}, headers=learner))
    learner_id = learner_name.removeprefix("users/")
    final = ok(rest.get(f"/v1/{course['name']}/enrollments/{learner_id}", headers=learner))
    assert (final["completionPercent"], final["completedLectureCount"]) == (100, 4)
    assert progress["courseCompleted"] is True

    course_id = course["name"].removeprefix("courses/")
    assert asyncio.run(course_completed_events(devmesh.state()["nats"], course_id)) == [learner_id]


def test_paid_enrolment_is_not_reachable_through_the_gateway(rest: httpx.Client) -> None:
    response = rest.post("/lms.course.v1.CourseService/EnrollPaid", json={})
    assert response.status_code == 404


def test_a_draft_is_not_found_for_anonymous_callers(rest: httpx.Client) -> None:
    response = rest.get(f"/v1/courses/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json()["details"][0]["reason"] == "COURSE_NOT_FOUND"


async def course_completed_events(nats_url: str, course_id: str) -> list[str]:
    """User ids of the course's CourseCompleted events in the stream, read once the
    relay has published the first (and again a moment later, so a duplicate would show)."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        for _ in range(50):
            if await _completed(js, course_id):
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)
        return await _completed(js, course_id)
    finally:
        await nc.drain()


async def _completed(js, course_id: str) -> list[str]:
    found = []
    sub = await js.subscribe("lms.course.v1.CourseCompleted", ordered_consumer=True)
    try:
        while True:
            try:
                message = await sub.next_msg(timeout=0.5)
            except nats.errors.TimeoutError:
                return found
            event = events_pb2.CourseCompleted.FromString(message.data)
            if event.course_id == course_id:
                found.append(event.user_id)
    finally:
        await sub.unsubscribe()


# -- the gateway's edge cache (GetCourse and SearchCourses carry (lms.options.v1.edge_cache)) --


def course_with_a_lecture(mesh: RunningMesh, rest: httpx.Client, *, publish: bool) -> tuple[str, dict]:
    """(course name, the teacher's headers) for a new course with one lecture."""
    teacher = dev_bearer(mesh, f"teacher-{uuid.uuid4().hex[:8]}", "teacher")
    # Long enough (> 1 KiB of JSON) for the gateway to compress it.
    course = ok(
        rest.post(
            "/v1/courses",
            json={"title": "Edge cached optics", "description": "Light and lenses. " * 100},
            headers=teacher,
        )
    )
    chapter = ok(rest.post(f"/v1/{course['name']}/chapters", json={"title": "Light"}, headers=teacher))
    ok(
        rest.post(
            f"/v1/{chapter['name']}/lectures",
            json={"title": "Lenses", "video": {"asset": "videos/lens", "durationSeconds": 60}},
            headers=teacher,
        )
    )
    if publish:
        ok(rest.post(f"/v1/{course['name']}:publish", json={}, headers=teacher))
    return course["name"], teacher


def max_age(response: httpx.Response) -> int:
    """The `public, max-age=N` the service set; N is the configured value less up to 20% jitter."""
    public, _, age = response.headers["cache-control"].partition(", max-age=")
    assert public == "public", response.headers["cache-control"]
    return int(age)


def rename(rest: httpx.Client, name: str, title: str, teacher: dict) -> None:
    ok(rest.patch(f"/v1/{name}", params={"updateMask": "title"}, json={"title": title}, headers=teacher))


def test_anonymous_course_detail_is_served_by_the_edge_and_signed_in_callers_see_edits_at_once(
    devmesh: RunningMesh, rest: httpx.Client
) -> None:
    name, teacher = course_with_a_lecture(devmesh, rest, publish=True)
    first = rest.get(f"/v1/{name}")
    assert first.status_code == 200
    assert 48 <= max_age(first) <= 60  # LMS_COURSE_EDGE_MAX_AGE_S's default, with jitter
    assert "age" not in first.headers  # from the service

    rename(rest, name, "Optics, renamed", teacher)
    again = rest.get(f"/v1/{name}")
    # The edge's copy: the service was not asked (it would have answered with the new title).
    assert "age" in again.headers
    assert again.json()["title"] == "Edge cached optics"
    compressed = rest.get(f"/v1/{name}", headers={"accept-encoding": "gzip"})
    assert compressed.headers["content-encoding"] == "gzip" and "age" in compressed.headers
    assert compressed.json() == again.json()

    signed_in = rest.get(f"/v1/{name}", headers=dev_bearer(devmesh, "someone-else"))
    assert signed_in.json()["title"] == "Optics, renamed"
    assert "age" not in signed_in.headers and "cache-control" not in signed_in.headers
    assert rest.get(f"/v1/{name}", headers=teacher).json()["title"] == "Optics, renamed"


def test_drafts_errors_and_other_rpcs_are_never_kept_at_the_edge(
    devmesh: RunningMesh, rest: httpx.Client
) -> None:
    name, teacher = course_with_a_lecture(devmesh, rest, publish=False)
    for _ in range(2):
        hidden = rest.get(f"/v1/{name}")
        assert hidden.status_code == 404 and "age" not in hidden.headers
    draft = rest.get(f"/v1/{name}", headers=teacher)
    assert draft.status_code == 200 and "cache-control" not in draft.headers

    # Published now: the anonymous 404s above were not kept, so anonymous callers see it at once.
    ok(rest.post(f"/v1/{name}:publish", json={}, headers=teacher))
    assert rest.get(f"/v1/{name}").status_code == 200

    for _ in range(2):  # an anonymous GET of an RPC without edge_cache always reaches the service
        echo = rest.get("/v1/testing/echo", params={"text": "fresh"})
        assert echo.json() == {"text": "fresh"} and "age" not in echo.headers
    bad = rest.get("/v1/courses:search", params={"pageSize": -1})
    assert bad.status_code == 400 and "cache-control" not in bad.headers


def test_anonymous_search_pages_are_kept_for_seconds(rest: httpx.Client) -> None:
    params = {"query": f"nebula{uuid.uuid4().hex[:6]}"}
    first = rest.get("/v1/courses:search", params=params)
    assert first.status_code == 200 and 12 <= max_age(first) <= 15
    assert "age" in rest.get("/v1/courses:search", params=params).headers
    signed_in = rest.get("/v1/courses:search", params=params, headers={"authorization": "Bearer x"})
    assert signed_in.status_code == 401  # a token that is sent is verified, never answered from the cache


def test_an_edit_reaches_anonymous_callers_once_the_max_age_has_passed(
    start_mesh, tmp_path_factory: pytest.TempPathFactory
) -> None:
    mesh = start_mesh(
        tmp_path_factory.mktemp("edge") / "data", "--only", "course", env={"LMS_COURSE_EDGE_MAX_AGE_S": "1"}
    )
    try:
        with httpx.Client(base_url=mesh.rest, timeout=10.0, trust_env=False) as rest:
            name, teacher = course_with_a_lecture(mesh, rest, publish=True)
            assert max_age(rest.get(f"/v1/{name}")) == 1
            rename(rest, name, "Optics, second edition", teacher)
            titles = []
            for _ in range(50):  # the edge's copy lives one second
                titles.append(rest.get(f"/v1/{name}").json()["title"])
                if titles[-1] == "Optics, second edition":
                    break
                time.sleep(0.1)
            assert titles[-1] == "Optics, second edition", titles
    finally:
        mesh.terminate()


def test_a_course_page_larger_than_the_connection_buffer_is_transcoded(devmesh, rest: httpx.Client) -> None:
    """A 120-lecture outline is ~60 KB of JSON, beyond Envoy's 32 KiB connection buffer:
    the transcoder still assembles it (its own limits are max_request/response_body_size)."""
    teacher = dev_bearer(devmesh, f"big-{uuid.uuid4().hex[:8]}", "teacher")
    course = ok(rest.post("/v1/courses", json={"title": "A long course"}, headers=teacher))
    chapter = ok(rest.post(f"/v1/{course['name']}/chapters", json={"title": "All of it"}, headers=teacher))
    for i in range(120):
        ok(
            rest.post(
                f"/v1/{chapter['name']}/lectures",
                json={
                    "title": f"{i:03d} " + "x" * 190,
                    "video": {"asset": f"videos/v{i}", "durationSeconds": 60},
                },
                headers=teacher,
            )
        )
    page = rest.get(f"/v1/{course['name']}", headers=teacher)
    assert page.status_code == 200, page.text[:300]
    assert len(page.content) > 48 * 1024 and page.json()["lectureCount"] == 120
