"""Benchmark: REST through Envoy against direct gRPC to the same service, same run.

    .venv/bin/python scripts/bench_gateway.py                 # ~70 s
    .venv/bin/python scripts/bench_gateway.py --duration 5    # quicker, noisier

It starts the dev mesh with the probe service only (scripts/devmesh.py, the
generated gateway with every edge filter on: JWT, CORS, compression, JSON local
replies; the per-route limit off so it does not cap the load), then measures the
anonymous `Echo` RPC (GET /v1/testing/echo?text=hi) three ways:

  grpc-direct   h2load, gRPC straight to the service's port (the baseline)
  grpc-envoy    h2load, the same gRPC call through Envoy's port (Envoy alone, same client)
  rest-envoy    wrk, REST GET through Envoy (transcoded to gRPC)

Figures: p50/p99 latency at concurrency 1 (one connection, one request at a
time; h2load's per-request log, wrk's --latency distribution) and req/s at 64
connections. Targets: REST through Envoy adds < 0.5 ms at p50 over direct gRPC,
and keeps >= 70% of direct gRPC's req/s at 64 connections. Every run must have
answered only successes (h2load: all 2xx and the expected response bytes;
wrk: no non-2xx, no socket errors). Exit 0 on PASS, 1 on FAIL.

Needs h2load (Debian nghttp2-client) and wrk (Debian wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "scripts" / "devmesh.py"
ECHO_PATH = "/lms.testing.v1.ProbeService/Echo"
REST_PATH = "/v1/testing/echo?text=hi"
TARGET_ADDED_P50_MS = 0.5
TARGET_THROUGHPUT_RATIO = 0.70


@dataclass
class Result:
    name: str
    concurrency: int
    rps: float
    p50_ms: float
    p99_ms: float
    command: str


def python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def start_mesh(data_dir: Path, envoy_concurrency: int) -> tuple[subprocess.Popen, dict]:
    argv = [
        python(), str(RUNNER), "--with-probe", "--only", "testing", "--free-ports",
        "--http-port", "0", "--data-dir", str(data_dir), "--route-rate-limit", "0",
        "--envoy-concurrency", str(envoy_concurrency),
    ]  # fmt: skip
    process = subprocess.Popen(
        argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("LMS mesh ready"):
            return process, json.loads((data_dir / "mesh.json").read_text())
    process.wait()
    raise SystemExit(f"the mesh did not start (exit {process.returncode}); see {data_dir}/logs")


def stop_mesh(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def grpc_body(workdir: Path) -> tuple[Path, int]:
    """EchoRequest(text="hi") framed for gRPC, and the framed response size."""
    from lms.testing.v1 import probe_pb2

    message = probe_pb2.EchoRequest(text="hi").SerializeToString()
    path = workdir / "echo.bin"
    path.write_bytes(b"\x00" + struct.pack(">I", len(message)) + message)
    response = probe_pb2.EchoResponse(text="hi").SerializeToString()
    return path, 5 + len(response)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def h2load(
    name: str, port: int, body: Path, frame: int, concurrency: int, duration: int, workdir: Path
) -> Result:
    log = workdir / f"{name}-{concurrency}.log"
    grpc = ["-d", str(body), "-H", "content-type: application/grpc", "-H", "te: trailers"]
    url = f"http://127.0.0.1:{port}{ECHO_PATH}"
    # Warm-up as a run of its own, so the measured run's byte count can be checked exactly.
    subprocess.run(
        ["h2load", "-n", "500", "-c", str(concurrency), *grpc, url], capture_output=True, check=True
    )
    cmd = [
        "h2load",
        "-c",
        str(concurrency),
        "-m",
        "1",
        "-t",
        "1",
        "-D",
        str(duration),
        *grpc,
        f"--log-file={log}",
        url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    done = re.search(
        r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored", out
    )
    rps = re.search(r"finished in [\d.]+m?s, ([\d.]+) req/s", out)
    if not done or not rps or int(done[3]) or int(done[4]) or done[1] != done[2]:
        raise SystemExit(f"h2load run had failures:\n{out}")
    status = re.search(r"status codes: (\d+) 2xx", out)
    data = re.search(r"\((\d+)\) data", out)
    requests = int(done[2])
    # A gRPC error is HTTP 200 with no DATA frame: the data bytes prove every call answered Echo.
    if not status or int(status[1]) != requests or not data or int(data[1]) != requests * frame:
        raise SystemExit(f"h2load run did not answer {requests} Echo replies:\n{out}")
    latencies = [int(row.split("\t")[2]) / 1000 for row in log.read_text().splitlines() if row.strip()]
    return Result(name, concurrency, float(rps[1]), percentile(latencies, 0.5), percentile(latencies, 0.99),
                  shlex.join(cmd))  # fmt: skip


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(name: str, port: int, concurrency: int, duration: int) -> Result:
    url = f"http://127.0.0.1:{port}{REST_PATH}"
    subprocess.run(["wrk", "-t1", "-c1", "-d1s", url], capture_output=True, check=True)  # warm-up
    # One load thread, like h2load's -t 1: the two clients take the same share of the 2 cores.
    cmd = ["wrk", "-t1", f"-c{concurrency}", f"-d{duration}s", "--latency", url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit(f"wrk run had errors:\n{out}")
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not (p50 and p99 and rps):
        raise SystemExit(f"cannot read wrk output:\n{out}")
    return Result(name, concurrency, float(rps[1]), _ms(p50[1]), _ms(p99[1]), shlex.join(cmd))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run (default 10)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds; medians are reported (default 3)")
    parser.add_argument(
        "--envoy-concurrency", type=int, default=0, help="Envoy worker threads (default: one per core)"
    )
    args = parser.parse_args()
    missing = [tool for tool in ("h2load", "wrk") if shutil.which(tool) is None]
    if missing:
        print(f"missing {', '.join(missing)}: apt-get install -y nghttp2-client wrk", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="bench-gateway-") as tmp:
        workdir = Path(tmp)
        process, state = start_mesh(workdir / "mesh", args.envoy_concurrency)
        try:
            service_port = int(state["services"]["testing"]["grpc"].rsplit(":", 1)[1])
            envoy_port = int(state["rest"].rsplit(":", 1)[1])
            body, frame = grpc_body(workdir)
            rounds: list[list[Result]] = []
            for _ in range(args.repeats):  # interleaved, so drift in machine load hits every case alike
                results = []
                for concurrency in (1, 64):
                    results.append(
                        h2load("grpc-direct", service_port, body, frame, concurrency, args.duration, workdir)
                    )
                    results.append(
                        h2load("grpc-envoy", envoy_port, body, frame, concurrency, args.duration, workdir)
                    )
                    results.append(wrk("rest-envoy", envoy_port, concurrency, args.duration))
                rounds.append(results)
        finally:
            stop_mesh(process)

    def median(name: str, concurrency: int, attribute: str) -> float:
        return statistics.median(
            getattr(r, attribute)
            for results in rounds
            for r in results
            if (r.name, r.concurrency) == (name, concurrency)
        )

    print(
        f"{'case':<12} {'conc':>4} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}   (medians of {args.repeats} rounds)"
    )
    for name in ("grpc-direct", "grpc-envoy", "rest-envoy"):
        for concurrency in (1, 64):
            print(
                f"{name:<12} {concurrency:>4} {median(name, concurrency, 'rps'):>9.0f} "
                f"{median(name, concurrency, 'p50_ms'):>8.3f} {median(name, concurrency, 'p99_ms'):>8.3f}"
            )
    added_p50 = median("rest-envoy", 1, "p50_ms") - median("grpc-direct", 1, "p50_ms")
    added_p99 = median("rest-envoy", 1, "p99_ms") - median("grpc-direct", 1, "p99_ms")
    envoy_only_p50 = median("grpc-envoy", 1, "p50_ms") - median("grpc-direct", 1, "p50_ms")
    ratio = median("rest-envoy", 64, "rps") / median("grpc-direct", 64, "rps")
    grpc_ratio = median("grpc-envoy", 64, "rps") / median("grpc-direct", 64, "rps")
    passed_latency = added_p50 < TARGET_ADDED_P50_MS
    passed_ratio = ratio >= TARGET_THROUGHPUT_RATIO
    print(f"\nREST via Envoy adds at concurrency 1: p50 {added_p50:+.3f} ms, p99 {added_p99:+.3f} ms "
          f"(target p50 < {TARGET_ADDED_P50_MS} ms): {'PASS' if passed_latency else 'FAIL'}")  # fmt: skip
    print(f"gRPC via Envoy adds at concurrency 1: p50 {envoy_only_p50:+.3f} ms (same client as the baseline)")
    print(f"REST via Envoy / direct gRPC req/s at 64: {ratio:.2f} (target >= {TARGET_THROUGHPUT_RATIO}): "
          f"{'PASS' if passed_ratio else 'FAIL'}; gRPC via Envoy / direct: {grpc_ratio:.2f}")  # fmt: skip
    print("\nCommands (one round):")
    for r in rounds[0]:
        print(f"  {r.command}")
    return 0 if passed_latency and passed_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
