"""Lecture videos: local ffmpeg HLS that ffprobe plays through the served playlists, a
job that resumes after its worker died, and the Mux path (the official SDK against the
stand-in) with signed webhooks and a replay that changes nothing."""

from __future__ import annotations

import base64
import json
import subprocess
import uuid
from datetime import timedelta
from pathlib import Path

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from lms.file.v1 import events_pb2, file_pb2_grpc
from lms.file.v1 import file_pb2 as pb
from lms_devkit.course import outbox_events
from lms_devkit.standins.mux import MuxStandIn, mux_signature
from lms_file.adapters.unit_of_work import SqlFileUnitOfWork
from lms_file.server import SERVICE
from lms_kit.clients import SigningTokenSource
from lms_kit.domain import utc_now
from lms_kit.testing.harness import error_reason
from lms_kit.testing.plugin import served

from ..conftest import s3_settings
from ..media import confirmed, tiny_mp4


async def fails(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> bytes:
    return tiny_mp4(tmp_path_factory.mktemp("clip") / "clip.mp4", seconds=3, size="854x480")


def ffprobe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-protocol_whitelist", "file,http,tcp", "-print_format", "json",
         "-show_streams", "-show_format", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(out)


async def test_a_local_video_becomes_hls_that_ffprobe_reads_in_every_rendition(
    mesh, clip, database, tmp_path
):
    teacher = mesh.mint.bearer(f"t-{uuid.uuid4()}", roles=["teacher"])
    video = await confirmed(mesh.files, teacher, clip, pb.PURPOSE_LECTURE_VIDEO, "video/mp4", "lesson.mp4")
    assert await mesh.exposed["videos"].run_pending() >= 1
    ready = await mesh.files.GetFile(pb.GetFileRequest(name=video.name), metadata=teacher)
    assert (ready.state, ready.duration_seconds) == (pb.FILE_STATE_READY, 3)
    assert {v.name for v in ready.variants} == {"poster.jpg", "240p.m3u8", "480p.m3u8"}  # no 720p from 480p

    master = await mesh.files.GetVideoPlaylist(pb.GetVideoPlaylistRequest(name=video.name), metadata=teacher)
    assert master.content_type == "application/vnd.apple.mpegurl"
    file_id = video.name.split("/")[1]
    assert f"/v1/files/{file_id}:playlist?rendition=480p" in master.data.decode()
    for rendition, height in (("240p", 240), ("480p", 480)):
        playlist = await mesh.files.GetVideoPlaylist(
            pb.GetVideoPlaylistRequest(name=video.name, rendition=rendition), metadata=teacher
        )
        path = tmp_path / f"{rendition}.m3u8"
        path.write_bytes(playlist.data)  # segments are presigned SeaweedFS URLs
        probed = ffprobe(path)
        streams = {s["codec_type"]: s for s in probed["streams"]}
        assert streams["video"]["height"] == height and "audio" in streams
        assert 2.5 < float(probed["format"]["duration"]) < 3.5
    poster = await mesh.files.GetDownloadUrl(
        pb.GetDownloadUrlRequest(name=video.name, variant="poster.jpg"), metadata=teacher
    )
    assert poster.content_type == "image/jpeg"
    events = await outbox_events(database, events_pb2.VideoReady, file_id=file_id)
    assert [e.duration_seconds for e in events] == [3]


async def test_a_video_job_whose_worker_died_is_resumed_after_its_lease(mesh, clip, database):
    teacher = mesh.mint.bearer(f"t-{uuid.uuid4()}", roles=["teacher"])
    video = await confirmed(mesh.files, teacher, clip, pb.PURPOSE_LECTURE_VIDEO, "video/mp4", "crash.mp4")
    file_id = video.name.split("/")[1]
    now = utc_now()
    async with SqlFileUnitOfWork(database) as uow:  # a worker claims the job, then is killed
        claimed = await uow.video_jobs.claim(now, now + timedelta(minutes=30))
        assert claimed is not None and claimed.file_id == file_id
        await uow.commit()
    videos = mesh.exposed["videos"]
    assert await videos.run_pending() == 0  # the lease still holds: nobody else takes it
    later = type(videos)(
        lambda: SqlFileUnitOfWork(database),
        mesh.exposed["store"],
        videos._transcoder,
        videos._access,
        videos._policy,
        clock=lambda: utc_now() + timedelta(minutes=31),
    )
    assert await later.run_next() == file_id
    ready = await mesh.files.GetFile(pb.GetFileRequest(name=video.name), metadata=teacher)
    assert ready.state == pb.FILE_STATE_READY
    async with SqlFileUnitOfWork(database) as uow:
        job = await uow.video_jobs.get(file_id)
    assert job is not None and job.attempts == 2


@pytest.fixture(scope="module")
def mux():
    standin = MuxStandIn().start()
    yield standin
    standin.stop()


async def test_with_mux_keys_the_sdk_creates_the_asset_and_a_signed_webhook_makes_it_ready_once(
    mesh, mux, clip, seaweed, pg_url, database
):
    signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signing_pem = signing_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    settings = {
        **s3_settings(seaweed),
        "course_service_target": "127.0.0.1:9",
        "mux_token_id": mux.token_id,
        "mux_token_secret": mux.token_secret,
        "mux_webhook_secrets": f"old-secret,{mux.webhook_secret}",
        "mux_api_base": mux.api_base,
        "mux_signing_key_id": "signing-key-1",
        "mux_signing_private_key": base64.b64encode(signing_pem).decode(),  # as Mux hands it out
        "sweep_interval_s": 3600.0,
    }
    tokens = SigningTokenSource(mesh.mint.signer, "file")
    async with served(SERVICE, mesh.mint, tokens=tokens, database_url=pg_url, **settings) as running:
        await running.exposed["video_worker"].stop()
        files = file_pb2_grpc.FileServiceStub(running.channel)
        teacher = mesh.mint.bearer(f"t-{uuid.uuid4()}", roles=["teacher"])
        video = await confirmed(files, teacher, clip, pb.PURPOSE_LECTURE_VIDEO, "video/mp4", "mux.mp4")
        file_id = video.name.split("/")[1]
        assert await running.exposed["videos"].run_pending() == 1
        (asset,) = [a for a in mux.assets.values() if a["passthrough"] == file_id]
        assert [p["policy"] for p in asset["playback_ids"]] == ["signed"] and mux.refused == []

        body, headers = mux.finish(asset["id"])  # Mux fetches the presigned original
        forged = await fails(
            files.HandleMuxWebhook(
                pb.HandleMuxWebhookRequest(body={"data": body}),
                metadata=(("mux-signature", mux_signature(body, "wrong-secret")),),
            )
        )
        assert error_reason(forged) == "WEBHOOK_SIGNATURE_INVALID"
        stale = mux_signature(body, mux.webhook_secret, int(utc_now().timestamp()) - 3600)
        old = await fails(
            files.HandleMuxWebhook(
                pb.HandleMuxWebhookRequest(body={"data": body}), metadata=(("mux-signature", stale),)
            )
        )
        assert error_reason(old) == "WEBHOOK_SIGNATURE_INVALID"
        still = await files.GetFile(pb.GetFileRequest(name=video.name), metadata=teacher)
        assert still.state == pb.FILE_STATE_PROCESSING

        delivery = pb.HandleMuxWebhookRequest(body={"content_type": "application/json", "data": body})
        signed = (("mux-signature", headers["Mux-Signature"]),)
        assert (await files.HandleMuxWebhook(delivery, metadata=signed)).handled
        assert not (await files.HandleMuxWebhook(delivery, metadata=signed)).handled  # the replay
        ready = await files.GetFile(pb.GetFileRequest(name=video.name), metadata=teacher)
        assert (ready.state, ready.duration_seconds) == (pb.FILE_STATE_READY, 3)
        assert ready.mux_playback_id == asset["playback_ids"][0]["id"]
        assert len(await outbox_events(database, events_pb2.VideoReady, file_id=file_id)) == 1

        link = await files.GetDownloadUrl(pb.GetDownloadUrlRequest(name=video.name), metadata=teacher)
        stream, _, token = link.playback_url.partition("?token=")
        assert stream == f"https://stream.mux.com/{ready.mux_playback_id}.m3u8"
        claims = jwt.decode(token, signing_key.public_key(), algorithms=["RS256"], audience="v")
        assert jwt.get_unverified_header(token)["kid"] == "signing-key-1"
        assert (claims["sub"], claims["exp"]) == (ready.mux_playback_id, link.expire_time.seconds)
