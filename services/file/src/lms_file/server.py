"""Wiring: settings -> adapters -> handlers -> servicer; the kit does the rest.

python -m lms_file.server            # apply migrations, then serve on LMS_GRPC_PORT
python -m lms_file.server migrate    # only apply migrations
"""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from lms.course.v1 import course_pb2
from lms.course.v1 import events_pb2 as course_events
from lms_file.adapters.course import CourseViewers
from lms_file.adapters.ffmpeg import FfmpegTranscoder
from lms_file.adapters.images import PillowVariants
from lms_file.adapters.mux import MuxAssets, MuxPlaybackSigner
from lms_file.adapters.periodic import Periodic
from lms_file.adapters.s3 import S3ObjectStore
from lms_file.adapters.unit_of_work import SqlFileUnitOfWork
from lms_file.handlers import (
    ConfirmHandlers,
    FileAccess,
    FileHandlers,
    FilePolicy,
    MuxWebhookHandlers,
    ReferenceHandlers,
    SweepHandlers,
    UploadHandlers,
    VideoHandlers,
)
from lms_file.handlers.ports import FileUnitOfWork
from lms_file.migrations import MIGRATIONS_DIR
from lms_file.servicer import FileServicer
from lms_file.settings import FileSettings
from lms_kit.events import EventContext
from lms_kit.service import Runtime, ServiceDefinition, serve_service

COURSE_SERVICE = course_pb2.DESCRIPTOR.services_by_name["CourseService"]


def policy_of(settings: FileSettings) -> FilePolicy:
    return FilePolicy(
        upload_ttl=timedelta(seconds=settings.upload_ttl_s),
        url_ttl_s=settings.upload_url_ttl_s,
        download_ttl_s=settings.download_url_ttl_s,
        multipart_threshold_bytes=settings.multipart_threshold_bytes,
        part_size_bytes=settings.multipart_part_bytes,
        retention=timedelta(seconds=settings.retention_s),
        orphan_grace=timedelta(seconds=settings.orphan_grace_s),
    )


def object_store(settings: FileSettings) -> S3ObjectStore:
    if not settings.s3_endpoint_url:
        raise RuntimeError("LMS_S3_ENDPOINT_URL is not set: the file service needs an S3 endpoint")
    return S3ObjectStore(
        endpoint=settings.s3_endpoint_url,
        public_endpoint=settings.s3_public_endpoint_url,
        bucket=settings.s3_bucket,
        region=settings.s3_region,
        access_key_id=settings.s3_access_key_id,
        secret_access_key=settings.s3_secret_access_key.get_secret_value(),
    )


def mux_of(settings: FileSettings) -> MuxAssets | None:
    if not settings.mux_token_id:
        return None
    return MuxAssets(
        token_id=settings.mux_token_id,
        token_secret=settings.mux_token_secret.get_secret_value(),
        api_base=settings.mux_api_base,
    )


def playback_of(settings: FileSettings) -> MuxPlaybackSigner | None:
    if not settings.mux_signing_key_id:
        return None
    return MuxPlaybackSigner(
        key_id=settings.mux_signing_key_id, private_key=settings.mux_signing_private_key.get_secret_value()
    )


async def wire(runtime: Runtime[FileSettings]) -> list[object]:
    settings = runtime.settings
    store = object_store(settings)
    await store.ensure_bucket()
    uow = runtime.unit_of_work(SqlFileUnitOfWork)
    policy = policy_of(settings)
    viewers = CourseViewers(runtime.client(settings.course_service_target, COURSE_SERVICE))
    access = FileAccess(uow, viewers)
    videos = VideoHandlers(uow, store, FfmpegTranscoder(), access, policy, mux=mux_of(settings))
    video_worker = Periodic("file-videos", videos.run_pending, settings.video_poll_interval_s)
    uploads = UploadHandlers(uow, store, access, policy)
    images = PillowVariants(max_pixels=settings.image_max_pixels)
    confirms = ConfirmHandlers(uow, store, images, access, wake_videos=video_worker.wake)
    files = FileHandlers(uow, store, access, policy, playback=playback_of(settings))
    secrets = [s.strip() for s in settings.mux_webhook_secrets.split(",") if s.strip()]
    mux_webhooks = MuxWebhookHandlers(uow, store, secrets)
    sweeps = SweepHandlers(uow, store, policy)
    sweeper = Periodic("file-sweep", sweeps.sweep, settings.sweep_interval_s)
    references = ReferenceHandlers()

    # A lecture's file asset is referenced from the course's own transaction (its outbox
    # event), and the reference changes here with this consumer's inbox row.
    async def on_lecture_asset_changed(event: course_events.LectureAssetChanged, ctx: EventContext) -> None:
        await references.asset_changed(
            cast(FileUnitOfWork, ctx.uow),
            referrer=event.lecture,
            old_asset=event.old_asset,
            new_asset=event.new_asset,
        )

    runtime.consume(
        settings.lecture_references_durable,
        {course_events.LectureAssetChanged: on_lecture_asset_changed},
        unit_of_work=uow,
    )
    for job in (sweeper, video_worker):
        runtime.on_start(job.start)
        runtime.on_stop(job.stop)
    runtime.expose(
        uploads=uploads,
        confirms=confirms,
        files=files,
        videos=videos,
        sweeps=sweeps,
        store=store,
        video_worker=video_worker,
    )
    return [FileServicer(uploads, confirms, files, videos, mux_webhooks, page_max=settings.file_page_max)]


SERVICE = ServiceDefinition(name="file", settings=FileSettings, migrations=MIGRATIONS_DIR, wire=wire)


def main() -> None:
    serve_service(SERVICE)


if __name__ == "__main__":
    main()
