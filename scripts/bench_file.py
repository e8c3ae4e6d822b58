"""Benchmark: the file service against one SeaweedFS, each figure a ratio to a baseline
measured in the same run (issue 13).

    .venv/bin/python scripts/bench_file.py            # 100 x 10 MB uploads, 200 x 12 MP photos, 64 callers
    .venv/bin/python scripts/bench_file.py --quick    # 10 x 10 MB, 8 photos, 2,000 presigns (smoke)

What it does, in one run:

1. Starts a SeaweedFS of its own (lms_devkit.standins.seaweed: 127.0.0.1, free ports) and a
   throwaway database on the machine's PostgreSQL, and serves the file service in-process
   (the kit's real pipeline, tokens from a local JWKS).
2. Uploads: N files of 10 MB with raw boto3 `put_object` (the baseline), then the same
   files as a client does it through the service: CreateUpload (gRPC), the presigned PUT
   (httpx, straight to SeaweedFS), ConfirmUpload (the service re-reads the object for its
   SHA-256 and magic bytes). Target: >= 0.9x the raw throughput.
3. Variants: M 12 MP JPEGs through the service's variant renderer (PillowVariants: header
   check, draft decoding, 4 widths x WebP + JPEG + AVIF when available) against the bare
   Pillow calls for the same outputs, both in this process. Target: >= 0.8x.
4. Presign + authorisation: GetDownloadUrl of a private attachment by its owner from 64
   concurrent callers over gRPC; p50/p99 and calls per second (no baseline: a target of
   p99 < 50 ms).
Exit 0 on PASS, 1 on FAIL.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import boto3
import httpx
from PIL import Image

from lms.file.v1 import file_pb2 as pb
from lms.file.v1 import file_pb2_grpc
from lms_devkit.standins.seaweed import running_seaweed
from lms_file.adapters.images import PillowVariants
from lms_file.server import SERVICE
from lms_kit.clients import SigningTokenSource
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database
from lms_kit.testing.harness import TokenMint
from lms_kit.testing.plugin import served

MB = 1000 * 1000
WIDTHS = (160, 320, 640, 1280)


def photo(seed: int) -> bytes:
    """A 4000 x 3000 photo-like JPEG (noise over a gradient, so encoders have work)."""
    noise = Image.effect_noise((4000, 3000), 30 + seed % 20).convert("RGB")
    gradient = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    out = io.BytesIO()
    Image.blend(noise, gradient, 0.5).save(out, "JPEG", quality=90)
    return out.getvalue()


def bare_variants(source: Path, formats: tuple[str, ...]) -> None:
    """What the renderer makes, with nothing but Pillow calls."""
    with Image.open(source) as opened:
        opened.draft("RGB", (max(WIDTHS), max(WIDTHS)))
        image = opened.convert("RGB")
    for width in WIDTHS:
        resized = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
        for fmt in formats:
            out = io.BytesIO()
            if fmt == "webp":
                resized.save(out, "WEBP", quality=80, method=4)
            elif fmt == "avif":
                resized.save(out, "AVIF", quality=60, speed=8)
            else:
                resized.save(out, "JPEG", quality=82, optimize=True, progressive=True)


async def uploads(stub, owner, s3, bucket: str, files: list[bytes]) -> tuple[float, float]:
    started = time.perf_counter()
    for n, data in enumerate(files):
        await asyncio.to_thread(s3.put_object, Bucket=bucket, Key=f"bench/raw-{n}", Body=data)
    raw = time.perf_counter() - started
    async with httpx.AsyncClient(trust_env=False, timeout=120.0) as client:
        started = time.perf_counter()
        for data in files:
            request = pb.CreateUploadRequest(
                purpose=pb.PURPOSE_ATTACHMENT,
                content_type="application/pdf",
                size_bytes=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                original_name="bench.pdf",
            )
            upload = await stub.CreateUpload(request, metadata=owner)
            answer = await client.put(upload.url, content=data, headers=dict(upload.headers))
            assert answer.status_code == 200, answer.text
            file = await stub.ConfirmUpload(pb.ConfirmUploadRequest(name=upload.file.name), metadata=owner)
            assert file.state == pb.FILE_STATE_READY
        service = time.perf_counter() - started
    total_mb = sum(len(f) for f in files) / MB
    return total_mb / raw, total_mb / service


def variants(count: int, scratch: Path) -> tuple[float, float]:
    renderer = PillowVariants()
    sources = []
    for n in range(count):
        path = scratch / f"photo-{n}.jpg"
        path.write_bytes(photo(n))
        sources.append(path)
    bare = service = 0.0
    for path in sources:  # interleaved, so that load from elsewhere hits both sides alike
        started = time.perf_counter()
        bare_variants(path, renderer.formats)
        bare += time.perf_counter() - started
        started = time.perf_counter()
        renderer.render(path, WIDTHS)
        service += time.perf_counter() - started
    return count / bare, count / service


async def presigns(stub, owner, name: str, calls: int, concurrency: int) -> tuple[float, float, float]:
    latencies: list[float] = []
    remaining = calls

    async def caller() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            await stub.GetDownloadUrl(pb.GetDownloadUrlRequest(name=name), metadata=owner)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    return statistics.median(latencies) * 1000, p99 * 1000, len(latencies) / elapsed


async def main(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-file-") as scratch_dir:
        scratch = Path(scratch_dir)
        (scratch / "jwks").mkdir()
        mint = TokenMint.create(scratch / "jwks")
        with running_seaweed(scratch / "s3") as seaweed:
            async with postgres_database("lms_file_bench") as url:
                assert SERVICE.migrations is not None
                await upgrade(url, SERVICE.migrations)
                settings = {
                    "s3_endpoint_url": seaweed.endpoint,
                    "s3_bucket": "bench",
                    "s3_access_key_id": seaweed.access_key,
                    "s3_secret_access_key": seaweed.secret_key,
                    "multipart_threshold_bytes": 64 * 1024 * 1024,
                }
                tokens = SigningTokenSource(mint.signer, "file")
                async with served(SERVICE, mint, tokens=tokens, database_url=url, **settings) as running:
                    stub = file_pb2_grpc.FileServiceStub(running.channel)
                    owner = mint.bearer(f"bench-{uuid.uuid4()}", roles=["teacher"])
                    s3 = boto3.client(
                        "s3",
                        endpoint_url=seaweed.endpoint,
                        aws_access_key_id=seaweed.access_key,
                        aws_secret_access_key=seaweed.secret_key,
                        region_name="us-east-1",
                    )
                    files = [b"%PDF-1.7\n" + bytes([n % 251]) * (10 * MB - 9) for n in range(args.files)]
                    raw_mbs, service_mbs = await uploads(stub, owner, s3, "bench", files)
                    bare_ps, service_ps = await asyncio.to_thread(variants, args.photos, scratch)
                    first = await stub.ListFiles(pb.ListFilesRequest(page_size=1), metadata=owner)
                    single, _, _ = await presigns(stub, owner, first.files[0].name, 200, 1)
                    p50, p99, rate = await presigns(stub, owner, first.files[0].name, args.presigns, 64)
    upload_ratio, variant_ratio = service_mbs / raw_mbs, service_ps / bare_ps
    print(f"uploads, {args.files} x 10 MB: raw put_object {raw_mbs:.1f} MB/s, presigned + confirm "
          f"{service_mbs:.1f} MB/s -> {upload_ratio:.2f}x (target >= 0.90x)")  # fmt: skip
    print(f"variants, {args.photos} x 12 MP: bare Pillow {bare_ps:.2f}/s, service renderer {service_ps:.2f}/s "
          f"-> {variant_ratio:.2f}x (target >= 0.80x)")  # fmt: skip
    print(
        f"GetDownloadUrl: one caller p50 {single:.2f} ms; 64 callers p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"{rate:.0f} calls/s (target p99 < 50 ms)"
    )
    passed = upload_ratio >= 0.9 and variant_ratio >= 0.8 and p99 < 50
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--files", type=int, default=None)
    parser.add_argument("--photos", type=int, default=None)
    parser.add_argument("--presigns", type=int, default=None)
    parsed = parser.parse_args()
    parsed.files = parsed.files or (10 if parsed.quick else 100)
    parsed.photos = parsed.photos or (8 if parsed.quick else 200)
    parsed.presigns = parsed.presigns or (2000 if parsed.quick else 20000)
    sys.exit(asyncio.run(main(parsed)))
