"""Fixtures for e2e tests: the dev mesh started exactly as developers start it
(scripts/devmesh.py), with the probe service, on free ports, in a temporary
data directory. Every call goes over REST (or gRPC) through the real Envoy."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "scripts" / "devmesh.py"
READY = re.compile(r"^LMS mesh ready: REST (?P<rest>http://127\.0\.0\.1:(?P<port>\d+))$")
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 45.0


def python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningMesh:
    process: subprocess.Popen
    data_dir: Path
    rest: str
    http_port: int
    stderr_path: Path
    stdout_lines: list[str] = field(default_factory=list)

    def state(self) -> dict:
        """What the runner wrote to <data>/mesh.json: pids, ports, logs."""
        return json.loads((self.data_dir / "mesh.json").read_text())

    def diagnostics(self) -> str:
        logs = sorted((self.data_dir / "logs").glob("*.log"))
        parts = [f"--- runner stdout\n{''.join(self.stdout_lines)}"]
        parts.append(f"--- runner stderr\n{self.stderr_path.read_text(errors='replace')}")
        parts += [f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}" for log in logs]
        return "\n".join(parts)

    def terminate(self, timeout: float = STOP_TIMEOUT_S) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)


def _runner_argv(data_dir: Path, http_port: int, *extra_args: str) -> list[str]:
    return [
        python(),
        str(RUNNER),
        "--with-probe",
        "--free-ports",  # never collide with a developer's mesh on the fixed ports
        "--data-dir",
        str(data_dir),
        "--http-port",
        str(http_port),
        *extra_args,
    ]


def start_devmesh(data_dir: Path, *extra_args: str, env: dict[str, str] | None = None) -> RunningMesh:
    """Start the runner and return once it prints its ready line. `env` is added
    to the runner's environment (LMS_* variables reach every service)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    stderr_path = data_dir.parent / f"{data_dir.name}-runner.stderr"
    argv = _runner_argv(data_dir, http_port, *extra_args)
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            # Most e2e tests sign their own tokens for made-up users; the closed-account
            # tests start their mesh with LMS_TRUST_UNKNOWN_USERS=false.
            env={**os.environ, "PYTHONUNBUFFERED": "1", "LMS_TRUST_UNKNOWN_USERS": "true", **(env or {})},
            start_new_session=True,  # the test's own signals must not reach it
        )
    mesh = RunningMesh(process, data_dir, "", http_port, stderr_path)
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:  # a thread, so waiting for the line can time out
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    try:
        while True:
            line = lines.get(timeout=START_TIMEOUT_S)
            if line is None:
                process.wait(timeout=STOP_TIMEOUT_S)
                pytest.fail(f"runner exited with {process.returncode} before ready\n{mesh.diagnostics()}")
            mesh.stdout_lines.append(line)
            match = READY.match(line.rstrip("\n"))
            if match:
                mesh.rest = match["rest"]
                assert int(match["port"]) == http_port
                break
    except queue.Empty:
        diagnostics = mesh.diagnostics()
        _force_stop(mesh)
        pytest.fail(f"runner not ready within {START_TIMEOUT_S:.0f} s\n{diagnostics}")
    # The per-service lines follow the ready line; the rest of stdout keeps draining.
    threading.Thread(target=_drain, args=(lines, mesh.stdout_lines), daemon=True).start()
    return mesh


def _drain(lines: queue.Queue[str | None], into: list[str]) -> None:
    while (line := lines.get()) is not None:
        into.append(line)


def _force_stop(mesh: RunningMesh) -> None:
    with contextlib.suppress(subprocess.TimeoutExpired):
        mesh.terminate()
    if mesh.process.poll() is None:
        mesh.process.kill()
        mesh.process.wait()


@pytest.fixture(scope="session")
def devmesh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningMesh]:
    """One mesh shared by the e2e tests that only call it."""
    mesh = start_devmesh(tmp_path_factory.mktemp("devmesh") / "data")
    yield mesh
    _force_stop(mesh)


@pytest.fixture
def own_devmesh(tmp_path: Path) -> Iterator[RunningMesh]:
    """A mesh of the test's own, for tests that stop or break it."""
    mesh = start_devmesh(tmp_path / "data")
    yield mesh
    _force_stop(mesh)


@pytest.fixture
def runner_argv() -> Callable[..., list[str]]:
    """argv for the runner as the fixtures start it: (data_dir, http_port, *extra_args)."""
    return _runner_argv


@pytest.fixture(scope="module")
def rest(devmesh: RunningMesh) -> Iterator[httpx.Client]:
    """An HTTP client for the shared mesh's REST gateway."""
    # trust_env=False: proxy variables must not apply to loopback.
    with httpx.Client(base_url=devmesh.rest, timeout=10.0, trust_env=False) as client:
        yield client


@pytest.fixture(scope="session")
def start_mesh() -> Iterator[Callable[..., RunningMesh]]:
    """start_devmesh(data_dir, *extra_args, env=...) for tests that need a mesh
    with options of their own. Stop it with `.terminate()` when done; whatever
    is still running at the end of the session is stopped here."""
    started: list[RunningMesh] = []

    def start(data_dir: Path, *extra_args: str, env: dict[str, str] | None = None) -> RunningMesh:
        mesh = start_devmesh(data_dir, *extra_args, env=env)
        started.append(mesh)
        return mesh

    yield start
    for mesh in started:
        _force_stop(mesh)
