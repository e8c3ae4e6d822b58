"""Benchmark: the kit's interceptor chain against a bare grpc.aio server.

    .venv/bin/python scripts/bench_kit.py                  # full run (~2-3 minutes)
    .venv/bin/python scripts/bench_kit.py --quick          # smoke run (~40 s)
    .venv/bin/python scripts/bench_kit.py --requests 20000 --repeats 3

A trivial unary RPC of lms.testing.v1.ProbeService, driven by h2load (gRPC with a
pre-framed body), against two servers started side by side in the same run:

  bare  scripts/bench/bare_server.py: the kit's ProbeServicer on grpc.aio with no
        interceptors, no health, no reflection, same loop policy (uvloop if installed)
  kit   `python -m lms_kit.testing.probe`: the full pipeline (trace context, JWT
        authentication, policy, validation, errors, metrics)

Cases: Echo sent anonymously, and WhoAmI sent with a bearer token (the kit verifies
it; verified tokens are cached, so this measures the cached-token path). Each kit
case is compared with the bare server answering the same method with the same
request headers. Each at 1 and 2 worker processes, concurrency 1 and 64.

Measured per run: req/s (h2load), p50/p99 latency (from h2load's per-request log),
and server CPU time per RPC = (utime+stime of the server's processes, from
/proc/<pid>/stat, after - before) / requests. CPU per RPC is the figure to trust on a
shared machine; req/s and latencies move with whatever else the cores are doing.
Target: the kit costs at most 25% more server CPU per RPC than bare (same workers,
same concurrency, same case).

Every run is checked to have measured successful gRPC calls, never errors: a real
stub call per server and method first; `nghttp` shows `grpc-status: 0` in the
trailers for the exact body file and headers h2load sends; each h2load run must
report all requests 2xx and exactly requests x (response frame size) DATA bytes
(a gRPC error is HTTP 200 without a DATA frame); for the kit, the Prometheus counter
grpc_server_handled_total{grpc_code="OK"} must grow by the number of requests.

Needs h2load and nghttp (Debian: `apt-get install -y nghttp2-client`).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import re
import resource
import shlex
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BARE_SERVER = Path(__file__).resolve().parent / "bench" / "bare_server.py"
SERVICE = "lms.testing.v1.ProbeService"
TARGET_RATIO = 1.25
QUIET_LOAD = 0.10  # a run is "quiet" if other processes used under 10% of the CPUs meanwhile
CLK_TCK = os.sysconf("SC_CLK_TCK")
SERVING_LINE = re.compile(r"serving (?:bare|service=\S+) port=(\d+) pid=(\d+)")
INSTALL_HINT = "install it with: sudo apt-get update && sudo apt-get install -y nghttp2-client"


# -- cases --------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    label: str
    method: str
    body: Path
    headers: tuple[str, ...]  # extra h2load -H values (besides the gRPC ones)


@dataclass
class Server:
    kind: str  # "bare" or "kit"
    workers: int
    port: int
    proc: subprocess.Popen
    metrics_port: int = 0
    pids: list[int] = field(default_factory=list)
    stderr_lines: list[str] = field(default_factory=list)
    frame_len: dict[str, int] = field(default_factory=dict)  # method -> expected response frame bytes

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Result:
    workers: int
    server: str
    case: str
    concurrency: int
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_us: float  # server CPU µs per RPC
    other_load: float = 0.0  # share of all CPUs used by other processes during the run
    cpu_ratio: float = 1.0  # kit / bare CPU per RPC: median over the paired runs
    ratio_range: tuple[float, float] = (1.0, 1.0)  # min and max of those paired ratios
    pairs: str = ""  # how many paired runs the ratio uses


# -- helpers --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def grpc_frame(message: bytes) -> bytes:
    return b"\0" + struct.pack(">I", len(message)) + message


def descendants(root: int) -> list[int]:
    """root and every process below it (the kit's workers are spawned children)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rpartition(")")[2].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_seconds(pids: Sequence[int]) -> float:
    """utime + stime of the processes (all their threads), in seconds."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / CLK_TCK


def busy_seconds() -> float:
    """CPU time of all CPUs in user, nice, system and steal, from /proc/stat (irq and
    softirq are left out: loopback networking of the server and h2load lands there)."""
    user, nice, system, _idle, _iowait, _irq, _softirq, steal = (
        int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + steal) / CLK_TCK


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def handled_ok(server: Server, method: str) -> tuple[float, float]:
    """(OK, not OK) counts of grpc_server_handled_total for `method`, from the kit's /metrics."""
    from prometheus_client.parser import text_string_to_metric_families

    text = urllib.request.urlopen(f"http://127.0.0.1:{server.metrics_port}/metrics", timeout=10).read()
    ok = bad = 0.0
    for family in text_string_to_metric_families(text.decode()):
        for sample in family.samples:
            if sample.name != "grpc_server_handled_total" or sample.labels.get("grpc_method") != method:
                continue
            if sample.labels.get("grpc_code") == "OK":
                ok += sample.value
            else:
                bad += sample.value
    return ok, bad


# -- servers --------------------------------------------------------------------


def start_server(kind: str, workers: int, workdir: Path, jwks_url: str) -> Server:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LMS_", "PROMETHEUS_MULTIPROC_DIR"))}
    env["PYTHONUNBUFFERED"] = "1"
    metrics_port = 0
    if kind == "bare":
        cmd = [sys.executable, str(BARE_SERVER), "--port", str(port), "--workers", str(workers)]
    else:
        metrics_port = free_port()
        cmd = [sys.executable, "-m", "lms_kit.testing.probe"]
        env.update(
            LMS_GRPC_HOST="127.0.0.1",
            LMS_GRPC_PORT=str(port),
            LMS_WORKERS=str(workers),
            LMS_JWKS_URL=jwks_url,
            LMS_LOG_LEVEL="INFO",  # DEBUG would add an access log line per RPC
            LMS_METRICS_PORT=str(metrics_port),
            LMS_GRACE_PERIOD_S="1",
        )
    proc = subprocess.Popen(
        cmd, env=env, cwd=workdir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    server = Server(kind, workers, port, proc, metrics_port)
    serving: list[int] = []
    ready = threading.Event()

    def read_stderr() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            server.stderr_lines.append(line.rstrip())
            match = SERVING_LINE.search(line)
            if match and int(match.group(1)) == port:
                serving.append(int(match.group(2)))
                if len(serving) == workers:
                    ready.set()

    threading.Thread(target=read_stderr, daemon=True).start()
    deadline = time.monotonic() + 60
    while not ready.wait(0.2):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_server(server)
            tail = "\n".join(server.stderr_lines[-20:])
            raise SystemExit(f"{kind} server (workers={workers}) did not start:\n{tail}")
    server.pids = descendants(proc.pid)
    missing = set(serving) - set(server.pids)
    if missing:
        raise SystemExit(f"{kind} server: serving pids {missing} are not below pid {proc.pid}")
    return server


def stop_server(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
        try:
            server.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            for pid in reversed(server.pids or [server.proc.pid]):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            server.proc.wait(timeout=5)


@contextlib.contextmanager
def running(kinds: Sequence[str], workers: int, workdir: Path, jwks_url: str) -> Iterator[dict[str, Server]]:
    servers: dict[str, Server] = {}
    try:
        for kind in kinds:
            servers[kind] = start_server(kind, workers, workdir, jwks_url)
        yield servers
    finally:
        for server in servers.values():
            stop_server(server)


# -- checks -----------------------------------------------------------------------


def check_with_stub(server: Server, token: str) -> None:
    """One real call per method; records the response frame size h2load must see."""
    import grpc

    from lms.testing.v1 import probe_pb2, probe_pb2_grpc

    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        stub = probe_pb2_grpc.ProbeServiceStub(channel)
        echo = stub.Echo(probe_pb2.EchoRequest(text="hello"), timeout=10)
        assert echo.text == "hello", echo
        who = stub.WhoAmI(
            probe_pb2.WhoAmIRequest(), metadata=(("authorization", f"Bearer {token}"),), timeout=10
        )
        if server.kind == "kit":  # the bare server has no pipeline, so no principal
            assert who.subject == "bench-user", f"kit did not verify the token: {who}"
    server.frame_len = {
        "Echo": len(grpc_frame(echo.SerializeToString())),
        "WhoAmI": len(grpc_frame(who.SerializeToString())),
    }


def check_trailers(server: Server, case: Case, attempts: int = 4) -> None:
    """The exact body and headers h2load sends end in `grpc-status: 0` (several
    connections, so that with SO_REUSEPORT more than one worker answers)."""
    cmd = [
        "nghttp",
        "-v",
        "-H",
        ":method: POST",
        *grpc_headers(case),
        "-d",
        str(case.body),
        path_url(server, case),
    ]
    for _ in range(attempts):
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout
        statuses = re.findall(r"grpc-status: (\d+)", out)
        if statuses != ["0"]:
            raise SystemExit(
                f"{server.kind} {case.label}: expected grpc-status 0, got {statuses}:\n{out[-2000:]}"
            )


def grpc_headers(case: Case) -> list[str]:
    headers = ["content-type: application/grpc", "te: trailers", *case.headers]
    return [arg for header in headers for arg in ("-H", header)]


def path_url(server: Server, case: Case) -> str:
    return f"{server.url}/{SERVICE}/{case.method}"


# -- load ---------------------------------------------------------------------------


def h2load_cmd(server: Server, case: Case, requests: int, concurrency: int, log_file: Path) -> list[str]:
    return [
        "h2load", "-n", str(requests), "-c", str(concurrency), "-m", "1", "-t", "1",
        *grpc_headers(case), "-d", str(case.body), f"--log-file={log_file}", path_url(server, case),
    ]  # fmt: skip


def run_load(server: Server, case: Case, requests: int, concurrency: int, workdir: Path) -> Result:
    log_file = workdir / "h2load.log"
    log_file.unlink(missing_ok=True)
    cmd = h2load_cmd(server, case, requests, concurrency, log_file)
    ok_before = handled_ok(server, case.method) if server.kind == "kit" else (0.0, 0.0)
    busy_before, client_before, wall_before = busy_seconds(), children_cpu(), time.monotonic()
    cpu_before = cpu_seconds(server.pids)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    cpu_after = cpu_seconds(server.pids)
    busy, client = busy_seconds() - busy_before, children_cpu() - client_before
    wall = time.monotonic() - wall_before
    other = max(0.0, busy - (cpu_after - cpu_before) - client) / (wall * (os.cpu_count() or 1))
    if out.returncode != 0:
        raise SystemExit(f"h2load failed ({out.returncode}): {shlex.join(cmd)}\n{out.stdout}\n{out.stderr}")
    text = out.stdout
    rps = float(re.search(r"finished in .*?, ([\d.]+) req/s", text).group(1))
    succeeded = int(re.search(r"(\d+) succeeded", text).group(1))
    ok_2xx = int(re.search(r"status codes: (\d+) 2xx", text).group(1))
    data = int(re.search(r"traffic: .*\((\d+)\) data", text).group(1))
    expected = requests * server.frame_len[case.method]
    if succeeded != requests or ok_2xx != requests or data != expected:
        raise SystemExit(
            f"{server.kind} {case.label} c={concurrency}: not every call succeeded "
            f"(succeeded={succeeded} 2xx={ok_2xx} data={data} expected={expected})\n{text}"
        )
    if server.kind == "kit":
        ok_after = handled_ok(server, case.method)
        if ok_after[0] - ok_before[0] != requests or ok_after[1] != ok_before[1]:
            raise SystemExit(f"kit {case.label}: grpc_server_handled_total {ok_before} -> {ok_after}")
    latencies = sorted(int(line.split("\t")[2]) / 1000 for line in log_file.read_text().splitlines())
    if len(latencies) != requests:
        raise SystemExit(f"h2load log has {len(latencies)} rows, expected {requests}")
    return Result(
        workers=server.workers,
        server=server.kind,
        case=case.label,
        concurrency=concurrency,
        requests=requests,
        rps=rps,
        p50_ms=percentile(latencies, 50),
        p99_ms=percentile(latencies, 99),
        cpu_us=(cpu_after - cpu_before) / requests * 1e6,
        other_load=other,
    )


def median_result(results: Sequence[Result]) -> Result:
    first = results[0]
    return Result(
        workers=first.workers,
        server=first.server,
        case=first.case,
        concurrency=first.concurrency,
        requests=sum(r.requests for r in results),
        rps=statistics.median(r.rps for r in results),
        p50_ms=statistics.median(r.p50_ms for r in results),
        p99_ms=statistics.median(r.p99_ms for r in results),
        cpu_us=statistics.median(r.cpu_us for r in results),
        other_load=statistics.median(r.other_load for r in results),
    )


# -- report ---------------------------------------------------------------------------


def report(
    results: dict[tuple[int, str, str, int], Result], args: argparse.Namespace, cases: list[Case]
) -> bool:
    lines = [
        "| workers | variant | conc | req/s | p50 ms | p99 ms | server CPU µs/RPC "
        "| CPU vs bare (median of paired runs; range) | target ≤1.25 | other load |",
        "|---:|---|---:|---:|---:|---:|---:|---|---|---:|",
    ]
    verdicts: list[bool] = []
    for workers in args.workers:
        for case in cases:
            for concurrency in args.concurrency:
                for kind in ("bare", "kit"):
                    r = results[(workers, kind, case.label, concurrency)]
                    ratio, verdict = "1.00", ""
                    if kind == "kit":
                        low, high = r.ratio_range
                        spread = f"{low:.2f}-{high:.2f}, " if low != high else ""
                        ratio = f"{r.cpu_ratio:.2f} ({spread}{r.pairs})"
                        passed = r.cpu_ratio <= TARGET_RATIO
                        verdicts.append(passed)
                        verdict = "PASS" if passed else "FAIL"
                    lines.append(
                        f"| {workers} | {kind} {case.label} | {concurrency} | {r.rps:,.0f} | {r.p50_ms:.2f} "
                        f"| {r.p99_ms:.2f} | {r.cpu_us:.0f} | {ratio} | {verdict} | {r.other_load:.0%} |"
                    )
    print("\n".join(lines))
    if len(args.workers) > 1:
        w1, w2 = args.workers[0], args.workers[-1]
        print(f"\nWorkers {w2} vs {w1}, same variant and concurrency (ratio = {w2} workers / {w1}):\n")
        print("| variant | conc | req/s ratio | p99 ratio | CPU µs/RPC ratio |")
        print("|---|---:|---:|---:|---:|")
        for case in cases:
            for concurrency in args.concurrency:
                for kind in ("bare", "kit"):
                    a = results[(w1, kind, case.label, concurrency)]
                    b = results[(w2, kind, case.label, concurrency)]
                    print(
                        f"| {kind} {case.label} | {concurrency} | {b.rps / a.rps:.2f} "
                        f"| {b.p99_ms / a.p99_ms:.2f} | {b.cpu_us / a.cpu_us:.2f} |"
                    )
    passed = all(verdicts)
    failed = verdicts.count(False)
    print(
        f"\nTarget (kit CPU per RPC ≤ {TARGET_RATIO:.2f} x bare): "
        + ("PASS" if passed else f"FAIL ({failed} of {len(verdicts)} kit rows above the target)")
    )
    return passed


# -- main -------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=None, help="requests per measured run (default 4000)")
    parser.add_argument(
        "--repeats", type=int, default=None, help="runs per cell, median reported (default 5)"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 2000 requests, 1 repeat")
    parser.add_argument("--workers", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2])
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 64])
    parser.add_argument("--warmup", type=int, default=None, help="unmeasured requests per server and case")
    args = parser.parse_args()
    args.requests = args.requests or (2000 if args.quick else 4000)
    args.repeats = args.repeats or (1 if args.quick else 5)
    args.warmup = args.warmup if args.warmup is not None else (500 if args.quick else 2000)
    return args


def main() -> int:
    args = parse_args()
    missing = [tool for tool in ("h2load", "nghttp") if shutil.which(tool) is None]
    if missing:
        print(f"{' and '.join(missing)} not found; {INSTALL_HINT}", file=sys.stderr)
        return 2
    from lms.testing.v1 import probe_pb2
    from lms_kit.testing.harness import TokenMint

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-kit-") as tmp:
        workdir = Path(tmp)
        mint = TokenMint.create(workdir)
        token = mint.token("bench-user", roles=["student"], ttl_s=3600)
        echo_body, whoami_body = workdir / "echo.bin", workdir / "whoami.bin"
        echo_body.write_bytes(grpc_frame(probe_pb2.EchoRequest(text="hello").SerializeToString()))
        whoami_body.write_bytes(grpc_frame(probe_pb2.WhoAmIRequest().SerializeToString()))
        cases = [
            Case("Echo anonymous", "Echo", echo_body, ()),
            Case("WhoAmI token", "WhoAmI", whoami_body, (f"authorization: Bearer {token}",)),
        ]
        results: dict[tuple[int, str, str, int], Result] = {}
        for workers in args.workers:
            with running(("bare", "kit"), workers, workdir, mint.jwks_url) as servers:
                for server in servers.values():
                    check_with_stub(server, token)
                    for case in cases:
                        check_trailers(server, case)
                        # warm-up: caches (verified token per worker), code paths, allocator
                        run_load(server, case, args.warmup, max(args.concurrency), workdir)
                samples: dict[tuple[int, str, str, int], list[Result]] = {}
                for repeat in range(args.repeats):
                    for concurrency in args.concurrency:
                        for case in cases:
                            # alternate which server goes first, so drift hits both alike
                            order = ("bare", "kit") if repeat % 2 == 0 else ("kit", "bare")
                            for kind in order:
                                r = run_load(servers[kind], case, args.requests, concurrency, workdir)
                                samples.setdefault((workers, kind, case.label, concurrency), []).append(r)
                                print(
                                    f"  workers={workers} {kind:4} {case.label:15} c={concurrency:<3} "
                                    f"{r.rps:8,.0f} req/s  p50 {r.p50_ms:6.2f} ms  p99 {r.p99_ms:6.2f} ms  "
                                    f"cpu {r.cpu_us:5.0f} µs/RPC  other load {r.other_load:4.0%}",
                                    file=sys.stderr,
                                    flush=True,
                                )
                for server in servers.values():
                    for case in cases:
                        check_trailers(server, case, attempts=1)
                for key, runs in samples.items():
                    results[key] = median_result(runs)
                    if key[1] == "kit":
                        bare_runs = samples[(key[0], "bare", *key[2:])]
                        pairs = list(zip(runs, bare_runs, strict=True))
                        # Prefer pairs during which other processes left the CPUs alone.
                        quiet = [(k, b) for k, b in pairs if max(k.other_load, b.other_load) < QUIET_LOAD]
                        used = quiet if len(quiet) >= max(2, len(pairs) // 2) else pairs
                        ratios = [k.cpu_us / b.cpu_us for k, b in used]
                        results[key].cpu_ratio = statistics.median(ratios)
                        results[key].ratio_range = (min(ratios), max(ratios))
                        quiet_note = "quiet " if used is quiet else ""
                        results[key].pairs = f"{len(used)}/{len(pairs)} {quiet_note}pairs"
                example = shlex.join(
                    h2load_cmd(servers["kit"], cases[0], args.requests, 64, Path("h2load.log"))
                )
                example = example.replace(f"{workdir}/", "").replace(f":{servers['kit'].port}/", ":PORT/")
    print(
        f"\n{args.requests} requests per run, {args.repeats} run(s) per cell (median), "
        f"warm-up {args.warmup} requests per server and case; {os.cpu_count()} CPUs; "
        f"elapsed {time.monotonic() - started:.0f} s\n"
    )
    passed = report(results, args, cases)
    print(
        "\nOther load: share of the CPUs used by processes other than the server and h2load during a run "
        f"(median); ratios use the pairs where both runs saw under {QUIET_LOAD:.0%} when at least half did."
    )
    print(f"\nh2load command (one run; -n, -c, body, path and headers vary): {example}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
