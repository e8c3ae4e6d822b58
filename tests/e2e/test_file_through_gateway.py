"""The file service through the real Envoy, with the SeaweedFS the dev runner starts for
it: a teacher uploads a course thumbnail with a presigned PUT, confirms it, gets its
variants and a signed download; SeaweedFS itself refuses a tampered URL; a lecture's
video is not handed to a learner who is not enrolled in the paid course."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from PIL import Image

from lms_kit.auth.tokens import TokenSigner

if TYPE_CHECKING:
    from conftest import RunningMesh

pytestmark = pytest.mark.e2e


def bearer(mesh: RunningMesh, subject: str, *roles: str) -> dict[str, str]:
    """A token signed with the dev issuer key (as docs/devmesh.md shows)."""
    keys = mesh.data_dir / "keys"
    kid = json.loads((keys / "jwks.json").read_text())["keys"][0]["kid"]
    signer = TokenSigner.from_pem_file(
        str(keys / "dev-issuer.pem"), kid=kid, issuer="lms.user", audience="lms"
    )
    return {"authorization": f"Bearer {signer.sign(subject, roles=list(roles))}"}


def ok(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def mp4(path: Path) -> bytes:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=1:size=160x120:rate=10",
         "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip
    return path.read_bytes()


def upload(
    rest: httpx.Client, s3: httpx.Client, who: dict, data: bytes, purpose: str, content_type: str, name: str
):
    """createUpload, the PUT straight to S3, confirmUpload: the file as confirmed."""
    started = ok(
        rest.post(
            "/v1/files:createUpload",
            json={
                "purpose": purpose,
                "contentType": content_type,
                "sizeBytes": str(len(data)),
                "sha256": hashlib.sha256(data).hexdigest(),
                "originalName": name,
                "requestId": str(uuid.uuid4()),
            },
            headers=who,
        )
    )
    assert started["method"] == "UPLOAD_METHOD_PUT"
    put = s3.put(started["url"], content=data, headers=started["headers"])
    assert put.status_code == 200, put.text
    return ok(rest.post(f"/v1/{started['file']['name']}:confirmUpload", json={}, headers=who))


def test_upload_confirm_variants_and_signed_download_through_rest(
    devmesh: RunningMesh, rest: httpx.Client, tmp_path: Path
) -> None:
    teacher = bearer(devmesh, f"teacher-{uuid.uuid4()}", "teacher")
    with httpx.Client(timeout=30.0, trust_env=False) as s3:
        cover = jpeg(1400, 700)
        file = upload(rest, s3, teacher, cover, "PURPOSE_COURSE_THUMBNAIL", "image/jpeg", "cover.jpg")
        assert file["state"] == "FILE_STATE_READY"
        variants = {v["name"]: v for v in file["variants"]}
        assert {"w160.webp", "w320.jpg", "w640.webp", "w1280.jpg"} <= set(variants)

        link = ok(rest.get(f"/v1/{file['name']}:downloadUrl", params={"variant": "w320.webp"}))  # public
        image = s3.get(link["url"])
        assert image.status_code == 200 and Image.open(io.BytesIO(image.content)).size == (320, 160)
        original = ok(rest.get(f"/v1/{file['name']}:downloadUrl", headers=teacher))
        ranged = s3.get(original["url"], headers={"Range": "bytes=0-99"})
        assert ranged.status_code == 206 and ranged.content == cover[:100]
        assert 'filename="cover.jpg"' in ranged.headers["content-disposition"]
        tampered = original["url"].replace("/original?", "/w160.jpg?")
        assert s3.get(tampered).status_code == 403  # the S3 server checks the signature

        course = ok(
            rest.post(
                "/v1/courses",
                json={"title": "Paid video course", "price": {"currencyCode": "USD", "amountMinor": "4900"}},
                headers=teacher,
            )
        )
        chapter = ok(rest.post(f"/v1/{course['name']}/chapters", json={"title": "One"}, headers=teacher))
        video = upload(
            rest, s3, teacher, mp4(tmp_path / "clip.mp4"), "PURPOSE_LECTURE_VIDEO", "video/mp4", "a.mp4"
        )
        video_id = video["name"].removeprefix("files/")
        lecture = ok(
            rest.post(
                f"/v1/{chapter['name']}/lectures",
                json={"title": "Intro", "video": {"asset": f"files/{video_id}", "durationSeconds": 1}},
                headers=teacher,
            )
        )
        ok(rest.post(f"/v1/{course['name']}:publish", json={}, headers=teacher))
        ok(
            rest.post(
                f"/v1/{video['name']}:addReference", json={"referrer": lecture["name"]}, headers=teacher
            )
        )

        learner = bearer(devmesh, f"learner-{uuid.uuid4()}", "student")
        refused = rest.get(f"/v1/{video['name']}:downloadUrl", headers=learner)
        assert refused.status_code == 403, refused.text
        assert refused.json()["details"][0]["reason"] == "FILE_ACCESS_DENIED"
        kept = rest.delete(f"/v1/{video['name']}", headers=teacher)
        assert kept.status_code == 400 and kept.json()["details"][0]["reason"] == "FILE_REFERENCED"

        assert ready(rest, video["name"], teacher)["durationSeconds"] == "1"  # transcoded in the background
        master = rest.get(f"/v1/{video['name']}:playlist", headers=teacher)
        assert master.status_code == 200 and master.headers["content-type"] == "application/vnd.apple.mpegurl"
        assert f"/v1/files/{video_id}:playlist?rendition=120p" in master.text
        rendition = rest.get(f"/v1/{video['name']}:playlist", params={"rendition": "120p"}, headers=teacher)
        segment = next(line for line in rendition.text.splitlines() if line.startswith("http"))
        assert s3.get(segment).content[:1] == b"G"  # an MPEG-TS packet from SeaweedFS
        assert rest.get(f"/v1/{video['name']}:playlist", headers=learner).status_code == 403


def ready(rest: httpx.Client, name: str, who: dict, timeout_s: float = 60.0) -> dict:
    """The file once the service's video worker has made it READY."""
    deadline = time.monotonic() + timeout_s
    while True:
        file = ok(rest.get(f"/v1/{name}", headers=who))
        if file["state"] != "FILE_STATE_PROCESSING" or time.monotonic() > deadline:
            assert file["state"] == "FILE_STATE_READY", file
            return file
        time.sleep(0.2)
