"""The analytics service through the real Envoy and the dev mesh: a learner enrols over REST
and sends client events; the course's teacher sees the enrolment on the dashboard, another
teacher is refused, the learner reads their own activity."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from conftest import RunningMesh

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"


def ok(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def signed_in(
    rest: httpx.Client, *, teacher: bool = False, mesh: RunningMesh | None = None
) -> tuple[str, dict]:
    email = f"an-{uuid.uuid4().hex[:10]}@example.com"
    user = ok(
        rest.post("/v1/users:register", json={"email": email, "password": PASSWORD, "displayName": "A"})
    )
    if teacher:
        assert mesh is not None
        ok(
            rest.post(
                f"/v1/{user['user']['name']}:setRoles", json={"roles": ["ROLE_TEACHER"]}, headers=admin(mesh)
            )
        )
    tokens = ok(rest.post("/v1/auth:login", json={"email": email, "password": PASSWORD}))["tokens"]
    return user["user"]["name"], {"authorization": f"Bearer {tokens['accessToken']}"}


def admin(mesh: RunningMesh) -> dict[str, str]:
    import json

    from lms_kit.auth.tokens import TokenSigner

    keys = mesh.data_dir / "keys"
    kid = json.loads((keys / "jwks.json").read_text())["keys"][0]["kid"]
    signer = TokenSigner.from_pem_file(
        str(keys / "dev-issuer.pem"), kid=kid, issuer="lms.user", audience="lms"
    )
    return {"authorization": f"Bearer {signer.sign('e2e-admin', roles=['admin'])}"}


def test_enrolment_and_client_events_through_rest_reach_the_dashboards(devmesh: RunningMesh, rest) -> None:
    _, teacher = signed_in(rest, teacher=True, mesh=devmesh)
    course = ok(
        rest.post("/v1/courses", json={"title": "Analytics 101", "description": "x"}, headers=teacher)
    )
    chapter = ok(rest.post(f"/v1/{course['name']}/chapters", json={"title": "One"}, headers=teacher))
    ok(
        rest.post(
            f"/v1/{chapter['name']}/lectures",
            json={"title": "L1", "video": {"asset": "videos/abc", "durationSeconds": 60}},
            headers=teacher,
        )
    )
    ok(rest.post(f"/v1/{course['name']}:publish", json={}, headers=teacher))
    learner_name, learner = signed_in(rest)
    ok(rest.post(f"/v1/{course['name']}:enroll", json={}, headers=learner))

    course_id = course["name"].split("/")[1]
    event = {
        "eventId": str(uuid.uuid4()),
        "kind": "CLIENT_EVENT_KIND_LECTURE_VIEWED",
        "objectId": "lecture-1",
        "courseId": course_id,
        "occurTime": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }
    tracked = ok(rest.post("/v1/analytics/events:track", json={"events": [event]}, headers=learner))
    assert tracked["acceptedCount"] == 1
    again = ok(rest.post("/v1/analytics/events:track", json={"events": [event]}, headers=learner))
    assert again["duplicateCount"] == 1
    bad = rest.post(
        "/v1/analytics/events:track", json={"events": [{**event, "eventId": "x"}]}, headers=learner
    )
    assert bad.status_code == 400

    dashboard: dict = {}
    deadline = time.monotonic() + 60  # the enrolment crosses the outbox and NATS
    while time.monotonic() < deadline:
        dashboard = ok(rest.get(f"/v1/courses/{course_id}/dashboard", headers=teacher))
        if int(dashboard.get("enrollmentCount", 0)) == 1:
            break
        time.sleep(0.5)
    assert int(dashboard.get("enrollmentCount", 0)) == 1

    _, other_teacher = signed_in(rest, teacher=True, mesh=devmesh)
    refused = rest.get(f"/v1/courses/{course_id}/dashboard", headers=other_teacher)
    assert refused.status_code == 403

    activity = ok(rest.get(f"/v1/{learner_name}/activity", headers=learner))
    verbs = {s["verb"].rsplit("/", 1)[-1] for s in activity["statements"]}
    assert "lecture-viewed" in verbs
    csv = rest.get(f"/v1/courses/{course_id}/dashboard:export", headers=teacher)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
