"""Benchmark: the assessment service (issue 14): item analysis against NumPy, and autosave /
submit through Envoy against the echo RPC.

    .venv/bin/python scripts/bench_assessment.py            # item analysis, 25,000 attempts x 40 questions
    .venv/bin/python scripts/bench_assessment.py --quick    # 2,500 x 40 (smoke)
    flock /tmp/lms-mesh.lock .venv/bin/python scripts/bench_assessment.py --gateway [--learners 200]

A throwaway database on LMS_TEST_PG_URL (the machine's PostgreSQL by default) is migrated
and filled with COPY: one quiz, its graded attempts and one `responses` row per answer,
scored by a two-parameter logistic model (abilities ~ N(0, 1), difficulties spread over
[-2, 2], four choices per question). Then, in the same run:

- ingestion: the running sums the service keeps as attempts are graded, first attempt by
  attempt for --incremental attempts (one transaction each, the statements a grade's
  transaction adds: `SqlStatistics.before_grade` / `after_grade`), checked against NumPy over
  those attempts, then rebuilt in bulk for the whole quiz (`SqlStatistics.rebuild`);
- obtaining the statistics: `SqlStatistics.of_quiz` (reads the sums: quiz moments, median,
  alpha, SEM, per-question facility, point-biserial discrimination, discriminative
  efficiency, choice counts) against the same statistics in NumPy from in-memory arrays (the
  baseline; loading them is not counted, so the baseline is generous), each the median of
  --repeat runs, and once the recomputation from scratch over every response
  (`ScanStatistics`, what the service ran before);

the results must agree. Target: obtaining the statistics <= 2x NumPy. Exit 0 on PASS, 1 on
FAIL. The ingestion cost is reported, not judged.

--gateway starts the dev mesh (scripts/devmesh.py --only user --only course --only assessment
--only testing --with-probe, gateway rate limit off), builds a published course, a 40-question
timed quiz and --learners enrolled learners with an attempt each, then with --connections
concurrent clients (httpx, HTTP/1.1 keep-alive, in this process): autosaves for --seconds,
the echo (GET /v1/testing/echo) for as long, and every learner's final submit. Targets:
autosave p99 < 50 ms, submit (with grading) p99 < 200 ms, autosave throughput >= 0.5x echo.
The load generator shares the machine's cores with the mesh, as the echo baseline does.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import numpy as np
import psycopg
import sqlalchemy as sa

from lms_assessment.adapters.statistics import SqlStatistics
from lms_assessment.adapters.statistics_scan import ScanStatistics
from lms_assessment.domain.statistics import QuizStatistics
from lms_assessment.migrations import MIGRATIONS_DIR
from lms_kit.db import Database
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database

QUESTIONS = 40
CHOICES = np.array(["a", "b", "c", "d"])


def simulate(attempts: int, seed: int = 14) -> tuple[np.ndarray, np.ndarray]:
    """(fractions attempts x questions, picked choice index attempts x questions)."""
    rng = np.random.default_rng(seed)
    ability = rng.normal(size=(attempts, 1))
    difficulty = np.linspace(-2, 2, QUESTIONS)[None, :]
    right = rng.random((attempts, QUESTIONS)) < 1 / (1 + np.exp(-(ability - difficulty)))
    wrong_pick = rng.integers(1, 4, size=(attempts, QUESTIONS))
    return right.astype(float), np.where(right, 0, wrong_pick)


def load(url: str, fractions: np.ndarray, picks: np.ndarray) -> str:
    quiz_id = str(uuid.uuid4())
    now = "2026-12-01 09:00:00+00"
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute(
            "INSERT INTO quizzes VALUES (%s, 'bench', 'Bench', 'published', '{}'::jsonb, 't', %s, %s)",
            (quiz_id, now, now),
        )
        attempts = io.StringIO()
        responses = io.StringIO()
        for row in range(fractions.shape[0]):
            attempt_id = f"{quiz_id[:8]}-{row}"
            score = fractions[row].sum()
            attempts.write(
                f"{attempt_id}\t{quiz_id}\tbench\tu{row}\t1\tgraded\t{now}\t\\N\t{now}\t{now}\t1\t{score}\t{QUESTIONS}\tf\t{{}}\n"
            )
            for slot in range(QUESTIONS):
                choice = CHOICES[picks[row, slot]]
                responses.write(
                    f"{attempt_id}\t{slot + 1}\t{quiz_id}\tu{row}\tq{slot + 1}\t{fractions[row, slot]}\t1\t{{{choice}}}\t{now}\n"
                )
        with conn.cursor() as cursor:
            with cursor.copy("COPY attempts FROM STDIN") as copy:
                copy.write(attempts.getvalue())
            with cursor.copy("COPY responses FROM STDIN") as copy:
                copy.write(responses.getvalue())
        conn.execute("ANALYZE attempts")
        conn.execute("ANALYZE responses")
    return quiz_id


def numpy_statistics(x: np.ndarray, picks: np.ndarray) -> dict[str, object]:
    n, k = x.shape
    total = x.sum(axis=1)
    pct = 100 * total / k
    sd = pct.std(ddof=1)
    skew = n / ((n - 1) * (n - 2)) * (((pct - pct.mean()) / sd) ** 3).sum()
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total.var(ddof=1))
    rest = total[:, None] - x
    xc, rc = x - x.mean(axis=0), rest - rest.mean(axis=0)
    cov = (xc * rc).sum(axis=0) / (n - 1)
    discrimination = cov / (x.std(axis=0, ddof=1) * rest.std(axis=0, ddof=1))
    xs, rs = np.sort(x, axis=0), np.sort(rest, axis=0)
    best = ((xs - xs.mean(axis=0)) * (rs - rs.mean(axis=0))).sum(axis=0) / (n - 1)
    counts = [np.bincount(picks[:, j], minlength=4) for j in range(k)]
    return {
        "mean": pct.mean(),
        "median": float(np.median(pct)),
        "sd": sd,
        "skewness": skew,
        "alpha": alpha,
        "sem": sd * np.sqrt(1 - alpha),
        "facility": x.mean(axis=0),
        "discrimination": discrimination,
        "efficiency": cov / best,
        "choices": counts,
    }


async def running_statistics(database: Database, quiz_id: str) -> QuizStatistics:
    async with database.session() as session:
        return await SqlStatistics(session).of_quiz(quiz_id)


async def scanned_statistics(database: Database, quiz_id: str) -> QuizStatistics:
    async with database.session() as session:
        return await ScanStatistics(session).of_quiz(quiz_id)


async def count_in_one_by_one(database: Database, quiz_id: str, attempts: int) -> list[float]:
    """What grading adds per attempt: the statistics statements its transaction runs (seconds
    each; the transaction's begin and commit, which the grade pays anyway, not counted)."""
    times = []
    for row in range(attempts):
        async with database.session() as session, session.begin():
            await session.execute(sa.text("SELECT 1"))  # the connection and BEGIN
            start = time.perf_counter()
            running = SqlStatistics(session)
            key = (f"{quiz_id[:8]}-{row}", quiz_id, f"u{row}")
            await running.after_grade(*key, await running.before_grade(*key))
            times.append(time.perf_counter() - start)
    return times


async def rebuild(database: Database, quiz_id: str) -> float:
    start = time.perf_counter()
    async with database.session() as session, session.begin():
        await SqlStatistics(session).rebuild(quiz_id)
    return time.perf_counter() - start


def timed(run, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def disagreements(found: QuizStatistics, expected: dict[str, object]) -> list[str]:
    checks = {
        "mean": np.isclose(found.mean, expected["mean"]),
        "median": np.isclose(found.median, expected["median"]),
        "sd": np.isclose(found.standard_deviation, expected["sd"]),
        "skewness": np.isclose(found.skewness, expected["skewness"]),
        "alpha": np.isclose(found.cronbach_alpha, expected["alpha"]),
        "sem": np.isclose(found.standard_error, expected["sem"]),
        "facility": np.allclose([q.facility for q in found.questions], expected["facility"]),
        "discrimination": np.allclose(
            [q.discrimination for q in found.questions], expected["discrimination"]
        ),
        "efficiency": np.allclose(
            [q.discriminative_efficiency for q in found.questions], expected["efficiency"]
        ),
        "choices": all(
            dict(q.choices) == {str(CHOICES[i]): int(c) for i, c in enumerate(counts) if c}
            for q, counts in zip(found.questions, expected["choices"], strict=True)  # type: ignore[call-overload]
        ),
    }
    return [name for name, ok in checks.items() if not ok]


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--incremental", type=int, default=2_000, help="attempts counted in one by one")
    parser.add_argument("--no-scan", action="store_true", help="skip the recomputation from scratch")
    parser.add_argument("--gateway", action="store_true", help="autosave/submit through Envoy vs echo")
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15.0)
    options = parser.parse_args()
    if options.gateway:
        return await run_gateway(options.learners, options.connections, options.seconds)
    attempts = 2_500 if options.quick else 25_000
    one_by_one = min(options.incremental, attempts)
    fractions, picks = simulate(attempts)
    numpy_s = timed(lambda: numpy_statistics(fractions, picks), options.repeat)
    expected = numpy_statistics(fractions, picks)
    wrong: list[str] = []
    async with postgres_database("lms_bench_assessment") as url:
        await upgrade(url, MIGRATIONS_DIR)
        started = time.perf_counter()
        quiz_id = load(url, fractions, picks)
        print(f"loaded {attempts * QUESTIONS:,} responses in {time.perf_counter() - started:.1f} s")
        database = Database(url)
        try:
            per_attempt = await count_in_one_by_one(database, quiz_id, one_by_one)
            partial = await running_statistics(database, quiz_id)
            wrong += [f"after {one_by_one} one by one: {name}" for name in disagreements(
                partial, numpy_statistics(fractions[:one_by_one], picks[:one_by_one]))]  # fmt: skip
            rebuild_s = await rebuild(database, quiz_id)
            found = await running_statistics(database, quiz_id)
            read_times = []
            for _ in range(options.repeat):
                start = time.perf_counter()
                await running_statistics(database, quiz_id)
                read_times.append(time.perf_counter() - start)
            scan_s = None
            if not options.no_scan:
                start = time.perf_counter()
                scanned = await scanned_statistics(database, quiz_id)
                scan_s = time.perf_counter() - start
                wrong += [f"scan: {name}" for name in disagreements(scanned, expected)]
        finally:
            await database.dispose()
    wrong += disagreements(found, expected)
    read_s = statistics.median(read_times)
    ratio = read_s / numpy_s
    responses = attempts * QUESTIONS
    print(f"item analysis, {responses:,} responses ({attempts:,} attempts x {QUESTIONS} questions):")
    print(f"  NumPy over in-memory arrays     {numpy_s * 1000:9.1f} ms")
    print(f"  obtain (running sums, of_quiz)  {read_s * 1000:9.1f} ms   ratio {ratio:.3f} (target <= 2.0)")
    if scan_s is not None:
        print(
            f"  recompute from scratch (scan)   {scan_s * 1000:9.1f} ms   ratio {scan_s / numpy_s:.1f} (before)"
        )
    print("ingestion (maintaining the sums):")
    print(
        f"  one by one, {one_by_one:,} attempts: mean {statistics.mean(per_attempt) * 1000:.2f} ms,"
        f" p50 {percentile(per_attempt, 0.5):.2f} ms, p99 {percentile(per_attempt, 0.99):.2f} ms per graded attempt"
        f" (x {attempts:,} attempts = {statistics.mean(per_attempt) * attempts:.1f} s, {statistics.mean(per_attempt) * attempts / numpy_s:.0f}x NumPy's whole computation)"
    )
    print(f"  bulk rebuild, {attempts:,} attempts: {rebuild_s:.2f} s ({rebuild_s / numpy_s:.0f}x NumPy)")
    print(f"results agree with NumPy: {not wrong}")
    if wrong:
        print("disagreeing:", wrong)
        return 1
    passed = ratio <= 2.0
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


# -- autosave and submit through Envoy --------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
READY = re.compile(r"^LMS mesh ready: REST (http://127\.0\.0\.1:\d+)$")


class DevMesh:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        argv = [sys.executable, str(ROOT / "scripts" / "devmesh.py"), "--free-ports", "--http-port", "0",
                "--with-probe", "--only", "user", "--only", "course", "--only", "assessment", "--only", "testing",
                "--route-rate-limit", "0", "--data-dir", str(data_dir)]  # fmt: skip
        self.process = subprocess.Popen(
            argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "LMS_TRUST_UNKNOWN_USERS": "true"},  # signs made-up users
            start_new_session=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if match := READY.match(line.strip()):
                self.rest = match[1]
                return
        raise SystemExit(f"devmesh exited with {self.process.wait()} before ready")

    def bearer(self, subject: str, *roles: str) -> dict[str, str]:
        from lms_kit.auth.tokens import TokenSigner

        keys = self.data_dir / "keys"
        kid = json.loads((keys / "jwks.json").read_text())["keys"][0]["kid"]
        signer = TokenSigner.from_pem_file(
            str(keys / "dev-issuer.pem"), kid=kid, issuer="lms.user", audience="lms"
        )
        return {"authorization": f"Bearer {signer.sign(subject, roles=list(roles))}"}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=45)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def ok(response: httpx.Response) -> dict:  # type: ignore[type-arg]
    if response.status_code != 200:
        raise SystemExit(
            f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
        )
    return response.json()  # type: ignore[no-any-return]


def set_up(mesh: DevMesh, http: httpx.Client, learners: int) -> tuple[list[dict[str, str]], list[str]]:
    teacher = mesh.bearer(f"bench-teacher-{uuid.uuid4().hex[:6]}", "teacher")
    course = ok(http.post("/v1/courses", json={"title": "Benchmark course"}, headers=teacher))["name"]
    chapter = ok(http.post(f"/v1/{course}/chapters", json={"title": "One"}, headers=teacher))["name"]
    lecture = {"title": "L", "video": {"asset": "videos/v", "durationSeconds": 60}}
    ok(http.post(f"/v1/{chapter}/lectures", json=lecture, headers=teacher))
    ok(http.post(f"/v1/{course}:publish", json={}, headers=teacher))
    bank = ok(http.post("/v1/banks", json={"course": course, "title": "B"}, headers=teacher))["name"]
    category = ok(http.post(f"/v1/{bank}/categories", json={"displayName": "C"}, headers=teacher))["name"]
    choices = [{"id": c, "text": c, "fraction": 1 if c == "a" else 0} for c in "abcd"]
    questions = [
        ok(
            http.post(
                f"/v1/{bank}/questions",
                json={
                    "category": category,
                    "title": f"Q{i}",
                    "points": 1,
                    "body": {"singleChoice": {"choices": choices, "shuffle": True}},
                },
                headers=teacher,
            )
        )["name"]
        for i in range(QUESTIONS)
    ]
    quiz = ok(
        http.post(
            "/v1/quizzes",
            json={
                "course": course, "title": "Timed", "timeLimitSeconds": 3600, "passPercent": 50,
                "sections": [{"title": "All", "slots": [{"question": q, "points": 1} for q in questions]}],
            },
            headers=teacher,
        )
    )["name"]  # fmt: skip
    ok(http.post(f"/v1/{quiz}:publish", json={}, headers=teacher))
    people, attempts = [], []
    for n in range(learners):
        learner = mesh.bearer(f"bench-learner-{n}-{uuid.uuid4().hex[:6]}", "student")
        ok(http.post(f"/v1/{course}:enroll", json={}, headers=learner))
        attempts.append(
            ok(http.post(f"/v1/{quiz}:startAttempt", json={"sessionId": "s"}, headers=learner))["name"]
        )
        people.append(learner)
    return people, attempts


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def drive(connections: int, seconds: float, call) -> tuple[list[float], int]:  # type: ignore[no-untyped-def]
    """Run `call(worker, n)` from `connections` workers for `seconds`; latencies and failures."""
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds

    async def worker(index: int) -> None:
        nonlocal failures
        n = 0
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            response = await call(index, n)
            latencies.append(time.perf_counter() - start)
            failures += response.status_code != 200
            n += 1

    await asyncio.gather(*(worker(i) for i in range(connections)))
    return latencies, failures


async def run_gateway(learners: int, connections: int, seconds: float) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-assessment-") as directory:
        mesh = DevMesh(Path(directory) / "data")
        try:
            with httpx.Client(base_url=mesh.rest, timeout=30, trust_env=False) as http:
                people, attempts = set_up(mesh, http, learners)
            limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
            async with httpx.AsyncClient(
                base_url=mesh.rest, timeout=30, limits=limits, trust_env=False
            ) as client:
                sequences = [0] * learners

                async def autosave(worker: int, n: int) -> httpx.Response:
                    learner = (worker + n * connections) % learners
                    sequences[learner] += 1
                    slot = sequences[learner] % QUESTIONS + 1
                    body = {"sequence": str(sequences[learner]), "sessionId": "s",
                            "answers": [{"slot": slot, "answer": {"choices": ["a"]}}]}  # fmt: skip
                    return await client.post(
                        f"/v1/{attempts[learner]}:saveAnswers", json=body, headers=people[learner]
                    )

                async def echo(worker: int, n: int) -> httpx.Response:
                    return await client.get("/v1/testing/echo", params={"text": "x"})

                saves, save_failures = await drive(connections, seconds, autosave)
                echoes, echo_failures = await drive(connections, seconds, echo)
                submits: list[float] = []
                submit_failures = 0
                queue = list(range(learners))

                async def submitter() -> None:
                    nonlocal submit_failures
                    while queue:
                        learner = queue.pop()
                        start = time.perf_counter()
                        response = await client.post(
                            f"/v1/{attempts[learner]}:submit",
                            json={"sessionId": "s"},
                            headers=people[learner],
                        )
                        submits.append(time.perf_counter() - start)
                        submit_failures += response.status_code != 200

                await asyncio.gather(*(submitter() for _ in range(connections)))
        finally:
            mesh.stop()
    save_rate, echo_rate = len(saves) / seconds, len(echoes) / seconds
    print(
        f"{learners} learners in a 40-question timed attempt, {connections} connections, {seconds:g} s per case"
    )
    print(
        f"echo      {echo_rate:8.0f} req/s  p50 {percentile(echoes, 0.5):6.1f} ms  p99 {percentile(echoes, 0.99):6.1f} ms  failures {echo_failures}"
    )
    print(
        f"autosave  {save_rate:8.0f} req/s  p50 {percentile(saves, 0.5):6.1f} ms  p99 {percentile(saves, 0.99):6.1f} ms  failures {save_failures}"
    )
    print(
        f"submit    {len(submits):8d} calls  p50 {percentile(submits, 0.5):6.1f} ms  p99 {percentile(submits, 0.99):6.1f} ms  failures {submit_failures}"
    )
    ratio = save_rate / echo_rate
    passed = (
        percentile(saves, 0.99) < 50 and percentile(submits, 0.99) < 200 and ratio >= 0.5
        and not (save_failures or echo_failures or submit_failures)
    )  # fmt: skip
    print(f"autosave / echo throughput = {ratio:.2f} (target >= 0.5); {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
