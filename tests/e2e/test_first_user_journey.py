"""A school's first day through REST only, on the embedded default (the session's dev
mesh, Stripe in test mode): no dev-signed token anywhere. The operator makes the first
admin; a learner applies to teach and is approved; the teacher authors, prices and
publishes a course; a new learner verifies their email through the mailed link, finds
the course by search, buys it through the test-mode checkout, completes it and reviews it.
"""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path

import httpx
import pytest

from .test_course_through_gateway import ok
from .test_identity_flows import register_verified, signed_in

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def bearer(tokens: dict) -> dict[str, str]:
    return {"authorization": f"Bearer {tokens['accessToken']}"}


def until(what: str, check, within_s: float = 20.0):
    deadline = time.monotonic() + within_s
    while (found := check()) is None:
        assert time.monotonic() < deadline, f"{what} did not happen within {within_s} s"
        time.sleep(0.2)
    return found


def test_admin_teacher_course_purchase_completion_and_review_through_rest(
    devmesh, rest: httpx.Client
) -> None:
    _, admin_email = register_verified(devmesh, rest, "Ada")
    made = subprocess.run(
        [str(ROOT / "scripts" / "make_admin"), admin_email, "--data-dir", str(devmesh.data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    admin = bearer(signed_in(rest, admin_email))

    teacher_name, teacher_email = register_verified(devmesh, rest, "Tom")
    teacher_tokens = signed_in(rest, teacher_email)
    application = ok(
        rest.post(
            f"/v1/{teacher_name}/teacherApplications",
            json={"headline": "Sourdough baking", "bio": "Ten years of running a neighbourhood bakery."},
            headers=bearer(teacher_tokens),
        )
    )
    ok(
        rest.post(
            f"/v1/{application['name']}:decide",
            json={"decision": "TEACHER_APPLICATION_DECISION_APPROVE"},
            headers=admin,
        )
    )
    teacher = bearer(
        ok(rest.post("/v1/auth:refresh", json={"refreshToken": teacher_tokens["refreshToken"]}))["tokens"]
    )

    word = f"levain{uuid.uuid4().hex[:6]}"
    course = ok(
        rest.post(
            "/v1/courses",
            json={
                "title": f"Bread with {word}",
                "description": "Starter, dough, oven.",
                "price": {"currencyCode": "USD", "amountMinor": "1900"},
            },
            headers=teacher,
        )
    )
    chapter = ok(rest.post(f"/v1/{course['name']}/chapters", json={"title": "Starter"}, headers=teacher))
    lecture = ok(
        rest.post(
            f"/v1/{chapter['name']}/lectures",
            json={"title": "Feeding", "video": {"asset": "videos/feeding", "durationSeconds": 240}},
            headers=teacher,
        )
    )
    ok(rest.post(f"/v1/{course['name']}:publish", json={}, headers=teacher))

    learner_name, learner_email = register_verified(devmesh, rest, "Lia")
    learner = bearer(signed_in(rest, learner_email))
    found = ok(rest.get("/v1/courses:search", params={"query": word}))
    assert [r["course"]["name"] for r in found["results"]] == [course["name"]]

    order = ok(
        rest.post(
            "/v1/orders",
            json={
                "course": course["name"],
                "requestId": str(uuid.uuid4()),
                "provider": "PAYMENT_PROVIDER_STRIPE",
            },
            headers=learner,
        )
    )
    checkout = order.get("testCheckoutUrl", "")  # test mode says so in the answer
    assert checkout, order
    paid = httpx.post(checkout, json={"card": "4242424242424242"}, timeout=10.0, trust_env=False)
    assert paid.status_code == 200, paid.text

    def order_paid():
        state = ok(rest.get(f"/v1/{order['name']}", headers=learner))["state"]
        return state if state in ("ORDER_STATE_PAID", "ORDER_STATE_FULFILLED") else None

    until("the order to be paid", order_paid)
    learner_id = learner_name.removeprefix("users/")

    def enrolled():
        answer = rest.get(f"/v1/{course['name']}/enrollments/{learner_id}", headers=learner)
        return answer.json() if answer.status_code == 200 else None

    assert until("the enrolment", enrolled)["state"] == "ENROLLMENT_STATE_ACTIVE"
    progress = ok(rest.post(f"/v1/{lecture['name']}:complete", json={}, headers=learner))
    assert progress["courseCompleted"] is True

    review = ok(
        rest.post(
            f"/v1/{course['name']}/reviews",
            json={"rating": 5, "text": "Lovely crumb."},
            headers=learner,
        )
    )
    assert review["rating"] == 5
    rated = ok(rest.get(f"/v1/{course['name']}"))["rating"]
    assert rated["count"] == "1" and rated["average"] == 5, rated  # int64 is a JSON string
