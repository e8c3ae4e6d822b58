"""lms.file.v1.FileService: one short method per RPC (proto -> handler -> proto).

The kit's pipeline has already authenticated the caller, enforced the RPC's access policy
and checked the contract's field rules before a method runs.
"""

from __future__ import annotations

from google.api import httpbody_pb2

from lms.file.v1 import file_pb2, file_pb2_grpc
from lms_file import mappers
from lms_file.handlers import ConfirmHandlers, FileHandlers, MuxWebhookHandlers, UploadHandlers, VideoHandlers
from lms_kit.caller import actor
from lms_kit.paging import Pager

HLS_TYPE = "application/vnd.apple.mpegurl"


class FileServicer(file_pb2_grpc.FileServiceServicer):
    def __init__(
        self,
        uploads: UploadHandlers,
        confirms: ConfirmHandlers,
        files: FileHandlers,
        videos: VideoHandlers,
        mux_webhooks: MuxWebhookHandlers,
        *,
        page_max: int = 100,
    ) -> None:
        self._uploads = uploads
        self._confirms = confirms
        self._files = files
        self._videos = videos
        self._mux_webhooks = mux_webhooks
        self._page_max = page_max

    async def CreateUpload(self, request, context):
        purpose = mappers.purpose_from_proto(request.purpose)
        assert purpose is not None  # the contract's field rules require it
        ticket = await self._uploads.create(
            actor(),
            purpose,
            request.content_type,
            request.size_bytes,
            request.sha256,
            request.original_name,
            request_id=request.request_id or None,
            owner_id=mappers.USER.ids(request.owner, "owner")[0] if request.owner else None,
        )
        return mappers.upload_to_proto(ticket)

    async def ResumeUpload(self, request, context):
        (file_id,) = mappers.FILE.ids(request.name)
        return mappers.upload_to_proto(await self._uploads.resume(actor(), file_id))

    async def AbortUpload(self, request, context):
        (file_id,) = mappers.FILE.ids(request.name)
        return mappers.file_to_proto(await self._uploads.abort(actor(), file_id))

    async def ConfirmUpload(self, request, context):
        (file_id,) = mappers.FILE.ids(request.name)
        return mappers.file_to_proto(await self._confirms.confirm(actor(), file_id))

    async def GetFile(self, request, context):
        (file_id,) = mappers.FILE.ids(request.name)
        return mappers.file_to_proto(await self._files.get(actor(), file_id))

    async def ListFiles(self, request, context):
        pager = Pager(request, maximum=self._page_max)
        purpose = mappers.purpose_from_proto(request.purpose)
        found = await self._files.list_mine(actor(), purpose, pager.after_time(), pager.size + 1)
        return file_pb2.ListFilesResponse(
            files=[mappers.file_to_proto(f) for f in found[: pager.size]],
            next_page_token=pager.next_token(found, lambda f: (f.created_at.isoformat(), f.id)),
        )

    async def GetDownloadUrl(self, request, context):
        (file_id,) = mappers.FILE.ids(request.name)
        return mappers.download_to_proto(await self._files.download_url(actor(), file_id, request.variant))

    async def GetVideoPlaylist(self, request, context):
        (file_id,) = mappers.FILE.ids(request.name)
        text = await self._videos.playlist(actor(), file_id, request.rendition)
        return httpbody_pb2.HttpBody(content_type=HLS_TYPE, data=text.encode())

    async def HandleMuxWebhook(self, request, context):
        signature = dict(context.invocation_metadata() or ()).get("mux-signature", "")
        handled = await self._mux_webhooks.handle(request.body.data, str(signature))
        return file_pb2.HandleMuxWebhookResponse(handled=handled)

    async def DeleteFile(self, request, context):
        (file_id,) = mappers.FILE.ids(request.name)
        return mappers.file_to_proto(await self._files.delete(actor(), file_id))

    async def AddReference(self, request, context):
        (file_id,) = mappers.FILE.ids(request.name)
        return mappers.file_to_proto(await self._files.add_reference(actor(), file_id, request.referrer))

    async def RemoveReference(self, request, context):
        (file_id,) = mappers.FILE.ids(request.name)
        return mappers.file_to_proto(await self._files.remove_reference(actor(), file_id, request.referrer))
