"""The identity flows through the real Envoy, on the dev mesh as developers run it:
register -> verify the email with the link from the service log (where the dev
default writes it until the notification service mails it) -> log in -> refresh
-> enrol TOTP -> log in with the MFA challenge -> update the profile."""

from __future__ import annotations

import base64
import email as email_parser
import email.policy as email_policy
import hashlib
import re
import subprocess
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pyotp
import pytest

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
ROOT = Path(__file__).resolve().parents[2]


def mailed_text(devmesh, email: str, kind: str, timeout_s: float = 20.0) -> str:
    """The plain-text part of the `kind` mail to `email`, read from the notification service's
    outbox in the dev mesh (.eml files under <data>/dev/notification/outbox: the embedded
    default's mail)."""
    outbox = devmesh.data_dir / "dev" / "notification" / "outbox"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.eml")):
            message = email_parser.message_from_bytes(path.read_bytes(), policy=email_policy.default)
            if message["To"] == email and message["X-LMS-Notification-Type"] == kind:
                text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
                assert PASSWORD not in text
                return text
        time.sleep(0.1)
    raise AssertionError(f"no {kind} mail for {email} in {outbox}")


def mailed_link(devmesh, email: str, timeout_s: float = 20.0, kind: str = "email_verification") -> str:
    """The link in the `kind` mail to `email` (see mailed_text)."""
    text = mailed_text(devmesh, email, kind, timeout_s)
    return next(word for word in text.split() if "token=" in word)


def totp_code(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(datetime.now(UTC).timestamp() + 30 * steps_ahead)


def test_register_verify_login_refresh_mfa_and_profile_over_rest(devmesh, rest: httpx.Client) -> None:
    email = f"grace-{uuid.uuid4().hex[:8]}@example.com"
    registered = rest.post(
        "/v1/users:register", json={"email": email, "password": PASSWORD, "displayName": "Grace"}
    )
    assert registered.status_code == 200, registered.text
    user_name = registered.json()["user"]["name"]
    assert registered.json()["user"]["emailVerified"] is False

    token = parse_qs(urlparse(mailed_link(devmesh, email)).query)["token"][0]
    verified = rest.post("/v1/auth:verifyEmail", json={"token": token})
    assert verified.status_code == 200, verified.text
    assert verified.json()["user"]["emailVerified"] is True
    again = rest.post("/v1/auth:verifyEmail", json={"token": token})
    assert again.status_code == 400 and again.json()["details"], again.text

    login = rest.post("/v1/auth:login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    tokens = login.json()["tokens"]
    refreshed = rest.post("/v1/auth:refresh", json={"refreshToken": tokens["refreshToken"]})
    assert refreshed.status_code == 200, refreshed.text
    tokens = refreshed.json()["tokens"]
    bearer = {"authorization": f"Bearer {tokens['accessToken']}"}

    enrollment = rest.post("/v1/auth/totp:startEnrollment", json={}, headers=bearer)
    assert enrollment.status_code == 200, enrollment.text
    secret = enrollment.json()["secret"]
    assert base64.b64decode(enrollment.json()["qrCodePng"]).startswith(b"\x89PNG")
    confirmed = rest.post("/v1/auth/totp:confirmEnrollment", json={"code": totp_code(secret)}, headers=bearer)
    assert confirmed.status_code == 200, confirmed.text
    assert len(confirmed.json()["recoveryCodes"]) == 10

    step_up = rest.post("/v1/auth:login", json={"email": email, "password": PASSWORD})
    assert step_up.status_code == 200, step_up.text
    challenge = step_up.json()["mfaChallenge"]
    assert "tokens" not in step_up.json()
    wrong = rest.post(
        "/v1/auth:completeMfaChallenge",
        json={
            "challengeToken": challenge["challengeToken"],
            "totpCode": totp_code(secret),
        },  # spent by confirm
    )
    assert wrong.status_code == 401, wrong.text
    # The next window's code: within the allowed drift and not used yet.
    done = rest.post(
        "/v1/auth:completeMfaChallenge",
        json={"challengeToken": challenge["challengeToken"], "totpCode": totp_code(secret, 1)},
    )
    assert done.status_code == 200, done.text
    bearer = {"authorization": f"Bearer {done.json()['tokens']['accessToken']}"}

    updated = rest.patch(
        f"/v1/{user_name}", params={"updateMask": "bio"}, json={"bio": "COBOL"}, headers=bearer
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["bio"] == "COBOL"
    profile = rest.get(f"/v1/{user_name}/publicProfile")
    assert profile.status_code == 200 and profile.json()["bio"] == "COBOL"


def test_locked_account_answers_429_with_retry_after(rest: httpx.Client) -> None:
    email = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    for _ in range(5):
        assert (
            rest.post("/v1/auth:login", json={"email": email, "password": "wrong password!!"}).status_code
            == 401
        )
    locked = rest.post("/v1/auth:login", json={"email": email, "password": "wrong password!!"})
    assert locked.status_code == 429, locked.text
    assert locked.json()["details"]


def register_verified(devmesh, rest: httpx.Client, name: str) -> tuple[str, str]:
    """(resource name, email) of a new account whose email is verified by its mailed link."""
    email = f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.com"
    registered = rest.post(
        "/v1/users:register", json={"email": email, "password": PASSWORD, "displayName": name}
    )
    assert registered.status_code == 200, registered.text
    token = parse_qs(urlparse(mailed_link(devmesh, email)).query)["token"][0]
    assert rest.post("/v1/auth:verifyEmail", json={"token": token}).status_code == 200
    return registered.json()["user"]["name"], email


def signed_in(rest: httpx.Client, email: str) -> dict:
    login = rest.post("/v1/auth:login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return login.json()["tokens"]


def test_first_admin_by_the_operator_then_a_learner_becomes_a_teacher_over_rest(devmesh, rest) -> None:
    """No dev-signed token anywhere: the operator command makes the admin, who approves."""
    admin_name, admin_email = register_verified(devmesh, rest, "Olga")
    made = subprocess.run(
        [str(ROOT / "scripts" / "make_admin"), admin_email, "--data-dir", str(devmesh.data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    admin = {"authorization": f"Bearer {signed_in(rest, admin_email)['accessToken']}"}

    learner_name, learner_email = register_verified(devmesh, rest, "Lena")
    learner_tokens = signed_in(rest, learner_email)
    learner = {"authorization": f"Bearer {learner_tokens['accessToken']}"}
    refused = rest.post("/v1/courses", json={"title": "Too soon"}, headers=learner)
    assert refused.status_code == 403, refused.text
    (info,) = [d for d in refused.json()["details"] if d["@type"].endswith("ErrorInfo")]
    assert info["metadata"]["missing"] == "role" and "teacher" in info["metadata"]["required_roles"]

    applied = rest.post(
        f"/v1/{learner_name}/teacherApplications",
        json={
            "headline": "Knitting for beginners",
            "bio": "I run a weekly knitting circle of twenty people.",
        },
        headers=learner,
    )
    assert applied.status_code == 200, applied.text
    application = applied.json()["name"]
    queue = rest.get(
        "/v1/users/-/teacherApplications",
        params={"state": "TEACHER_APPLICATION_STATE_PENDING", "pageSize": 200},
        headers=admin,
    )
    assert application in [a["name"] for a in queue.json()["teacherApplications"]], queue.text
    assert rest.get("/v1/users/-/teacherApplications", headers=learner).status_code == 403

    decided = rest.post(
        f"/v1/{application}:decide",
        json={"decision": "TEACHER_APPLICATION_DECISION_APPROVE", "note": "Welcome aboard, Lena."},
        headers=admin,
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["state"] == "TEACHER_APPLICATION_STATE_APPROVED"
    # The applicant hears of it by mail (with the admin's note) and in the inbox.
    assert "Welcome aboard, Lena." in mailed_text(devmesh, learner_email, "teacher_application_approved")
    inbox = rest.get(f"/v1/notification/{learner_name}/inbox", headers=learner)
    assert inbox.status_code == 200, inbox.text
    assert [i["type"] for i in inbox.json()["items"]].count("teacher_application_approved") == 1
    refreshed = rest.post("/v1/auth:refresh", json={"refreshToken": learner_tokens["refreshToken"]})
    teacher = {"authorization": f"Bearer {refreshed.json()['tokens']['accessToken']}"}
    course = rest.post("/v1/courses", json={"title": "Knitting, first stitches"}, headers=teacher)
    assert course.status_code == 200, course.text
    assert admin_name != learner_name


def test_the_mailed_links_open_gateway_pages_that_change_nothing_until_the_form_is_sent(
    devmesh, rest
) -> None:
    email = f"page-{uuid.uuid4().hex[:8]}@example.com"
    registered = rest.post(
        "/v1/users:register", json={"email": email, "password": PASSWORD, "displayName": "Pia"}
    )
    assert registered.status_code == 200, registered.text
    link = mailed_link(devmesh, email)
    assert link.startswith(f"{devmesh.rest}/verify-email?token=")  # LMS_WEB_URL is the gateway

    page = rest.get(link.removeprefix(devmesh.rest))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
    assert 'action="/v1/auth:verifyEmail"' in page.text
    # The policy admits exactly the page's own script, so a browser runs it.
    (script,) = re.findall(r"<script>(.*?)</script>", page.text, flags=re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page.headers["content-security-policy"]

    # Opening the page (or a scanner following the link) verified nothing; the POST does.
    token = parse_qs(urlparse(link).query)["token"][0]
    tokens = rest.post("/v1/auth:login", json={"email": email, "password": PASSWORD}).json()["tokens"]
    me = rest.get(
        f"/v1/{registered.json()['user']['name']}",
        headers={"authorization": f"Bearer {tokens['accessToken']}"},
    )
    assert me.json()["emailVerified"] is False
    assert rest.post("/v1/auth:verifyEmail", json={"token": token}).status_code == 200

    reset = rest.get("/reset-password", params={"token": "x"})
    assert reset.status_code == 200 and 'action="/v1/auth:resetPassword"' in reset.text
    assert "newPassword" in reset.text


def test_rest_violations_name_fields_as_the_json_the_client_sent(rest: httpx.Client) -> None:
    bad = rest.post(
        "/v1/users:register",
        json={"email": "not-an-email", "password": PASSWORD, "displayName": "", "requestId": "nope"},
    )
    assert bad.status_code == 400, bad.text
    [bad_request] = [d for d in bad.json()["details"] if d["@type"].endswith("google.rpc.BadRequest")]
    fields = {violation["field"] for violation in bad_request["fieldViolations"]}
    assert {"displayName", "requestId", "email"} <= fields
    assert not {"display_name", "request_id"} & fields

    reset = rest.post("/v1/auth:resetPassword", json={"token": "x" * 40, "newPassword": "short"})
    assert reset.status_code == 400, reset.text
    [bad_request] = [d for d in reset.json()["details"] if d["@type"].endswith("google.rpc.BadRequest")]
    assert {v["field"] for v in bad_request["fieldViolations"]} == {"newPassword"}


def test_registering_a_taken_email_answers_as_new_and_mails_the_owner_a_way_in(devmesh, rest) -> None:
    email = f"taken-{uuid.uuid4().hex[:8]}@example.com"
    first = rest.post(
        "/v1/users:register", json={"email": email, "password": PASSWORD, "displayName": "Owner"}
    )
    assert first.status_code == 200, first.text
    again = rest.post(
        "/v1/users:register",
        json={"email": email.upper(), "password": "another long passphrase", "displayName": "Someone"},
    )
    assert again.status_code == 200, again.text  # nothing tells the caller the email is taken
    assert again.json()["user"]["name"] != first.json()["user"]["name"]
    assert set(again.json()["user"]) == set(first.json()["user"])

    link = mailed_link(devmesh, email, kind="account_exists")
    token = parse_qs(urlparse(link).query)["token"][0]
    reset = rest.post(
        "/v1/auth:resetPassword", json={"token": token, "newPassword": "the owner's new passphrase"}
    )
    assert reset.status_code == 200, reset.text
    login = rest.post("/v1/auth:login", json={"email": email, "password": "the owner's new passphrase"})
    assert login.status_code == 200 and login.json()["tokens"]["user"] == first.json()["user"]["name"]
    refused = rest.post("/v1/auth:login", json={"email": email, "password": "another long passphrase"})
    assert refused.status_code == 401  # the caller's password never became the account's
