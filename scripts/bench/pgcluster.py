"""A throwaway PostgreSQL cluster for benchmarks: initdb + pg_ctl as user postgres,
a free loopback port, durability off. The machine's own databases are never touched."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def throwaway_postgres(directory: Path) -> Iterator[int]:
    """Yield the port of a new cluster in `directory`; stopped on exit."""
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    data = directory / "pg"
    data.mkdir()
    shutil.chown(directory, "postgres")
    shutil.chown(data, "postgres")
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(
        [*as_pg, str(bindir / "initdb"), "-A", "trust", "-U", "postgres", "-D", str(data)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = free_port()
    options = (
        f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
        " -c full_page_writes=off -c shared_buffers=256MB -c max_connections=200"
    )
    start = [
        *as_pg,
        str(bindir / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-w",
        "-l",
        str(data / "log"),
        "start",
    ]
    subprocess.run(start, check=True, stdout=subprocess.DEVNULL)
    try:
        yield port
    finally:
        stop = [*as_pg, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]
        subprocess.run(stop, check=False, stdout=subprocess.DEVNULL)
