"""The certificate service through the real Envoy: a learner whose display name is in
Devanagari completes a course over REST and receives one signed certificate; its PDF,
public verification, verify-by-upload, the Open Badges credential (checked with
openbadgeslib against the published status list) and revocation."""

from __future__ import annotations

import json
import subprocess
import time
import unicodedata
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import jwt
import pytest
from openbadgeslib.ob3.verifier import OB3VerificationError, OB3Verifier

if TYPE_CHECKING:
    from conftest import RunningMesh

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
LEARNER_NAME = "प्रिया शर्मा"


def ok(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def register(rest: httpx.Client, display_name: str) -> tuple[str, str, dict[str, str]]:
    email = f"cert-{uuid.uuid4().hex[:10]}@example.com"
    user = ok(
        rest.post(
            "/v1/users:register", json={"email": email, "password": PASSWORD, "displayName": display_name}
        )
    )
    tokens = ok(rest.post("/v1/auth:login", json={"email": email, "password": PASSWORD}))["tokens"]
    return user["user"]["name"], email, {"authorization": f"Bearer {tokens['accessToken']}"}


def admin(mesh: RunningMesh) -> dict[str, str]:
    from lms_kit.auth.tokens import TokenSigner

    keys = mesh.data_dir / "keys"
    kid = json.loads((keys / "jwks.json").read_text())["keys"][0]["kid"]
    signer = TokenSigner.from_pem_file(
        str(keys / "dev-issuer.pem"), kid=kid, issuer="lms.user", audience="lms"
    )
    return {"authorization": f"Bearer {signer.sign('e2e-admin', roles=['admin'])}"}


def published_course(mesh: RunningMesh, rest: httpx.Client) -> tuple[dict, list[str], dict[str, str]]:
    teacher_name, teacher_email, _ = register(rest, "Teacher")
    ok(rest.post(f"/v1/{teacher_name}:setRoles", json={"roles": ["ROLE_TEACHER"]}, headers=admin(mesh)))
    tokens = ok(rest.post("/v1/auth:login", json={"email": teacher_email, "password": PASSWORD}))["tokens"]
    teacher = {"authorization": f"Bearer {tokens['accessToken']}"}
    course = ok(
        rest.post(
            "/v1/courses", json={"title": "Sanskrit for beginners", "description": "x"}, headers=teacher
        )
    )
    chapter = ok(rest.post(f"/v1/{course['name']}/chapters", json={"title": "One"}, headers=teacher))
    lectures = [
        ok(
            rest.post(
                f"/v1/{chapter['name']}/lectures",
                json={"title": f"L{i}", "video": {"asset": "videos/abc", "durationSeconds": 5400}},
                headers=teacher,
            )
        )["name"]
        for i in range(2)
    ]
    ok(rest.post(f"/v1/{course['name']}:publish", json={}, headers=teacher))
    return course, lectures, teacher


def my_certificates(rest: httpx.Client, learner: dict[str, str], want: int) -> list[dict]:
    deadline = time.monotonic() + 40
    while True:
        found = ok(rest.get("/v1/certificates:mine", headers=learner)).get("certificates", [])
        if len(found) >= want or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_completing_a_course_through_rest_issues_one_verifiable_certificate(
    devmesh: RunningMesh, rest: httpx.Client, tmp_path: Path
) -> None:
    course, lectures, teacher = published_course(devmesh, rest)
    _, email, learner = register(rest, LEARNER_NAME)
    ok(rest.post(f"/v1/{course['name']}:enroll", json={}, headers=learner))
    for name in lectures + lectures:  # completions repeated: still one certificate
        ok(rest.post(f"/v1/{name}:complete", json={}, headers=learner))

    (certificate,) = my_certificates(rest, learner, 1)
    assert (certificate["learnerName"], certificate["courseTitle"], certificate["hours"]) == (
        LEARNER_NAME,
        "Sanskrit for beginners",
        3,
    )
    assert certificate["state"] == "CERTIFICATE_STATE_VALID"

    pdf = rest.get(f"/v1/{certificate['name']}/pdf", headers=learner)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf", pdf.text
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert LEARNER_NAME in unicodedata.normalize("NFKC", text)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "30", "-singlefile", str(path), str(tmp_path / "page")], check=True
    )
    from PIL import Image

    page = Image.open(tmp_path / "page.png").convert("L")
    assert sum(page.histogram()[:100]) > 0  # ink on the page

    public = rest.get(f"/v1/{certificate['name']}:verify")
    assert ok(public)["state"] == "CERTIFICATE_STATE_VALID" and public.json()["learnerName"] == LEARNER_NAME
    assert email not in public.text and "example.com" not in public.text

    upload = ok(
        rest.post(
            "/v1/certificates:verifyPdf", content=pdf.content, headers={"content-type": "application/pdf"}
        )
    )
    assert (upload["valid"], upload["signatureIntact"], upload["issuedHere"]) == (True, True, True)
    tampered = bytearray(pdf.content)
    tampered[len(tampered) // 2] ^= 1
    refused = ok(
        rest.post(
            "/v1/certificates:verifyPdf", content=bytes(tampered), headers={"content-type": "application/pdf"}
        )
    )
    assert refused.get("valid", False) is False and refused.get("issuedHere", False) is False

    credential = ok(rest.get(f"/v1/{certificate['name']}/credential", headers=learner))["vcJwt"]
    profile = ok(rest.get("/v1/certificates/issuer"))
    claims = jwt.decode(credential, options={"verify_signature": False})
    assert profile["id"] == claims["issuer"]["id"] and profile["type"] == ["Profile"]
    (key,) = ok(rest.get(profile["publicKeys"].removeprefix(devmesh.rest)))["keys"]
    verifier = OB3Verifier(jwt.PyJWK(key).key)

    def fetch(url: str) -> bytes:  # the verifier's own download, over the gateway
        with httpx.Client(trust_env=False, timeout=10) as client:
            response = client.get(url)
            response.raise_for_status()
            return response.content

    assert verifier.verify(credential, check_status=True, download=fetch).achievement.name == course["title"]
    revoked = ok(
        rest.post(f"/v1/{certificate['name']}:revoke", json={"reason": "issued in error"}, headers=teacher)
    )
    assert revoked["state"] == "CERTIFICATE_STATE_REVOKED"
    with pytest.raises(OB3VerificationError, match="revocation"):
        verifier.verify(credential, check_status=True, download=fetch)
    after = ok(rest.get(f"/v1/{certificate['name']}:verify"))
    assert (after["state"], after["revocationReason"]) == ("CERTIFICATE_STATE_REVOKED", "issued in error")
    unknown = rest.get(f"/v1/certificates/{uuid.uuid4()}:verify")
    assert unknown.status_code == 404 and "example.com" not in unknown.text
    assert len(my_certificates(rest, learner, 2)) == 1
