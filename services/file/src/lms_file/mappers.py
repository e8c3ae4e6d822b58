"""proto <-> domain: the only module (with lms_kit.proto) where both worlds meet."""

from __future__ import annotations

from google.protobuf.message import Message

from lms.file.v1 import events_pb2, file_pb2
from lms_file.domain.events import FileFailed, FileReady, FileUploaded, VideoReady
from lms_file.domain.model import FileState, StoredFile
from lms_file.domain.purposes import Purpose
from lms_file.handlers.results import DownloadLink, UploadTicket
from lms_kit.proto import ResourceName, set_times, timestamp

FILE = ResourceName("files/{file}")
USER = ResourceName("users/{user}")


def purpose_from_proto(value: int) -> Purpose | None:
    if value == file_pb2.PURPOSE_UNSPECIFIED:
        return None
    return Purpose[file_pb2.Purpose.Name(value).removeprefix("PURPOSE_")]


def purpose_to_proto(purpose: Purpose) -> file_pb2.Purpose.ValueType:
    return file_pb2.Purpose.Value(f"PURPOSE_{purpose.name}")


def _state(state: FileState) -> file_pb2.FileState.ValueType:
    return file_pb2.FileState.Value(f"FILE_STATE_{state.name}")


def file_to_proto(file: StoredFile) -> file_pb2.File:
    message = file_pb2.File(
        name=FILE.format(file=file.id),
        owner=USER.format(user=file.owner_id),
        purpose=purpose_to_proto(file.purpose),
        state=_state(file.state),
        content_type=file.content_type,
        size_bytes=file.size_bytes,
        sha256=file.sha256,
        original_name=file.original_name,
        public=file.public,
        variants=[
            file_pb2.Variant(
                name=v.name,
                content_type=v.content_type,
                width=v.width,
                height=v.height,
                size_bytes=v.size_bytes,
            )
            for v in file.variants
        ],
        references=file.references,
        failure_reason=file.failure_reason,
        duration_seconds=file.duration_seconds,
        mux_playback_id=file.mux_playback_id,
    )
    expire = file.purge_at if file.state is FileState.DELETED else file.upload_expires_at
    set_times(
        message,
        create_time=file.created_at,
        confirm_time=file.confirmed_at,
        expire_time=expire,
        delete_time=file.deleted_at,
    )
    return message


def upload_to_proto(ticket: UploadTicket) -> file_pb2.Upload:
    message = file_pb2.Upload(
        file=file_to_proto(ticket.file), url_expire_time=timestamp(ticket.url_expires_at)
    )
    if ticket.multipart:
        message.method = file_pb2.UPLOAD_METHOD_MULTIPART
        message.part_size_bytes = ticket.file.part_size_bytes
        message.uploaded_parts.extend(ticket.uploaded_parts)
        message.parts.extend(
            file_pb2.UploadPart(part_number=p.number, url=p.url, size_bytes=p.size_bytes)
            for p in ticket.parts
        )
    else:
        message.method = file_pb2.UPLOAD_METHOD_PUT
        message.url = ticket.url
        message.headers.update(ticket.headers)
    return message


def download_to_proto(link: DownloadLink) -> file_pb2.DownloadUrl:
    return file_pb2.DownloadUrl(
        url=link.url,
        expire_time=timestamp(link.expires_at),
        content_type=link.content_type,
        size_bytes=link.size_bytes,
        playback_url=link.playback_url,
    )


def event_to_proto(event: object) -> Message:
    match event:
        case FileUploaded():
            return events_pb2.FileUploaded(
                file_id=event.file_id,
                owner_id=event.owner_id,
                purpose=f"PURPOSE_{event.purpose.name}",
                content_type=event.content_type,
                size_bytes=event.size_bytes,
                confirm_time=timestamp(event.confirmed_at),
            )
        case FileReady():
            return events_pb2.FileReady(
                file_id=event.file_id,
                owner_id=event.owner_id,
                purpose=f"PURPOSE_{event.purpose.name}",
                variants=event.variants,
                ready_time=timestamp(event.ready_at),
            )
        case FileFailed():
            return events_pb2.FileFailed(
                file_id=event.file_id,
                owner_id=event.owner_id,
                reason=event.reason,
                fail_time=timestamp(event.failed_at),
            )
        case VideoReady():
            return events_pb2.VideoReady(
                file_id=event.file_id,
                owner_id=event.owner_id,
                duration_seconds=event.duration_seconds,
                references=event.references,
                ready_time=timestamp(event.ready_at),
            )
    raise TypeError(f"no proto for domain event {type(event).__name__}")
