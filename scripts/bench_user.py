"""Benchmark: the identity service.

    .venv/bin/python scripts/bench_user.py            # full run (~1 minute)
    .venv/bin/python scripts/bench_user.py --quick    # smoke run

1. Token verification as the kit's interceptor does it, per call, in process:
   cached (a token the verifier has seen: `TokenVerifier.cached`, no await) and
   uncached (signature check, Ed25519, key already in the JWKS cache), against a
   baseline of one dict lookup measured in the same run. Target: cached < 100 us.
2. Login throughput and p99 at 16 concurrent logins: the dev mesh (scripts/devmesh.py,
   --only user --workers 2, SQLite in a temporary directory, the real Envoy) with
   argon2id m=19 MiB, t=2, p=1 (OWASP's minimum, the service's default), logins over
   REST through Envoy. Targets: >= 40 logins/s, p99 < 600 ms.
3. GetUser p99 through Envoy (REST, the owner's token), 16 concurrent.

Every measured call must succeed (HTTP 200), or the script stops. Exit 0 when every
target is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench.pgcluster import throwaway_postgres

ROOT = Path(__file__).resolve().parents[1]
READY = re.compile(r"^LMS mesh ready: REST (http://127\.0\.0\.1:\d+)$")
PASSWORD = "correct horse battery staple"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


async def bench_verification(rounds: int) -> dict[str, float]:
    from lms_kit.auth.jwks import JwksKeySet
    from lms_kit.auth.tokens import TokenVerifier, new_ed25519_signer

    signer = new_ed25519_signer(kid="bench", issuer="lms.user", audience="lms")
    document = {"keys": [signer.public_jwk()]}

    async def local() -> dict:
        return document

    keys = JwksKeySet("", local_sources=[local])
    await keys.refresh(force=True)
    verifier = TokenVerifier(keys, issuer="lms.user", audience="lms")
    token = signer.sign("user-1", roles=["student"])
    await verifier.verify(token)
    assert verifier.cached(token) is not None

    table = {token: 1}
    baseline = min(timeit.repeat(lambda: table.get(token), number=rounds, repeat=5)) / rounds
    cached = min(timeit.repeat(lambda: verifier.cached(token), number=rounds, repeat=5)) / rounds
    tokens = [signer.sign(f"user-{i}", roles=["student"]) for i in range(max(200, rounds // 50))]
    started = time.perf_counter()
    for each in tokens:
        await verifier.verify(each)
    uncached = (time.perf_counter() - started) / len(tokens)
    return {"baseline_us": baseline * 1e6, "cached_us": cached * 1e6, "uncached_us": uncached * 1e6}


class Mesh:
    def __init__(self, data_dir: Path, workers: int, *, pg_port: int = 0, hash_threads: int = 0) -> None:
        argv = [sys.executable, str(ROOT / "scripts" / "devmesh.py"), "--only", "user", "--free-ports",
                "--http-port", "0", "--data-dir", str(data_dir), "--workers", str(workers)]  # fmt: skip
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if pg_port:
            argv.append("--postgres")
            env["LMS_DEVMESH_PG_URL"] = f"postgresql+psycopg://postgres@127.0.0.1:{pg_port}"
        if hash_threads:
            env["LMS_PASSWORD_HASH_THREADS"] = str(hash_threads)
        self.process = subprocess.Popen(
            argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env=env, start_new_session=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        for line in self.process.stdout:
            match = READY.match(line.strip())
            if match:
                self.rest = match[1]
                return
        raise SystemExit(f"devmesh exited with {self.process.wait()} before ready")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=45)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def drive(client: httpx.AsyncClient, calls: int, concurrency: int, make) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    latencies: list[float] = []
    queue = iter(range(calls))

    async def worker() -> None:
        for i in queue:
            method, url, kwargs = make(i)
            started = time.perf_counter()
            response = await client.request(method, url, **kwargs)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{method} {url} -> {response.status_code} {response.text[:200]}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return calls / (time.perf_counter() - started), latencies


async def bench_mesh(rest: str, logins: int, reads: int, concurrency: int) -> dict[str, float]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=rest, timeout=30, trust_env=False, limits=limits) as client:
        emails = [f"bench-{uuid.uuid4().hex[:8]}-{i}@example.com" for i in range(concurrency)]
        for email in emails:
            response = await client.post(
                "/v1/users:register", json={"email": email, "password": PASSWORD, "displayName": "Bench"}
            )
            response.raise_for_status()

        def login(i: int):  # type: ignore[no-untyped-def]
            return (
                "POST",
                "/v1/auth:login",
                {"json": {"email": emails[i % len(emails)], "password": PASSWORD}},
            )

        await drive(client, concurrency * 2, concurrency, login)  # warm-up
        login_rate, login_latencies = await drive(client, logins, concurrency, login)

        tokens = (await client.post("/v1/auth:login", json={"email": emails[0], "password": PASSWORD})).json()
        access = tokens["tokens"]["accessToken"]
        name = tokens["tokens"]["user"]
        headers = {"authorization": f"Bearer {access}"}

        def get_user(i: int):  # type: ignore[no-untyped-def]
            return "GET", f"/v1/{name}", {"headers": headers}

        await drive(client, 200, concurrency, get_user)
        read_rate, read_latencies = await drive(client, reads, concurrency, get_user)
    return {
        "login_per_s": login_rate,
        "login_p50_ms": statistics.median(login_latencies) * 1000,
        "login_p99_ms": percentile(login_latencies, 99) * 1000,
        "get_user_per_s": read_rate,
        "get_user_p50_ms": statistics.median(read_latencies) * 1000,
        "get_user_p99_ms": percentile(read_latencies, 99) * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--postgres", action="store_true", help="run the user service on a throwaway PostgreSQL cluster"
    )
    parser.add_argument(
        "--hash-threads",
        type=int,
        default=0,
        help="LMS_PASSWORD_HASH_THREADS per worker (default: the service's)",
    )
    args = parser.parse_args()
    logins, reads, rounds = (160, 1000, 20_000) if args.quick else (800, 5000, 200_000)

    verification = asyncio.run(bench_verification(rounds))
    with tempfile.TemporaryDirectory(prefix="bench-user-") as data, contextlib.ExitStack() as stack:
        pg_port = stack.enter_context(throwaway_postgres(Path(data))) if args.postgres else 0
        mesh = Mesh(Path(data) / "mesh", args.workers, pg_port=pg_port, hash_threads=args.hash_threads)
        try:
            figures = asyncio.run(bench_mesh(mesh.rest, logins, reads, args.concurrency))
        finally:
            mesh.stop()

    v = verification
    print(f"token verification per call: cached {v['cached_us']:.2f} us, uncached {v['uncached_us']:.1f} us "
          f"(baseline dict lookup {v['baseline_us']:.3f} us; cached = {v['cached_us'] / v['baseline_us']:.0f}x)")  # fmt: skip
    store = "PostgreSQL" if args.postgres else "SQLite"
    print(f"login through Envoy ({store}), {args.concurrency} concurrent, {args.workers} workers: "
          f"{figures['login_per_s']:.1f}/s, p50 {figures['login_p50_ms']:.0f} ms, p99 {figures['login_p99_ms']:.0f} ms")  # fmt: skip
    print(f"GetUser through Envoy, {args.concurrency} concurrent: {figures['get_user_per_s']:.0f}/s, "
          f"p50 {figures['get_user_p50_ms']:.1f} ms, p99 {figures['get_user_p99_ms']:.1f} ms")  # fmt: skip
    checks = {
        "cached verification < 100 us": v["cached_us"] < 100,
        "logins >= 40/s": figures["login_per_s"] >= 40,
        "login p99 < 600 ms": figures["login_p99_ms"] < 600,
    }
    for what, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {what}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
