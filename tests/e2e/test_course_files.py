"""Course and file services joined through their events, over REST through the real Envoy:
a teacher uploads a video with the presigned flow and sets it as a lecture's video. The
course service records the change in its outbox (LectureAssetChanged) and the file
service references the video from it, so deleting the file is refused; once ffmpeg has
transcoded it, the file service's VideoReady gives the lecture its real duration, and the
course's totals show it. Pointing the lecture elsewhere drops the reference."""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from lms_kit.auth.tokens import TokenSigner

if TYPE_CHECKING:
    from conftest import RunningMesh

pytestmark = pytest.mark.e2e

VIDEO_SECONDS = 3
WAIT_S = 60.0


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


def eventually(read: Callable[[], dict], done: Callable[[dict], bool]) -> dict:
    """`read()` once `done` holds for it (events cross the mesh asynchronously); the last
    answer if it never does, for the caller's assertion to show."""
    deadline = time.monotonic() + WAIT_S
    answer = read()
    while not done(answer) and time.monotonic() < deadline:
        time.sleep(0.2)
        answer = read()
    return answer


def video_of(seconds: int, path: Path) -> bytes:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size=160x120:rate=10",
         "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip
    return path.read_bytes()


def uploaded_video(rest: httpx.Client, who: dict, data: bytes) -> dict:
    """createUpload, the presigned PUT straight to S3, confirmUpload."""
    started = ok(
        rest.post(
            "/v1/files:createUpload",
            json={
                "purpose": "PURPOSE_LECTURE_VIDEO",
                "contentType": "video/mp4",
                "sizeBytes": str(len(data)),
                "sha256": hashlib.sha256(data).hexdigest(),
                "originalName": "lesson.mp4",
                "requestId": str(uuid.uuid4()),
            },
            headers=who,
        )
    )
    with httpx.Client(timeout=30.0, trust_env=False) as s3:
        put = s3.put(started["url"], content=data, headers=started["headers"])
    assert put.status_code == 200, put.text
    return ok(rest.post(f"/v1/{started['file']['name']}:confirmUpload", json={}, headers=who))


def test_a_lecture_video_is_referenced_and_gives_the_lecture_its_real_duration(
    devmesh: RunningMesh, rest: httpx.Client, tmp_path: Path
) -> None:
    teacher = bearer(devmesh, f"teacher-{uuid.uuid4()}", "teacher")
    video = uploaded_video(rest, teacher, video_of(VIDEO_SECONDS, tmp_path / "lesson.mp4"))
    course = ok(rest.post("/v1/courses", json={"title": "Filmed course"}, headers=teacher))
    chapter = ok(rest.post(f"/v1/{course['name']}/chapters", json={"title": "One"}, headers=teacher))
    lecture = ok(
        rest.post(
            f"/v1/{chapter['name']}/lectures",
            json={"title": "Lesson", "video": {"asset": video["name"]}},
            headers=teacher,
        )
    )

    def file() -> dict:
        return ok(rest.get(f"/v1/{video['name']}", headers=teacher))

    referenced = eventually(file, lambda f: lecture["name"] in f.get("references", []))
    assert referenced["references"] == [lecture["name"]]
    kept = rest.delete(f"/v1/{video['name']}", headers=teacher)
    assert kept.status_code == 400 and kept.json()["details"][0]["reason"] == "FILE_REFERENCED"

    def outline() -> dict:
        return ok(rest.get(f"/v1/{course['name']}", headers=teacher))

    timed = eventually(outline, lambda c: c.get("totalDurationSeconds") == str(VIDEO_SECONDS))
    assert file()["durationSeconds"] == str(VIDEO_SECONDS)  # what ffmpeg measured
    assert (timed["lectureCount"], timed.get("totalDurationSeconds")) == (1, str(VIDEO_SECONDS))
    shown = ok(rest.get(f"/v1/{lecture['name']}", headers=teacher))
    assert shown["video"] == {"asset": video["name"], "durationSeconds": str(VIDEO_SECONDS)}

    ok(
        rest.patch(
            f"/v1/{lecture['name']}",
            params={"updateMask": "content"},
            json={"video": {"asset": "videos/external-1"}},
            headers=teacher,
        )
    )
    released = eventually(file, lambda f: not f.get("references"))
    assert released.get("references", []) == []
    assert rest.delete(f"/v1/{video['name']}", headers=teacher).status_code == 200
