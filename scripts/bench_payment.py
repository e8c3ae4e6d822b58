"""Benchmark: the payment service.

    .venv/bin/python scripts/bench_payment.py --postgres  # throwaway PostgreSQL cluster: the figures in the docs
    .venv/bin/python scripts/bench_payment.py             # the dev mesh's embedded PostgreSQL
    .venv/bin/python scripts/bench_payment.py --quick     # smoke run (~1 minute)

The dev mesh (scripts/devmesh.py --only user --only course --only payment --only testing
--with-probe --route-rate-limit 0, the real Envoy) with the real Stripe stand-in
(lms_devkit.standins.stripe, in a process of its own so that it does not share the load
generator's GIL; its CPU is measured). Every call goes over REST through Envoy.

1. Checkout: `POST /v1/orders` (a learner's bearer, a new requestId each) at 16
   concurrent: req/s, p50/p99. Each order reads the course (GetCourse), writes the order
   and opens a PaymentIntent at the stand-in. Baseline in the same run: the kit's echo
   (`GET /v1/testing/echo?text=hi`, the probe service behind the same Envoy, same client,
   same concurrency), run before and after; checkout req/s is reported as a ratio to it.
   CreateOrder is limited to 30 calls per user per minute by the contract, so every
   learner places at most 25 orders; LMS_RATE_LIMITS cannot lift it here (see the docs).
2. Webhook ingestion: N pending orders (distinct learner x course pairs), then their signed
   `payment_intent.succeeded` events POSTed at 16 concurrent to `/v1/webhooks/stripe`;
   timed from the first POST until every POST is answered (ingestion) and until no order
   is left PAID (end to end: outbox -> JetStream -> the saga's consumer -> EnrollPaid at the
   course service -> FULFILLED); then every order is checked to be FULFILLED. Baseline:
   the same number of signed `payment_intent.created` events for the same intents (verified
   and recorded, no order change, no saga), run before and after.

Where the time goes, per measured run: the CPU each component used per operation (from
/proc: the services with their workers, Envoy, nats-server, PostgreSQL, the stand-in and
this load generator), the kernel's count of connections refused by a full accept queue
(the stand-in's is 5 deep), and with --postgres the sessions waiting for a row lock
(pg_stat_activity, sampled every 20 ms).

Every call must succeed (HTTP 200, the expected answer), or the script prints the services'
last errors and stops with exit 1. There is no numeric target: exit 0 when every check passed.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import math
import multiprocessing
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench.pgcluster import throwaway_postgres

ROOT = Path(__file__).resolve().parents[1]
READY = re.compile(r"^LMS mesh ready: REST (http://127\.0\.0\.1:\d+)$")
PASSWORD = "correct horse battery staple"
PRICE_MINOR = 5_000
ORDERS_PER_LEARNER = 25  # CreateOrder: 30 per user per minute in the contract
CLK_TCK = os.sysconf("SC_CLK_TCK")
COMPONENTS = ("payment", "course", "user", "testing", "envoy", "nats", "postgres", "stand-in", "client")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


# The Stripe stand-in, in a process of its own


def _standin_main(conn) -> None:  # type: ignore[no-untyped-def]
    from lms_devkit.standins.stripe import StripeStandIn

    standin = StripeStandIn().start()
    conn.send((standin.api_key, standin.webhook_secret, standin.api_base))
    while True:
        command, *args = conn.recv()
        if command == "pay":
            conn.send([standin.pay(intent) for intent in args[0]])
        elif command == "event":
            conn.send([standin.event(args[0], intent) for intent in args[1]])
        elif command == "calls":
            conn.send(len(standin.requests))
        elif command == "stop":
            standin.stop()
            conn.send(None)
            return


class StandIn:
    """lms_devkit.standins.stripe.StripeStandIn, run in a child process; the methods the
    benchmark needs are forwarded to it, in batches."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self.process = context.Process(target=_standin_main, args=(child,), daemon=True)
        self.process.start()
        self.api_key, self.webhook_secret, self.api_base = self._conn.recv()

    def _ask(self, *command):  # type: ignore[no-untyped-def]
        self._conn.send(command)
        return self._conn.recv()

    def pay(self, intents: list[str]) -> list[bytes]:
        return self._ask("pay", intents)

    def event(self, event_type: str, intents: list[str]) -> list[bytes]:
        return self._ask("event", event_type, intents)

    def calls(self) -> int:
        return self._ask("calls")

    def sign(self, payload: bytes) -> str:
        from lms_devkit.standins.stripe import stripe_signature

        return stripe_signature(payload, self.webhook_secret)

    def stop(self) -> None:
        with contextlib.suppress(OSError, EOFError):
            self._ask("stop")
        self.process.join(timeout=10)


# CPU per component, from /proc


def _process_table() -> dict[int, list[int]]:
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
    return children


def _tree_cpu(root: int, children: dict[int, list[int]]) -> float:
    """utime + stime of root and every process below it, plus what their reaped children used."""
    ticks, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        ticks += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / CLK_TCK


class CpuMeter:
    def __init__(self, roots: dict[str, int], standin: StandIn, pg_port: int = 0) -> None:
        self._roots = roots
        self.standin = standin
        self.pg_port = pg_port

    def snapshot(self) -> dict[str, float]:
        table = _process_table()
        cpu = {name: _tree_cpu(pid, table) for name, pid in self._roots.items()}
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu["client"] = usage.ru_utime + usage.ru_stime
        return cpu


def listen_overflows() -> int:
    """The kernel's count of connections dropped because a listening socket's accept queue
    was full (all sockets of the machine: TcpExt ListenOverflows)."""
    header, values = [line.split() for line in Path("/proc/net/netstat").read_text().splitlines()[:2]]
    return int(dict(zip(header, values, strict=True))["ListenOverflows"])


WAITS = """select datname, wait_event_type, left(query, 60) from pg_stat_activity
           where datname like 'lms_%' and state = 'active' and wait_event_type = 'Lock'"""


def sample_lock_waits(port: int, stop: threading.Event, counts: collections.Counter) -> None:
    """Every 20 ms: the sessions waiting for a lock (a row another transaction holds)."""
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True
    ) as conn:
        while not stop.is_set():
            for database, _, query in conn.execute(WAITS):
                counts[f"{database}: {query}"] += 1
            counts[""] += 1  # the number of samples
            stop.wait(0.02)


class Phase:
    """Wall time, CPU per component, calls to the stand-in and, on PostgreSQL, lock waits
    of one measured run."""

    def __init__(self, meter: CpuMeter, ops: int) -> None:
        self._meter = meter
        self.ops = ops
        self.cpu: dict[str, float] = {}
        self.wall = 0.0
        self.standin_calls = 0
        self.lock_waits: collections.Counter = collections.Counter()
        self.overflows = 0

    def __enter__(self) -> Phase:
        self._calls = self._meter.standin.calls()
        self._overflows = listen_overflows()
        self._stop = threading.Event()
        if self._meter.pg_port:
            self._sampler = threading.Thread(
                target=sample_lock_waits, args=(self._meter.pg_port, self._stop, self.lock_waits), daemon=True
            )
            self._sampler.start()
        self._before = self._meter.snapshot()
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._started
        after = self._meter.snapshot()
        self.cpu = {name: after[name] - self._before[name] for name in after}
        self._stop.set()
        if self._meter.pg_port:
            self._sampler.join()
        self.standin_calls = self._meter.standin.calls() - self._calls
        self.overflows = listen_overflows() - self._overflows


# The mesh


class Mesh:
    def __init__(self, data_dir: Path, workers: int, env: dict[str, str], *, pg_port: int = 0) -> None:
        self.data_dir = data_dir
        argv = [sys.executable, str(ROOT / "scripts" / "devmesh.py"), "--free-ports", "--http-port", "0",
                "--with-probe", "--only", "user", "--only", "course", "--only", "payment", "--only", "testing",
                "--route-rate-limit", "0", "--data-dir", str(data_dir), "--workers", str(workers)]  # fmt: skip
        # The benchmark signs its own tokens for users the user service never saw.
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "LMS_TRUST_UNKNOWN_USERS": "true", **env}
        if pg_port:
            argv.append("--postgres")
            env["LMS_DEVMESH_PG_URL"] = f"postgresql+psycopg://postgres@127.0.0.1:{pg_port}"
        self.process = subprocess.Popen(
            argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env=env, start_new_session=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        for line in self.process.stdout:
            match = READY.match(line.strip())
            if match:
                self.rest = match[1]
                state = json.loads((data_dir / "mesh.json").read_text())
                self.pids = {name: child["pid"] for name, child in state["children"].items()}
                return
        raise SystemExit(f"devmesh exited with {self.process.wait()} before ready")

    def admin(self) -> dict[str, str]:
        """An administrator's token signed with the dev issuer key (as docs/devmesh.md shows)."""
        from lms_kit.auth.tokens import TokenSigner

        keys = self.data_dir / "keys"
        kid = json.loads((keys / "jwks.json").read_text())["keys"][0]["kid"]
        signer = TokenSigner.from_pem_file(
            str(keys / "dev-issuer.pem"), kid=kid, issuer="lms.user", audience="lms"
        )
        return {"authorization": f"Bearer {signer.sign('bench-admin', roles=['admin'])}"}

    def print_errors(self, limit: int = 3) -> None:
        """The last errors the services logged (the data directory goes away with the run)."""
        for log in sorted((self.data_dir / "logs").glob("*.log")):
            errors = [
                line for line in log.read_text(errors="replace").splitlines() if '"level": "error"' in line
            ]
            for line in errors[-limit:]:
                record = json.loads(line)
                cause = [
                    x
                    for x in record.get("exc", "").splitlines()
                    if re.match(r"^[\w.]+(Error|Exception)\b", x)
                ]
                print(
                    f"{log.name}: {record['ts']} {record['msg']} {' '.join(cause[-1:])[:500]}",
                    file=sys.stderr,
                )

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=45)
        except subprocess.TimeoutExpired:
            self.process.kill()


# Load


class CheckFailed(Exception):
    """A call did not answer as it must: the run stops."""


Check = Callable[[httpx.Response], str | None]


async def drive(clients: list[httpx.AsyncClient], calls: int, make, check: Check | None = None):  # type: ignore[no-untyped-def]
    """`calls` requests `make(i)` over the clients, one request in flight per client."""
    latencies: list[float] = []
    queue = iter(range(calls))

    async def worker(client: httpx.AsyncClient) -> None:
        for i in queue:
            method, url, kwargs = make(i)
            started = time.perf_counter()
            response = await client.request(method, url, **kwargs)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise CheckFailed(f"{method} {url} -> {response.status_code} {response.text[:200]}")
            wrong = check(response) if check else None
            if wrong:
                raise CheckFailed(f"{method} {url}: {wrong}: {response.text[:200]}")

    started = time.perf_counter()
    await cancelling_gather([worker(client) for client in clients])
    return calls / (time.perf_counter() - started), latencies


def ok(response: httpx.Response) -> dict:
    if response.status_code != 200:
        raise CheckFailed(f"{response.request.method} {response.request.url} -> {response.status_code} {response.text[:300]}")  # fmt: skip
    return response.json()


async def cancelling_gather(coroutines: list) -> list:  # type: ignore[type-arg]
    """asyncio.gather that cancels the others when one fails (no stray requests, no noise)."""
    tasks = [asyncio.ensure_future(c) for c in coroutines]
    try:
        return await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()


async def gathered(concurrency: int, jobs) -> list:  # type: ignore[no-untyped-def]
    gate = asyncio.Semaphore(concurrency)

    async def one(job):  # type: ignore[no-untyped-def]
        async with gate:
            return await job

    return await cancelling_gather([one(job) for job in jobs])


async def sign_up(client: httpx.AsyncClient, label: str) -> tuple[str, str]:
    """Register; returns (users/{id}, email)."""
    email = f"{label}-{uuid.uuid4().hex[:8]}@example.com"
    registered = ok(await client.post(
        "/v1/users:register", json={"email": email, "password": PASSWORD, "displayName": label}
    ))  # fmt: skip
    return registered["user"]["name"], email


async def log_in(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    tokens = ok(await client.post("/v1/auth:login", json={"email": email, "password": PASSWORD}))["tokens"]
    return {"authorization": f"Bearer {tokens['accessToken']}"}


async def learner(client: httpx.AsyncClient) -> dict[str, str]:
    _, email = await sign_up(client, "learner")
    return await log_in(client, email)


async def paid_course(client: httpx.AsyncClient, teacher: dict[str, str], i: int) -> str:
    course = ok(await client.post(
        "/v1/courses",
        json={"title": f"Bench course {i}", "price": {"currencyCode": "USD", "amountMinor": str(PRICE_MINOR)}},
        headers=teacher,
    ))  # fmt: skip
    chapter = ok(await client.post(f"/v1/{course['name']}/chapters", json={"title": "One"}, headers=teacher))
    ok(await client.post(
        f"/v1/{chapter['name']}/lectures",
        json={"title": "L1", "video": {"asset": "videos/abc", "durationSeconds": 60}},
        headers=teacher,
    ))  # fmt: skip
    ok(await client.post(f"/v1/{course['name']}:publish", json={}, headers=teacher))
    return course["name"]


def pending_order(response: httpx.Response) -> str | None:
    order = response.json()
    if order.get("state") != "ORDER_STATE_PENDING" or not order.get("providerPaymentId", "").startswith(
        "pi_"
    ):
        return "not a pending order with a PaymentIntent"
    return None


def _time(value: str) -> datetime:
    # RFC 3339 from the transcoder, up to nanoseconds: keep microseconds for fromisoformat.
    return datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", value).replace("Z", "+00:00"))


async def search(client: httpx.AsyncClient, admin: dict[str, str], state: str) -> list[dict]:
    found, token = [], ""
    while True:
        params = {"state": state, "pageSize": 100, **({"pageToken": token} if token else {})}
        page = ok(await client.get("/v1/orders:search", params=params, headers=admin))
        found += page.get("orders", [])
        token = page.get("nextPageToken", "")
        if not token:
            return found


async def bench_mesh(mesh: Mesh, standin: StandIn, args: argparse.Namespace, sizes: dict[str, int]) -> dict:
    concurrency = args.concurrency
    roots = {k: v for k, v in mesh.pids.items() if k in COMPONENTS}
    roots["stand-in"] = standin.process.pid
    if args.pg_pid:
        roots["postgres"] = args.pg_pid
    meter = CpuMeter(roots, standin, args.pg_port)
    phases: dict[str, Phase] = {}
    figures: dict[str, float] = {}
    async with contextlib.AsyncExitStack() as stack:
        # One client (one connection) per concurrent caller: a shared httpx pool of 16
        # connections costs the load generator twice the CPU per request.
        client, *clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=mesh.rest, timeout=60, trust_env=False)
            )
            for _ in range(1 + concurrency)
        ]
        # Set-up: a teacher with paid published courses; learners with a token each.
        admin = mesh.admin()
        teacher_name, email = await sign_up(client, "teacher")
        ok(await client.post(f"/v1/{teacher_name}:setRoles", json={"roles": ["ROLE_TEACHER"]}, headers=admin))
        teacher = await log_in(client, email)  # the new token carries the teacher role
        courses = await gathered(
            concurrency, [paid_course(client, teacher, i) for i in range(sizes["courses"])]
        )
        checkout_calls = sizes["warmup"] + sizes["checkouts"]
        buyers = math.ceil(checkout_calls / ORDERS_PER_LEARNER)
        payers = math.ceil(sizes["webhooks"] / len(courses))
        learners = await gathered(concurrency, [learner(client) for _ in range(buyers + payers)])
        checkout_learners, paying_learners = learners[:buyers], learners[buyers:]
        print(f"set-up: {len(courses)} paid courses, {len(learners)} learners", flush=True)

        def echo(i: int):  # type: ignore[no-untyped-def]
            return "GET", "/v1/testing/echo", {"params": {"text": "hi"}}

        def checkout(i: int):  # type: ignore[no-untyped-def]
            return "POST", "/v1/orders", {
                "json": {"course": courses[i % len(courses)], "requestId": uuid.uuid4().hex},
                "headers": checkout_learners[i // ORDERS_PER_LEARNER],
            }  # fmt: skip

        def offset(make, by: int):  # type: ignore[no-untyped-def]
            return lambda i: make(i + by)

        await drive(clients, sizes["warmup"], echo)
        await drive(clients, sizes["warmup"], checkout, pending_order)
        results: dict[str, tuple[float, list[float]]] = {}
        for name, make, calls, check in (
            ("echo (before)", echo, sizes["echoes"], None),
            ("checkout", offset(checkout, sizes["warmup"]), sizes["checkouts"], pending_order),
            ("echo (after)", echo, sizes["echoes"], None),
        ):
            with Phase(meter, calls) as phases[name]:
                results[name] = await drive(clients, calls, make, check)
        for name, (rate, latencies) in results.items():
            figures[f"{name} per_s"] = rate
            figures[f"{name} p50_ms"] = statistics.median(latencies) * 1000
            figures[f"{name} p99_ms"] = percentile(latencies, 99) * 1000

        # Webhooks: pending orders for distinct (learner, course) pairs.
        pairs = [(buyer, course) for buyer in paying_learners for course in courses][: sizes["webhooks"]]
        responses = await gathered(concurrency, [
            client.post("/v1/orders", json={"course": course, "requestId": uuid.uuid4().hex}, headers=buyer)
            for buyer, course in pairs
        ])  # fmt: skip
        orders = [ok(r) for r in responses]
        if any(pending_order(r) for r in responses):
            raise CheckFailed("webhook set-up: an order is not pending with a PaymentIntent")
        names = [o["name"] for o in orders]
        intents = [o["providerPaymentId"] for o in orders]
        print(f"set-up: {len(names)} pending orders for the webhook runs", flush=True)

        def post_webhooks(bodies: list[bytes]):  # type: ignore[no-untyped-def]
            signed = [(body, standin.sign(body)) for body in bodies]

            def make(i: int):  # type: ignore[no-untyped-def]
                body, signature = signed[i]
                return "POST", "/v1/webhooks/stripe", {
                    "content": body,
                    "headers": {"content-type": "application/json", "stripe-signature": signature},
                }  # fmt: skip

            return make

        def handled(expected: bool) -> Check:
            def check(response: httpx.Response) -> str | None:
                if bool(response.json().get("handled")) != expected:
                    return f"expected handled={expected}"
                return None

            return check

        async def ignored_run(name: str) -> None:
            make = post_webhooks(standin.event("payment_intent.created", intents))
            with Phase(meter, len(intents)) as phases[name]:
                rate, latencies = await drive(clients, len(intents), make, handled(False))
            figures[f"{name} per_s"] = rate
            figures[f"{name} p50_ms"] = statistics.median(latencies) * 1000
            figures[f"{name} p99_ms"] = percentile(latencies, 99) * 1000

        await drive(clients, min(50, len(intents)), post_webhooks(standin.event("payment_intent.created", intents)), handled(False))  # fmt: skip
        await ignored_run("ignored webhooks (before)")

        make = post_webhooks(standin.pay(intents))
        deadline = 60 + len(intents) / 2
        name = "succeeded webhooks, end to end"
        with Phase(meter, len(intents)) as phases[name]:
            started = time.perf_counter()
            rate, latencies = await drive(clients, len(intents), make, handled(True))
            answered = time.perf_counter()
            while True:
                page = ok(await client.get(
                    "/v1/orders:search", params={"state": "ORDER_STATE_PAID", "pageSize": 1}, headers=admin
                ))  # fmt: skip
                if not page.get("orders"):
                    break
                if time.perf_counter() - started > deadline:
                    raise CheckFailed(f"orders still PAID after {deadline:.0f} s: the saga did not keep up")
                await asyncio.sleep(0.05)
            fulfilled_at = time.perf_counter()
        fulfilled = {o["name"]: o for o in await search(client, admin, "ORDER_STATE_FULFILLED")}
        missing = [n for n in names if n not in fulfilled]
        if missing:
            raise CheckFailed(f"{len(missing)} of {len(names)} orders are not FULFILLED, e.g. {missing[0]}")
        saga = [
            (_time(fulfilled[n]["fulfillTime"]) - _time(fulfilled[n]["payTime"])).total_seconds()
            for n in names
        ]
        figures["ingestion per_s"] = len(intents) / (answered - started)
        figures["end_to_end per_s"] = len(intents) / (fulfilled_at - started)
        figures["tail_s"] = fulfilled_at - answered
        figures["webhook p50_ms"] = statistics.median(latencies) * 1000
        figures["webhook p99_ms"] = percentile(latencies, 99) * 1000
        figures["saga p50_ms"] = statistics.median(saga) * 1000
        figures["saga p99_ms"] = percentile(saga, 99) * 1000
        await ignored_run("ignored webhooks (after)")
    return {"figures": figures, "phases": phases}


def report_cpu(phases: dict[str, Phase]) -> None:
    shown = [c for c in COMPONENTS if any(p.cpu.get(c, 0) > 0 for p in phases.values())]
    print(f"\nCPU per operation, ms (share of one core in brackets): {', '.join(shown)}")
    for name, phase in phases.items():
        ops = phase.ops
        cells = [
            f"{c} {phase.cpu.get(c, 0) / ops * 1000:.2f} ({phase.cpu.get(c, 0) / phase.wall:.0%})"
            for c in shown
        ]
        total = sum(phase.cpu.values()) / ops * 1000
        print(f"  {name}: total {total:.2f}; " + ", ".join(cells))
    print(
        "TCP connections refused by a full accept queue (kernel ListenOverflows; the client retries after 1 s):"
    )
    print("  " + ", ".join(f"{name} {phase.overflows}" for name, phase in phases.items()))


def report_lock_waits(phases: dict[str, Phase]) -> None:
    print("\nPostgreSQL sessions waiting for a lock, on average over the run (sampled every 20 ms):")
    for name, phase in phases.items():
        samples = phase.lock_waits.get("", 0) or 1
        waits = [(n, what) for what, n in phase.lock_waits.most_common() if what]
        total = sum(n for n, _ in waits) / samples
        top = "; ".join(f"{n / samples:.1f} at {what}" for n, what in waits[:2])
        print(f"  {name}: {total:.1f}" + (f" ({top})" if top else ""))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--postgres", action="store_true", help="run the services on a throwaway PostgreSQL cluster"
    )
    args = parser.parse_args()
    sizes = (
        {"courses": 10, "warmup": 32, "echoes": 1000, "checkouts": 300, "webhooks": 200}
        if args.quick
        else {"courses": 20, "warmup": 100, "echoes": 4000, "checkouts": 2000, "webhooks": 1000}
    )

    standin = StandIn()
    with tempfile.TemporaryDirectory(prefix="bench-payment-") as data, contextlib.ExitStack() as stack:
        stack.callback(standin.stop)
        pg_port = stack.enter_context(throwaway_postgres(Path(data))) if args.postgres else 0
        args.pg_pid = int((Path(data) / "pg" / "postmaster.pid").read_text().split()[0]) if pg_port else 0
        args.pg_port = pg_port
        env = {
            "LMS_STRIPE_API_KEY": standin.api_key,
            "LMS_STRIPE_WEBHOOK_SECRET": standin.webhook_secret,
            "LMS_STRIPE_API_BASE": standin.api_base,
            "LMS_ENROLMENT_BACKOFF_S": "[0.2]",
        }
        mesh = Mesh(Path(data) / "mesh", args.workers, env, pg_port=pg_port)
        try:
            measured = asyncio.run(bench_mesh(mesh, standin, args, sizes))
        except CheckFailed as failure:
            mesh.print_errors()
            print(f"FAIL  {failure}")
            return 1
        finally:
            mesh.stop()

    f, phases = measured["figures"], measured["phases"]
    store = "PostgreSQL" if args.postgres else "embedded PostgreSQL"
    echo = (f["echo (before) per_s"] + f["echo (after) per_s"]) / 2
    ignored = (f["ignored webhooks (before) per_s"] + f["ignored webhooks (after) per_s"]) / 2
    print(f"\npayment service through Envoy ({store}), {args.concurrency} concurrent, {args.workers} workers per service")  # fmt: skip
    for name in (
        "echo (before)",
        "checkout",
        "echo (after)",
        "ignored webhooks (before)",
        "ignored webhooks (after)",
    ):
        print(f"  {name}: {f[name + ' per_s']:.0f}/s, p50 {f[name + ' p50_ms']:.1f} ms, p99 {f[name + ' p99_ms']:.1f} ms")  # fmt: skip
    print(f"checkout: {f['checkout per_s']:.1f}/s = {f['checkout per_s'] / echo:.3f}x echo ({echo:.0f}/s, mean of before/after); "
          f"p50 {f['checkout p50_ms']:.1f} ms, p99 {f['checkout p99_ms']:.1f} ms; "
          f"stand-in calls per checkout {phases['checkout'].standin_calls / phases['checkout'].ops:.2f}")  # fmt: skip
    print(f"webhooks ({sizes['webhooks']} payment_intent.succeeded): ingestion {f['ingestion per_s']:.1f}/s "
          f"= {f['ingestion per_s'] / ignored:.2f}x ignored events ({ignored:.1f}/s, mean of before/after); "
          f"POST p50 {f['webhook p50_ms']:.1f} ms, p99 {f['webhook p99_ms']:.1f} ms")  # fmt: skip
    print(f"webhooks end to end (until every order is FULFILLED): {f['end_to_end per_s']:.1f}/s "
          f"= {f['end_to_end per_s'] / ignored:.2f}x ignored events; {f['tail_s']:.1f} s after the last POST; "
          f"pay -> fulfil per order p50 {f['saga p50_ms']:.0f} ms, p99 {f['saga p99_ms']:.0f} ms")  # fmt: skip
    client_share = max(phases[n].cpu["client"] / phases[n].wall for n in ("echo (before)", "echo (after)"))
    if client_share > 0.8:
        print(f"note: this load generator used {client_share:.0%} of a core during the echo runs: the echo figure "
              "is the client's limit, so checkout vs echo is an upper bound of checkout vs the mesh's echo")  # fmt: skip
    report_cpu(phases)
    if args.postgres:
        report_lock_waits(phases)
    print("PASS  every checkout 200 PENDING with a PaymentIntent; every webhook 200; every order FULFILLED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
