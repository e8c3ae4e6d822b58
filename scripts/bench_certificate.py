"""Benchmark: certificates issued per second from completion events, against the bare
reportlab + pyHanko calls for the same documents, measured in the same run (issue 16).

    .venv/bin/python scripts/bench_certificate.py              # 2,000 issuances
    .venv/bin/python scripts/bench_certificate.py --count 200  # a short run

What it does:

1. A throwaway database on the machine's PostgreSQL (lms_kit.testing.databases), migrated; a
   nats-server of its own on a free port (JetStream in a temp dir); real gRPC stand-ins for the
   user and course services (display name; title, length, teachers).
2. Baseline: the same N documents (the built-in template, one learner name each) drawn with
   reportlab and signed with pyHanko by the service's own renderer and signer, called directly
   in a loop: no database, no events, no gRPC.
3. The service in-process with the kit's real pipeline and consumer (LMS_WORKERS=1, as one
   process of the mesh): N CourseCompleted events published at once; the clock stops when N
   certificates are committed (each with its inbox and outbox rows).

Target: end to end >= 0.7x the baseline in certificates per second. Exit 0 on PASS, 1 on FAIL.
Not measured here: public verification through Envoy at 64 connections against the echo
(needs the dev mesh and wrk).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import grpc
import nats
import sqlalchemy as sa

from lms.course.v1 import course_pb2, course_pb2_grpc
from lms.course.v1 import events_pb2 as course_events
from lms.user.v1 import user_pb2, user_pb2_grpc
from lms_certificate.adapters.fonts import FontBook
from lms_certificate.adapters.pdf import PdfRenderer
from lms_certificate.adapters.signing import PdfSigner
from lms_certificate.adapters.tables import certificates
from lms_certificate.domain.template import Printed, default_template
from lms_certificate.server import SERVICE
from lms_devkit.dev.certificate import write_dev_keys
from lms_kit.db import Database
from lms_kit.events.envelope import Envelope
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database
from lms_kit.testing.harness import TokenMint
from lms_kit.testing.plugin import served

TARGET = 0.7
COURSE = "bench-course"


class Users(user_pb2_grpc.UserServiceServicer):
    async def GetUserInternal(self, request, context):
        return user_pb2.User(name=request.name, display_name=f"Learner {request.name[-6:]}")


class Courses(course_pb2_grpc.CourseServiceServicer):
    async def GetCourse(self, request, context):
        return course_pb2.Course(
            name=request.name, title="Benchmarking 101", owner="users/t1", total_duration_seconds=9000
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def baseline(count: int, keys: dict[str, str]) -> float:
    renderer = PdfRenderer(FontBook("/usr/share/fonts"))
    signer = PdfSigner(
        keys["LMS_CERTIFICATE_SIGNING_KEY_FILE"], keys["LMS_CERTIFICATE_SIGNING_CERT_FILE"], signer_name="LMS"
    )
    template = default_template(datetime.now(UTC))
    started = time.perf_counter()
    for n in range(count):
        certificate_id = str(uuid.uuid4())
        printed = Printed(
            certificate_id,
            f"Learner {n:06d}",
            "Benchmarking 101",
            datetime.now(UTC),
            2.5,
            "",
            f"http://127.0.0.1:8080/v1/certificates/{certificate_id}:verify",
            "LMS Academy",
        )
        signer.sign(renderer.render(template, printed))
    return count / (time.perf_counter() - started)


def start_nats(work: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    binary = shutil.which("nats-server") or str(Path(sys.executable).parent / "nats-server")
    process = subprocess.Popen(
        [binary, "-js", "-sd", str(work / "nats"), "-a", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)  # it binds
    return process, f"nats://127.0.0.1:{port}"


async def end_to_end(count: int, keys: dict[str, str], work: Path, nats_url: str) -> float:
    stand_ins = grpc.aio.server()
    user_pb2_grpc.add_UserServiceServicer_to_server(Users(), stand_ins)
    course_pb2_grpc.add_CourseServiceServicer_to_server(Courses(), stand_ins)
    target = f"127.0.0.1:{stand_ins.add_insecure_port('127.0.0.1:0')}"
    await stand_ins.start()
    try:
        async with postgres_database("lms_certificate_bench") as url:
            assert SERVICE.migrations is not None
            await upgrade(url, SERVICE.migrations)
            settings = {
                "database_url": url,
                "nats_url": nats_url,
                "user_service_target": target,
                "course_service_target": target,
                "certificate_signing_key_file": keys["LMS_CERTIFICATE_SIGNING_KEY_FILE"],
                "certificate_signing_cert_file": keys["LMS_CERTIFICATE_SIGNING_CERT_FILE"],
                "certificate_badge_key_file": keys["LMS_CERTIFICATE_BADGE_KEY_FILE"],
                "log_level": "WARNING",
            }
            (work / "jwks").mkdir()
            async with served(SERVICE, TokenMint.create(work / "jwks"), **settings):
                client = await nats.connect(nats_url)
                js = client.jetstream()
                database = Database(url)
                started = time.perf_counter()
                for n in range(count):
                    event = course_events.CourseCompleted(course_id=COURSE, user_id=f"u-{n:06d}")
                    event.complete_time.FromDatetime(datetime.now(UTC))
                    envelope = Envelope.new(event)
                    await js.publish(envelope.subject, envelope.payload, headers=envelope.headers)
                while True:
                    async with database.session() as session:
                        done = (
                            await session.execute(sa.select(sa.func.count()).select_from(certificates))
                        ).scalar_one()
                    if done >= count:
                        break
                    await asyncio.sleep(0.05)
                elapsed = time.perf_counter() - started
                await database.dispose()
                await client.close()
                return count / elapsed
    finally:
        await stand_ins.stop(None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-certificate-") as directory:
        work = Path(directory)
        keys = write_dev_keys(work / "keys")
        bare = baseline(args.count, keys)
        nats_server, nats_url = start_nats(work)
        try:
            service = asyncio.run(end_to_end(args.count, keys, work, nats_url))
        finally:
            nats_server.terminate()
            nats_server.wait(timeout=10)
    ratio = service / bare
    print(f"certificates: {args.count}")
    print(f"bare reportlab + pyHanko: {bare:8.1f} certificates/s")
    print(f"service from events:      {service:8.1f} certificates/s  ({ratio:.2f}x, target >= {TARGET}x)")
    passed = ratio >= TARGET
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
