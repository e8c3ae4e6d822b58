"""Test files made on the spot: photos (with an EXIF orientation), a bomb, a disguised
script, and helpers that upload them over HTTP the way a client does."""

from __future__ import annotations

import hashlib
import io
import uuid

import httpx
from PIL import Image

from lms.file.v1 import file_pb2 as pb


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def photo(width: int = 1600, height: int = 900, *, orientation: int = 0, fmt: str = "JPEG") -> bytes:
    """A photo whose left half is red and right half blue; with `orientation` 6 the camera
    stored it sideways (viewers rotate it 90 degrees clockwise)."""
    image = Image.new("RGB", (width, height), (220, 20, 20))
    image.paste((20, 20, 220), (width // 2, 0, width, height))
    out = io.BytesIO()
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        exif[0x010F] = "TestCam"  # Make: must not survive
        image.save(out, fmt, exif=exif.tobytes())
    else:
        image.save(out, fmt)
    return out.getvalue()


def bomb_png() -> bytes:
    """A small PNG that decodes to 20000 x 20000 pixels (400 MP)."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG", optimize=True)
    return out.getvalue()


PHP_AS_JPEG = b"<?php system($_GET['c']); ?>\n" + b"A" * 200


async def put(url: str, data: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    async with httpx.AsyncClient(trust_env=False, timeout=30.0) as client:
        return await client.put(url, content=data, headers=headers or {})


async def get(url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    async with httpx.AsyncClient(trust_env=False, timeout=30.0) as client:
        return await client.get(url, headers=headers or {})


def create_request(
    data: bytes, purpose: int, content_type: str, name: str = "photo.jpg", **overrides
) -> pb.CreateUploadRequest:
    fields = {
        "purpose": purpose,
        "content_type": content_type,
        "size_bytes": len(data),
        "sha256": sha256(data),
        "original_name": name,
        "request_id": str(uuid.uuid4()),
        **overrides,
    }
    return pb.CreateUploadRequest(**fields)


async def uploaded(
    stub, caller, data: bytes, purpose: int, content_type: str, name: str = "photo.jpg", **fields
):
    """CreateUpload, then the PUT (or every part) as a client sends it; returns the Upload."""
    upload = await stub.CreateUpload(
        create_request(data, purpose, content_type, name, **fields), metadata=caller
    )
    if upload.method == pb.UPLOAD_METHOD_PUT:
        answer = await put(upload.url, data, dict(upload.headers))
        assert answer.status_code == 200, answer.text
    else:
        for part in upload.parts:
            start = (part.part_number - 1) * upload.part_size_bytes
            answer = await put(part.url, data[start : start + part.size_bytes])
            assert answer.status_code == 200, answer.text
    return upload


async def confirmed(stub, owner, data: bytes, purpose: int, content_type: str, name: str = "photo.jpg"):
    upload = await uploaded(stub, owner, data, purpose, content_type, name)
    return await stub.ConfirmUpload(pb.ConfirmUploadRequest(name=upload.file.name), metadata=owner)


def tiny_mp4(path, *, seconds: int = 2, size: str = "320x240") -> bytes:
    """A real H.264 MP4 (ffmpeg's test pattern with a tone)."""
    import subprocess

    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size={size}:rate=15",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
            str(path),
        ],
        check=True,
    )  # fmt: skip
    return path.read_bytes()
