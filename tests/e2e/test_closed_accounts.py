"""Accounts that may no longer act (issue 18.3), through REST on a mesh of their own that
trusts no made-up user ids (LMS_TRUST_UNKNOWN_USERS=false, as in a deployment):

- a valid token for an id with no account cannot enrol, review, order, create a
  referral code or set a payout account;
- an account an administrator suspends stops writing in the course and payment services
  once UserDisabled is out, cannot sign in or refresh, and writes again once enabled;
- an account its owner closes loses its personal data, its sign-in and its writes.

Each refusal is UNAUTHENTICATED with reason ACCOUNT_INACTIVE, and nothing is written.
"""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .test_course_through_gateway import dev_bearer, ok
from .test_identity_flows import PASSWORD, register_verified, signed_in

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
REFUSAL_WITHIN_S = 15.0  # the outbox relay's publish delay, with room for a loaded machine


@pytest.fixture(scope="module")
def mesh(start_mesh, tmp_path_factory: pytest.TempPathFactory):
    return start_mesh(
        tmp_path_factory.mktemp("closed-accounts") / "data", env={"LMS_TRUST_UNKNOWN_USERS": "false"}
    )


@pytest.fixture(scope="module")
def rest(mesh) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mesh.rest, timeout=15.0, trust_env=False) as client:
        yield client


def bearer(tokens: dict) -> dict[str, str]:
    return {"authorization": f"Bearer {tokens['accessToken']}"}


@pytest.fixture(scope="module")
def school(mesh, rest: httpx.Client) -> dict:
    """A real administrator and teacher (no dev token: this mesh refuses made-up ids),
    and two published free courses."""
    _, admin_email = register_verified(mesh, rest, "Ada")
    made = subprocess.run(
        [str(ROOT / "scripts" / "make_admin"), admin_email, "--data-dir", str(mesh.data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    admin = bearer(signed_in(rest, admin_email))
    teacher_name, teacher_email = register_verified(mesh, rest, "Tom")
    teacher_tokens = signed_in(rest, teacher_email)
    application = ok(
        rest.post(
            f"/v1/{teacher_name}/teacherApplications",
            json={"headline": "Knots", "bio": "Sailing instructor for twelve years on the North Sea coast."},
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
    courses = [publish_free_course(rest, teacher, title) for title in ("Bowline", "Clove hitch")]
    return {"admin": admin, "teacher": teacher, "courses": courses}


def publish_free_course(rest: httpx.Client, teacher: dict, title: str) -> str:
    course = ok(
        rest.post("/v1/courses", json={"title": title, "description": "Knots for sailors."}, headers=teacher)
    )
    chapter = ok(rest.post(f"/v1/{course['name']}/chapters", json={"title": "Tying"}, headers=teacher))
    ok(
        rest.post(
            f"/v1/{chapter['name']}/lectures",
            json={"title": "Step by step", "video": {"asset": "videos/knot", "durationSeconds": 60}},
            headers=teacher,
        )
    )
    ok(rest.post(f"/v1/{course['name']}:publish", json={}, headers=teacher))
    return course["name"]


def writes(user_name: str, course: str) -> dict[str, tuple[str, str, dict]]:
    """The writes issue 18.3 names: (method, path, body) each."""
    return {
        "enrol": ("POST", f"/v1/{course}:enroll", {}),
        "review": ("POST", f"/v1/{course}/reviews", {"rating": 1, "text": "Written by a closed account."}),
        "order": ("POST", "/v1/orders", {"course": course, "requestId": str(uuid.uuid4())}),
        "referral code": ("POST", "/v1/referralCodes", {}),
        "payout account": (
            "PUT",
            f"/v1/{user_name}/payoutAccount",
            {
                "holderName": "Closed Account",
                "accountNumber": "GB29NWBK60161331926819",
                "bankCode": "NWBKGB2L",
                "countryCode": "GB",
            },
        ),
    }


def refusal_reason(response: httpx.Response) -> str:
    if response.status_code != 401:
        return f"HTTP {response.status_code}"
    details = response.json().get("details", [])
    return next((d.get("reason", "") for d in details if "reason" in d), "")


def assert_every_write_refused(rest: httpx.Client, user_name: str, course: str, headers: dict) -> None:
    for what, (method, path, body) in writes(user_name, course).items():
        response = rest.request(method, path, json=body, headers=headers)
        assert refusal_reason(response) == "ACCOUNT_INACTIVE", (what, response.status_code, response.text)


def refused_within(rest: httpx.Client, user_name: str, course: str, headers: dict) -> None:
    """Both services refuse once the account event is out (bounded), then every write is
    refused. The probes would write nothing even if let through: a review of a course the
    user is not enrolled in, an order for a free course."""
    probes = [
        ("POST", f"/v1/{course}/reviews", {"rating": 1, "text": "probe"}),
        ("POST", "/v1/orders", {"course": course, "requestId": str(uuid.uuid4())}),
    ]
    deadline = time.monotonic() + REFUSAL_WITHIN_S
    while any(
        refusal_reason(rest.request(method, path, json=body, headers=headers)) != "ACCOUNT_INACTIVE"
        for method, path, body in probes
    ):
        assert time.monotonic() < deadline, f"writes not refused within {REFUSAL_WITHIN_S} s"
        time.sleep(0.2)
    assert_every_write_refused(rest, user_name, course, headers)


def rating_count(rest: httpx.Client, course: str) -> str:
    return ok(rest.get(f"/v1/{course}")).get("rating", {}).get("count", "0")


def orders_of(rest: httpx.Client, user_name: str, admin: dict) -> list:
    return ok(rest.get(f"/v1/{user_name}/orders", headers=admin)).get("orders", [])


def referral_codes_of(rest: httpx.Client, user_name: str, admin: dict) -> list:
    return ok(rest.get(f"/v1/{user_name}/referralCodes", headers=admin)).get("referralCodes", [])


def test_a_token_for_an_id_with_no_account_writes_nothing(mesh, rest: httpx.Client, school: dict) -> None:
    course = school["courses"][0]
    ghost = f"users/{uuid.uuid4()}"
    headers = dev_bearer(mesh, ghost.removeprefix("users/"))  # validly signed, no account behind it
    before = rating_count(rest, course)
    assert_every_write_refused(rest, ghost, course, headers)
    assert rating_count(rest, course) == before
    assert orders_of(rest, ghost, school["admin"]) == []
    assert referral_codes_of(rest, ghost, school["admin"]) == []


def test_a_suspended_account_stops_writing_until_it_is_enabled(
    mesh, rest: httpx.Client, school: dict
) -> None:
    first, second = school["courses"]
    name, email = register_verified(mesh, rest, "Sam")
    tokens = signed_in(rest, email)
    learner = bearer(tokens)
    ok(rest.post(f"/v1/{first}:enroll", json={}, headers=learner))

    suspended = ok(
        rest.post(f"/v1/{name}:disable", json={"reason": "chargeback fraud"}, headers=school["admin"])
    )
    assert suspended["state"] == "USER_STATE_DISABLED"
    before = rating_count(rest, first)
    refused_within(rest, name, second, learner)
    assert rating_count(rest, first) == before
    assert orders_of(rest, name, school["admin"]) == []
    assert referral_codes_of(rest, name, school["admin"]) == []
    login = rest.post("/v1/auth:login", json={"email": email, "password": PASSWORD})
    assert refusal_reason(login) == "ACCOUNT_INACTIVE", login.text
    refresh = rest.post("/v1/auth:refresh", json={"refreshToken": tokens["refreshToken"]})
    assert refresh.status_code == 401, refresh.text  # the suspension revoked the session
    again = rest.post(f"/v1/{name}:disable", json={"reason": "chargeback fraud"}, headers=school["admin"])
    assert ok(again)["state"] == "USER_STATE_DISABLED"  # a retry changes nothing

    ok(rest.post(f"/v1/{name}:enable", json={"reason": "cleared"}, headers=school["admin"]))
    restored = bearer(signed_in(rest, email))
    deadline = time.monotonic() + REFUSAL_WITHIN_S
    while (created := rest.post("/v1/referralCodes", json={}, headers=restored)).status_code != 200:
        assert refusal_reason(created) == "ACCOUNT_INACTIVE", created.text
        assert time.monotonic() < deadline, "writes not allowed again after UserEnabled"
        time.sleep(0.2)
    assert len(referral_codes_of(rest, name, school["admin"])) == 1


def test_an_account_closed_by_its_owner_loses_its_data_sign_in_and_writes(
    mesh, rest: httpx.Client, school: dict
) -> None:
    course = school["courses"][0]
    name, email = register_verified(mesh, rest, "Kim")
    learner = bearer(signed_in(rest, email))
    ok(rest.post(f"/v1/{course}:enroll", json={}, headers=learner))

    wrong = rest.post(f"/v1/{name}:delete", json={"password": "not the password at all"}, headers=learner)
    assert wrong.status_code == 401, wrong.text
    assert ok(rest.get(f"/v1/{name}", headers=school["admin"]))["state"] == "USER_STATE_ACTIVE"

    closed = ok(rest.post(f"/v1/{name}:delete", json={"password": PASSWORD}, headers=learner))
    assert closed["name"] == name and closed["deleteTime"]
    before = rating_count(rest, course)
    refused_within(rest, name, course, learner)
    assert rating_count(rest, course) == before
    assert orders_of(rest, name, school["admin"]) == []

    tombstone = ok(rest.get(f"/v1/{name}", headers=school["admin"]))
    assert tombstone["state"] == "USER_STATE_DELETED"
    assert tombstone["displayName"] == "Deleted user" and email not in tombstone["email"]
    assert rest.get(f"/v1/{name}/publicProfile").status_code == 404
    login = rest.post("/v1/auth:login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 401, login.text
    retried = ok(rest.post(f"/v1/{name}:delete", json={"reason": "retry"}, headers=school["admin"]))
    assert retried["deleteTime"] == closed["deleteTime"]  # the same closure, not a second one
