"""The bucket through boto3, for any S3 endpoint (AWS S3, MinIO, SeaweedFS).

boto3 blocks, so every call that goes to the server runs in a worker thread; presigning
is local. Presigned URLs are signed for the endpoint clients reach (`public_endpoint`),
which may differ from the one the service uses."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from lms_file.adapters.sigv4 import GetSigner
from lms_file.domain.errors import StorageUnavailable
from lms_file.handlers.ports import StoredObject, UploadedPart
from lms_kit.domain import Clock, utc_now

log = logging.getLogger("lms_file")
T = TypeVar("T")

CHUNK = 1024 * 1024
MISSING = {"404", "NoSuchKey", "NotFound", "NoSuchUpload"}


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{urllib.parse.quote(filename, safe='')}"


def _missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code", "")) in MISSING


class S3ObjectStore:
    def __init__(
        self,
        *,
        endpoint: str,
        bucket: str,
        access_key_id: str,
        secret_access_key: str,
        region: str = "us-east-1",
        public_endpoint: str = "",
        clock: Clock = utc_now,
    ) -> None:
        self.bucket = bucket
        self._clock = clock
        self._get_signer = GetSigner(
            endpoint=public_endpoint or endpoint,
            bucket=bucket,
            region=region,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
        )
        config = Config(
            signature_version="s3v4", s3={"addressing_style": "path"}, retries={"mode": "standard"}
        )
        session = boto3.session.Session()

        def client(url: str) -> Any:
            return session.client(
                "s3",
                endpoint_url=url,
                region_name=region,
                aws_access_key_id=access_key_id,
                aws_secret_access_key=secret_access_key,
                config=config,
            )

        self._s3 = client(endpoint)
        self._signer = client(public_endpoint or endpoint)

    async def _call(self, what: str, call: Callable[[], T]) -> T:
        try:
            return await asyncio.to_thread(call)
        except ClientError as error:
            status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
            if status >= 500:
                log.warning("s3_unavailable call=%s status=%d", what, status)
                raise StorageUnavailable("the object store") from error
            raise
        except BotoCoreError as error:  # connection refused, timeouts
            log.warning("s3_unavailable call=%s error=%s", what, type(error).__name__)
            raise StorageUnavailable("the object store") from error

    async def ensure_bucket(self) -> None:
        def create() -> None:
            try:
                self._s3.head_bucket(Bucket=self.bucket)
            except ClientError as error:
                if not _missing(error):
                    raise
                self._s3.create_bucket(Bucket=self.bucket)

        await self._call("ensure_bucket", create)

    def presign_put(
        self, key: str, content_type: str, sha256: str, expires_s: int
    ) -> tuple[str, dict[str, str]]:
        checksum = base64.b64encode(bytes.fromhex(sha256)).decode()
        url = self._signer.generate_presigned_url(
            "put_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ContentType": content_type,
                "ChecksumSHA256": checksum,
            },
            ExpiresIn=expires_s,
        )
        return url, {"Content-Type": content_type, "x-amz-checksum-sha256": checksum}

    def presign_part(self, key: str, upload_id: str, part_number: int, expires_s: int) -> str:
        return str(
            self._signer.generate_presigned_url(
                "upload_part",
                Params={"Bucket": self.bucket, "Key": key, "UploadId": upload_id, "PartNumber": part_number},
                ExpiresIn=expires_s,
            )
        )

    def presign_get(self, key: str, expires_s: int, *, filename: str, content_type: str) -> str:
        response = {"content-disposition": content_disposition(filename), "content-type": content_type}
        return self._get_signer.url(key, expires_s, self._clock(), response)

    async def start_multipart(self, key: str, content_type: str) -> str:
        reply = await self._call(
            "create_multipart_upload",
            lambda: self._s3.create_multipart_upload(Bucket=self.bucket, Key=key, ContentType=content_type),
        )
        return str(reply["UploadId"])

    async def list_parts(self, key: str, upload_id: str) -> list[UploadedPart] | None:
        def listed() -> list[UploadedPart] | None:
            parts: list[UploadedPart] = []
            marker = 0
            while True:
                try:
                    reply = self._s3.list_parts(
                        Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumberMarker=marker
                    )
                except ClientError as error:
                    if _missing(error):
                        return None
                    raise
                parts += [UploadedPart(p["PartNumber"], p["ETag"], p["Size"]) for p in reply.get("Parts", [])]
                if not reply.get("IsTruncated"):
                    return sorted(parts, key=lambda p: p.number)
                marker = reply["NextPartNumberMarker"]

        return await self._call("list_parts", listed)

    async def complete_multipart(self, key: str, upload_id: str, parts: Sequence[UploadedPart]) -> None:
        await self._call(
            "complete_multipart_upload",
            lambda: self._s3.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": [{"PartNumber": p.number, "ETag": p.etag} for p in parts]},
            ),
        )

    async def abort_multipart(self, key: str, upload_id: str) -> None:
        def abort() -> None:
            try:
                self._s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            except ClientError as error:
                if not _missing(error):
                    raise

        await self._call("abort_multipart_upload", abort)

    async def size_of(self, key: str) -> int | None:
        def head() -> int | None:
            try:
                return int(self._s3.head_object(Bucket=self.bucket, Key=key)["ContentLength"])
            except ClientError as error:
                if _missing(error):
                    return None
                raise

        return await self._call("head_object", head)

    async def stored_sha256(self, key: str) -> str | None:
        def head() -> str | None:
            reply = self._s3.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
            checksum = reply.get("ChecksumSHA256") or ""
            if not checksum or "-" in checksum:  # none, or a multipart upload's checksum of checksums
                return None
            return base64.b64decode(checksum).hex()

        return await self._call("head_object", head)

    async def read_head(self, key: str, length: int) -> bytes:
        def read() -> bytes:
            reply = self._s3.get_object(Bucket=self.bucket, Key=key, Range=f"bytes=0-{length - 1}")
            return bytes(reply["Body"].read())

        return await self._call("get_object", read)

    async def sha256_of(self, key: str) -> str:
        def digest() -> str:
            hasher = hashlib.sha256()
            body = self._s3.get_object(Bucket=self.bucket, Key=key)["Body"]
            for chunk in body.iter_chunks(CHUNK):
                hasher.update(chunk)
            return hasher.hexdigest()

        return await self._call("get_object", digest)

    async def download(self, key: str, into: Path) -> None:
        await self._call("download_file", lambda: self._s3.download_file(self.bucket, key, str(into)))

    async def upload_file(self, key: str, source: Path, content_type: str) -> None:
        await self._call(
            "upload_file",
            lambda: self._s3.upload_file(
                str(source), self.bucket, key, ExtraArgs={"ContentType": content_type}
            ),
        )

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await self._call(
            "put_object",
            lambda: self._s3.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type),
        )

    async def read(self, key: str) -> bytes:
        return await self._call(
            "get_object", lambda: bytes(self._s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())
        )

    async def list_objects(self, prefix: str) -> list[StoredObject]:
        def listed() -> list[StoredObject]:
            found = []
            for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
                found += [
                    StoredObject(o["Key"], o["Size"], o["LastModified"]) for o in page.get("Contents", [])
                ]
            return found

        return await self._call("list_objects_v2", listed)

    async def delete_prefix(self, prefix: str) -> None:
        keys = [o.key for o in await self.list_objects(prefix)]
        for start in range(0, len(keys), 1000):
            batch = keys[start : start + 1000]
            await self._call(
                "delete_objects",
                lambda batch=batch: self._s3.delete_objects(  # type: ignore[misc]
                    Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True}
                ),
            )
